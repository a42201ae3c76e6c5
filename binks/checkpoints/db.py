"""The Binks database: one object that runs every read and write of Binks' own tables.

Binks keeps its thread index, event log, execute intents, audit log and replica leases in
the same database as LangGraph's checkpoints: SQLite in the state dir (one workstation, the
default) or PostgreSQL (several replicas). Each store module (``threads``, ``events``, ...)
builds its statements with SQLAlchemy Core as plain functions of a synchronous
``Connection``; :class:`Database` runs them, one function per transaction:

- **SQLite** runs them *inline on the event loop*, on the one connection of the process
  (the checkpointer shares it, see :mod:`binks.checkpoints.saver`). A statement on a local
  WAL database takes tens of microseconds; handing it to a thread (``aiosqlite``, the
  async engine) costs more than that on a quiet machine and up to a GIL switch interval
  (5 ms) per hop on a busy one, and several connections of one process only wait for each
  other's write lock. A transaction is therefore never held across an ``await``: it starts
  and commits inside one synchronous call. Writes start with ``BEGIN IMMEDIATE`` so that
  another process (``binks db prune``) can never slip between a read and a write.
- **PostgreSQL** runs them on a pooled ``psycopg`` connection through SQLAlchemy's
  ``run_sync``; a transaction awaits only its own statements' round trips.

Durability is chosen per write (``durable=True``), because the writes do not all need the
same (the README's "Durability" section says the same for operators):

- *Durable* — an execute intent before kubectl runs (a lost intent would let a resume after
  a power cut run the change again) and every audit entry (a decision must be on record
  before anything it allows runs). SQLite commits them with ``synchronous=FULL`` (the WAL is
  flushed to disk before the write returns); PostgreSQL with its default
  ``synchronous_commit=on``.
- *Not durable* — events, thread status, leases and heartbeats: SQLite's
  ``synchronous=NORMAL`` in WAL mode survives a killed process and loses at most the last
  commits on a power cut; PostgreSQL uses ``synchronous_commit=off`` (the same promise).
  Both logs are sequential, so a durable commit also makes every earlier one durable: an
  intent on disk implies the decision and the status that led to it are on disk too.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from sqlalchemy import Connection, MetaData, create_engine
from sqlalchemy.pool import StaticPool

from binks.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from binks.settings import Settings

metadata = MetaData()
"""Every Binks table registers itself here (the store modules import this)."""

T = TypeVar("T")
Work = Callable[[Connection], T]
Dialect = Literal["sqlite", "postgresql"]

#: Seconds a SQLite writer waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_S = 30.0
#: Connections each replica keeps open to PostgreSQL for Binks' tables.
POSTGRES_POOL_SIZE = 10


def database_url(settings: Settings) -> str:
    """The database the settings name, as ``sqlite:///path`` or ``postgresql://...``."""
    url = settings.database_url
    if url is None:
        return f"sqlite:///{settings.database_path}"
    if url.startswith("postgres://"):
        return "postgresql://" + url.removeprefix("postgres://")
    if url.startswith(("postgresql://", "sqlite:///")):
        return url
    if url.startswith("postgresql+psycopg://"):
        return "postgresql://" + url.removeprefix("postgresql+psycopg://")
    if url.startswith("sqlite+aiosqlite:///"):
        return "sqlite:///" + url.removeprefix("sqlite+aiosqlite:///")
    raise ConfigError(
        f"BINKS_DATABASE_URL: {url!r} is neither postgresql://... nor sqlite:///path;"
        " unset it to use SQLite in the state dir"
    )


def sqlite_file(url: str) -> Path | None:
    """The SQLite file of a :func:`database_url`, or ``None`` for PostgreSQL."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).expanduser()
    return None


def sqlite_path(settings: Settings) -> Path | None:
    """The SQLite file the settings name, or ``None`` when they name PostgreSQL."""
    return sqlite_file(database_url(settings))


def is_postgres(url: str) -> bool:
    """True when ``url`` (as :func:`database_url` returns it) names PostgreSQL."""
    return url.startswith("postgresql://")


class Database:
    """Runs store functions in transactions; see the module docstring for the two dialects."""

    dialect: Dialect
    url: str

    async def read(self, work: Work[T]) -> T:
        """Run ``work`` on a connection and return its result (no write intended)."""
        raise NotImplementedError

    async def write(self, work: Work[T], *, durable: bool = False) -> T:
        """Run ``work`` in one transaction and commit it; ``durable`` flushes it to disk."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release the connections."""
        raise NotImplementedError

    def describe(self) -> str:
        """Where the data lives, without a password (for logs and ``/health``)."""
        if self.dialect == "sqlite":
            return f"SQLite {self.url.removeprefix('sqlite:///')}"
        from sqlalchemy.engine import make_url

        return "PostgreSQL " + make_url(self.url).render_as_string(hide_password=True).split("://", 1)[1]


class SqliteDatabase(Database):
    """One SQLite connection, used inline on the caller's thread (the event loop)."""

    dialect: Dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            raw = sqlite3.connect(
                str(path), timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False, isolation_level=None
            )
            raw.execute("PRAGMA journal_mode=WAL")
            raw.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(
                f"cannot open the database {path}: {exc}; check BINKS_STATE_DIR / BINKS_DATABASE_URL"
            ) from exc
        self.raw = raw
        #: Shared with the checkpointer: one connection, one user at a time.
        self.lock = threading.RLock()
        engine = create_engine("sqlite://", creator=lambda: raw, poolclass=StaticPool)
        self._engine = engine
        self._connection = engine.connect()

    def run(self, work: Work[T], *, write: bool) -> T:
        """Run ``work`` synchronously: one transaction, committed (or rolled back) before returning."""
        with self.lock:
            connection = self._connection
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
                result = work(connection)
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
            return result

    async def read(self, work: Work[T]) -> T:
        """See :meth:`Database.read`."""
        return self.run(work, write=False)

    async def write(self, work: Work[T], *, durable: bool = False) -> T:
        """See :meth:`Database.write`.

        A durable write commits like any other, then fsyncs the WAL file in a thread: the
        event loop and the other writers go on meanwhile, and the caller continues only
        once the commit (and every one before it) is on disk. What SQLite's
        ``synchronous=FULL`` would do, without stalling the loop for the fsync.
        """
        result = self.run(work, write=True)
        if durable:
            await asyncio.to_thread(self.sync_log)
        return result

    def sync_log(self) -> None:
        """Flush the write-ahead log to disk.

        Frames a checkpoint already copied into the database file are on disk: with
        ``synchronous=NORMAL`` SQLite fsyncs the database after each checkpoint, before the
        log is reused.
        """
        try:
            descriptor = os.open(f"{self.path}-wal", os.O_RDONLY)
        except FileNotFoundError:
            return
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

    async def close(self) -> None:
        """See :meth:`Database.close`."""
        with self.lock:
            self._connection.close()
            self._engine.dispose()
            self.raw.close()


class PostgresDatabase(Database):
    """A pool of ``psycopg`` connections behind SQLAlchemy's async engine."""

    dialect: Dialect = "postgresql"

    def __init__(self, url: str, *, pool_size: int = POSTGRES_POOL_SIZE) -> None:
        try:
            from sqlalchemy.ext.asyncio import create_async_engine
        except ImportError as exc:  # pragma: no cover - sqlalchemy[asyncio] is a dependency
            raise ConfigError(str(exc)) from exc
        _require_psycopg()
        self.url = url
        self.engine: AsyncEngine = create_async_engine(
            "postgresql+psycopg://" + url.split("://", 1)[1],
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
        )

    async def read(self, work: Work[T]) -> T:
        """See :meth:`Database.read`."""
        async with self.engine.connect() as connection:
            return await connection.run_sync(work)

    async def write(self, work: Work[T], *, durable: bool = False) -> T:
        """See :meth:`Database.write`."""
        async with self.engine.begin() as connection:
            if not durable:
                await connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            return await connection.run_sync(work)

    async def close(self) -> None:
        """See :meth:`Database.close`."""
        await self.engine.dispose()


def _require_psycopg() -> None:
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            "BINKS_DATABASE_URL names PostgreSQL, but its driver is not installed;"
            " run: pip install 'binks[postgres]' (or scripts/install postgres)"
        ) from exc


def connect(url: str) -> Database:
    """The :class:`Database` for a :func:`database_url` (SQLite opens its file now)."""
    path = sqlite_file(url)
    if path is not None:
        return SqliteDatabase(path)
    if is_postgres(url):
        return PostgresDatabase(url)
    raise ConfigError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://...")


async def using(url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """Open the database, run ``work`` with it, close it (for commands and tests)."""
    database = connect(url)
    try:
        return await work(database)
    finally:
        await database.close()


__all__ = [
    "Database",
    "PostgresDatabase",
    "SqliteDatabase",
    "connect",
    "database_url",
    "is_postgres",
    "metadata",
    "sqlite_file",
    "sqlite_path",
    "using",
]
