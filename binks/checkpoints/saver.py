"""The checkpointer factory: SQLite in the state dir by default, Postgres when configured.

There is no fallback to an in-memory saver: a run that cannot be persisted could not be
resumed after a restart, so a database that cannot be opened is a :class:`ConfigError`
that names the path or URL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from binks.errors import ConfigError
from binks.settings import Settings

SQLITE_BUSY_TIMEOUT_S = 30.0


def sqlite_path(settings: Settings) -> Path | None:
    """The SQLite file the settings name, or ``None`` when they name Postgres."""
    url = settings.database_url
    if url is None:
        return settings.database_path
    if url.startswith(("postgres://", "postgresql://")):
        return None
    for prefix in ("sqlite+aiosqlite:///", "sqlite:///"):
        if url.startswith(prefix):
            return Path(url.removeprefix(prefix)).expanduser()
    raise ConfigError(
        f"BINKS_DATABASE_URL: {url!r} is neither postgresql://... nor sqlite:///path;"
        " unset it to use SQLite in the state dir"
    )


async def connect_sqlite(path: Path) -> aiosqlite.Connection:
    """An ``aiosqlite`` connection with WAL, ``synchronous=NORMAL`` and a 30 s busy timeout."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_S)
    except (OSError, sqlite3.Error) as exc:
        raise ConfigError(
            f"cannot open the database {path}: {exc}; check BINKS_STATE_DIR / BINKS_DATABASE_URL"
        ) from exc
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA synchronous=NORMAL")
    return conn


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """Open the checkpointer the settings name, set up its tables, and close it afterwards."""
    path = sqlite_path(settings)
    if path is None:
        async with _open_postgres(str(settings.database_url)) as saver:
            yield saver
        return
    conn = await connect_sqlite(path)
    try:
        saver = AsyncSqliteSaver(conn)
        await saver.setup()
        yield saver
    finally:
        await conn.close()


@asynccontextmanager
async def _open_postgres(url: str) -> AsyncIterator[BaseCheckpointSaver[str]]:
    try:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        raise ConfigError(
            "BINKS_DATABASE_URL names Postgres, but the Postgres checkpointer is not installed;"
            " run: pip install 'binks[postgres]'"
        ) from exc
    async with AsyncPostgresSaver.from_conn_string(url) as saver:
        await saver.setup()
        yield saver
