"""Schema versioning for Binks' own tables: one row in ``binks_schema_version``.

Creating tables is idempotent; the version row lets a newer Binks migrate an older
database and stops an older Binks from writing into a database it does not understand.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints.db import create_schema, metadata
from binks.errors import ConfigError

SCHEMA_VERSION = 1
"""The version of Binks' tables this code writes."""

schema_version = Table("binks_schema_version", metadata, Column("version", Integer, nullable=False))


async def prepare_database(engine: AsyncEngine) -> int:
    """Create missing tables and check the schema version; returns the version in use."""
    await create_schema(engine)
    async with engine.begin() as connection:
        found = (await connection.execute(select(schema_version.c.version))).scalars().all()
        if not found:
            await connection.execute(insert(schema_version).values(version=SCHEMA_VERSION))
            return SCHEMA_VERSION
        version = int(max(found))
    if version > SCHEMA_VERSION:
        raise ConfigError(
            f"the database was written by a newer Binks (schema {version}, this one knows"
            f" {SCHEMA_VERSION}); upgrade Binks or point BINKS_STATE_DIR elsewhere"
        )
    return version
