"""What the database commands share: the database the settings name, checked for its schema.

They read and write the database directly (no server needed, and safe while it runs:
SQLite's WAL lets readers and a writer work side by side, and every writer waits its turn).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from binks.checkpoints.db import Database
from binks.errors import ConfigError
from binks.settings import Settings


def check_schema(settings: Settings) -> None:
    """Refuse a SQLite database that is missing, older or newer than this Binks."""
    from binks.checkpoints.db import sqlite_path
    from binks.checkpoints.schema import SCHEMA_VERSION, newer_message, sqlite_schema_version

    path = sqlite_path(settings)
    if path is None:  # Postgres: the server checks the version when it starts
        return
    if not path.is_file():
        raise ConfigError(f"no database at {path}: has 'binks serve' run with this BINKS_STATE_DIR?")
    found = sqlite_schema_version(path)
    if found is None or found < SCHEMA_VERSION:
        raise ConfigError(
            f"the database {path} is at schema {found or 'none'}, this Binks needs {SCHEMA_VERSION}: "
            "restart 'binks serve' (it migrates at start) or run 'binks db migrate'"
        )
    if found > SCHEMA_VERSION:
        raise ConfigError(newer_message(found))


@asynccontextmanager
async def open_engine(settings: Settings) -> AsyncIterator[Database]:
    """The configured database, closed afterwards."""
    from binks.checkpoints.db import connect, database_url

    database = connect(database_url(settings))
    try:
        yield database
    finally:
        await database.close()
