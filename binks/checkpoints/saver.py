"""The checkpointer: LangGraph's saver on the same database as Binks' own tables.

- **SQLite**: :class:`InlineSqliteSaver`, LangGraph's ``SqliteSaver`` on the
  :class:`~binks.checkpoints.db.SqliteDatabase`'s one connection, called inline from the
  event loop. ``AsyncSqliteSaver`` would run every statement on an ``aiosqlite`` thread and
  hold its lock across those hops; here a checkpoint is written in one synchronous
  transaction of a few dozen microseconds, and the checkpointer and Binks' tables never
  wait for each other's write lock.
- **PostgreSQL**: ``langgraph-checkpoint-postgres``'s ``AsyncPostgresSaver`` on a
  ``psycopg`` connection pool. Checkpoints are written with ``synchronous_commit=off``: a
  checkpoint lost to a crash of the database server only makes a resume start from an
  earlier one, and execute's durable intents keep a change from running twice. Its tables
  are set up under an advisory lock, so replicas that start together set them up once.

There is no fallback to an in-memory saver: a run that cannot be persisted could not be
resumed after a restart, so a database that cannot be opened is a :class:`ConfigError`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.sqlite import SqliteSaver

from binks.checkpoints.db import Database, SqliteDatabase
from binks.errors import ConfigError

CHECKPOINT_SETUP_LOCK = 0x62696E6B_63687074
"""PostgreSQL advisory lock key (``"binkchpt"``) held while the checkpointer's tables are set up."""
#: Seconds between attempts to take the setup lock while another replica holds it.
SETUP_POLL_S = 0.1
#: Connections each replica keeps for checkpoints.
POSTGRES_CHECKPOINT_POOL = 10


class InlineSqliteSaver(SqliteSaver):
    """``SqliteSaver`` whose async methods run the sync ones inline (see the module docstring)."""

    def __init__(self, database: SqliteDatabase) -> None:
        super().__init__(database.raw)
        self.lock = database.lock  # type: ignore[assignment]
        self.database = database

    def _transaction(self, *, write: bool = False) -> _Transaction:
        return _Transaction(self, write=write)

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """See ``SqliteSaver.get_tuple``."""
        with self._transaction():
            return self.get_tuple(config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """See ``SqliteSaver.list`` (read at once: the connection is not held while iterating)."""
        with self._transaction():
            found = list(self.list(config, filter=filter, before=before, limit=limit))
        for item in found:
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        """See ``SqliteSaver.put``."""
        with self._transaction(write=True):
            return self.put(config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self, config: RunnableConfig, writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = ""
    ) -> None:
        """See ``SqliteSaver.put_writes``."""
        with self._transaction(write=True):
            self.put_writes(config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        """See ``SqliteSaver.delete_thread``."""
        with self._transaction(write=True):
            self.delete_thread(thread_id)


class _Transaction:
    """``BEGIN`` ... ``COMMIT`` around one saver call (the driver runs in autocommit mode)."""

    def __init__(self, saver: InlineSqliteSaver, *, write: bool = False) -> None:
        self.saver = saver
        self.write = write

    def __enter__(self) -> None:
        self.saver.lock.acquire()
        try:
            self.saver.setup()
            self.saver.conn.execute("BEGIN IMMEDIATE" if self.write else "BEGIN")
        except BaseException:
            self.saver.lock.release()
            raise

    def __exit__(self, kind: object, *_rest: object) -> None:
        try:
            if self.saver.conn.in_transaction:
                if kind is None:
                    self.saver.conn.commit()
                else:
                    self.saver.conn.rollback()
        finally:
            self.saver.lock.release()
        if self.write and kind is None:
            self.saver.database.committed()


@asynccontextmanager
async def open_checkpointer(database: Database) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """The checkpointer on ``database``, its tables set up; closed (pool) afterwards."""
    if isinstance(database, SqliteDatabase):
        saver = InlineSqliteSaver(database)
        with database.lock:
            saver.setup()
        yield saver
        return
    async with _open_postgres(database.url) as postgres:
        yield postgres


async def _try_lock(connection: Any) -> bool:
    row = await (
        await connection.execute("SELECT pg_try_advisory_lock(%s)", (CHECKPOINT_SETUP_LOCK,))
    ).fetchone()
    return bool(row and row[0])


@asynccontextmanager
async def _open_postgres(url: str) -> AsyncIterator[BaseCheckpointSaver[str]]:
    try:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg import AsyncConnection
        from psycopg.rows import dict_row
        from psycopg_pool import AsyncConnectionPool
    except ImportError as exc:
        raise ConfigError(
            "BINKS_DATABASE_URL names PostgreSQL, but the PostgreSQL checkpointer is not installed;"
            " run: pip install 'binks[postgres]' (or scripts/install postgres)"
        ) from exc
    async with await AsyncConnection.connect(url, autocommit=True) as connection:
        # Polled, not waited for: the setup creates indexes CONCURRENTLY, which waits for every
        # open transaction, a waiting pg_advisory_lock included (a deadlock).
        while not await _try_lock(connection):
            await asyncio.sleep(SETUP_POLL_S)
        try:
            await AsyncPostgresSaver(connection).setup()  # type: ignore[arg-type]
        finally:
            await connection.execute("SELECT pg_advisory_unlock(%s)", (CHECKPOINT_SETUP_LOCK,))
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=POSTGRES_CHECKPOINT_POOL,
        kwargs={
            "autocommit": True,
            "prepare_threshold": 0,
            "row_factory": dict_row,
            "options": "-c synchronous_commit=off",
        },
        open=False,
    )
    await pool.open(wait=True)
    try:
        yield AsyncPostgresSaver(pool)
    finally:
        await pool.close()
