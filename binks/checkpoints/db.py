"""The Binks database: one SQLAlchemy engine and metadata for Binks' own tables.

LangGraph's checkpointer keeps its own tables in the same SQLite file; Binks adds the
thread index, the event log, execute intents and the audit log beside them. Each of those
lives in its own module and registers its table on :data:`metadata`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

metadata = MetaData()


def sqlite_url(path: Path) -> str:
    """The async SQLAlchemy URL of a SQLite file."""
    return f"sqlite+aiosqlite:///{path}"


def make_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets WAL, ``synchronous=NORMAL`` and a 30 s busy timeout.

    Those match what the checkpointer uses, so the server's writers wait for each other
    instead of failing with "database is locked".
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


async def create_schema(engine: AsyncEngine) -> None:
    """Create every table registered on :data:`metadata` that does not exist yet."""
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


__all__ = ["create_schema", "make_engine", "metadata", "sqlite_url"]
