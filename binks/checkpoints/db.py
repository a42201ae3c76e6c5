"""The Binks database: one object that runs every read and write of Binks' own tables.

Binks keeps its thread index, event log, execute intents, audit log and replica leases in
the same database as LangGraph's checkpoints: SQLite in the state dir (one workstation, the
default) or PostgreSQL (several replicas). Each store module (``threads``, ``events``, ...)
writes its statements as plain functions of a synchronous SQLAlchemy ``Connection`` (in
SQLAlchemy Core, or by hand for those every run issues: :mod:`binks.checkpoints.sql`);
:class:`Database` runs them, one function per transaction:

- **SQLite** runs them *inline on the event loop*, on the one connection of the process
  (the checkpointer shares it, see :mod:`binks.checkpoints.saver`). A statement on a local
  WAL database takes tens of microseconds; handing it to a thread (``aiosqlite``, the
  async engine) costs more than that on a quiet machine and up to a GIL switch interval
  (5 ms) per hop on a busy one, and several connections of one process only wait for each
  other's write lock. A transaction is therefore never held across an ``await``: it starts
  and commits inside one synchronous call. Writes start with ``BEGIN IMMEDIATE`` so that
  another process (``binks db prune``) can never slip between a read and a write. The
  write-ahead log is copied into the database file (a checkpoint) by a thread with its own
  connection once it has grown, never by a commit on the loop, which SQLite's automatic
  checkpoint would stall for the copy and its fsync.
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
import logging
import os
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from sqlalchemy import Connection, MetaData, create_engine
from sqlalchemy.pool import StaticPool

from binks.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from binks.settings import Settings

logger = logging.getLogger(__name__)

metadata = MetaData()
"""Every Binks table registers itself here (the store modules import this)."""

T = TypeVar("T")
Work = Callable[[Connection], T]
Dialect = Literal["sqlite", "postgresql"]

#: Seconds a SQLite writer waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_S = 30.0
#: Commits between two looks at the write-ahead log's size.
WAL_CHECK_EVERY = 64
#: Bytes of write-ahead log that make it worth copying into the database file (SQLite's own
#: automatic checkpoint starts at 1000 pages, 4 MB with the default page size).
WAL_CHECKPOINT_BYTES = 4 * 1024 * 1024
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

    def flush_ahead(self) -> Future[None] | None:
        """Start putting what is committed on disk, without waiting: Binks is about to wait.

        Called when a run stops for a person's decision. A durable write after the
        decision (execute's intent) then waits only for what was written since, not for
        every checkpoint of the run so far. PostgreSQL flushes its own log as it goes.
        Returns the flush in progress, if one was started (nobody needs to wait for it).
        """
        return None

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
            # Checkpoints run in a thread of their own (``_checkpoint``), never inside a
            # commit on the event loop, where copying the log and fsyncing the file would
            # stall every run and stream for tens of milliseconds.
            raw.execute("PRAGMA wal_autocheckpoint=0")
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
        self._commits = 0
        # One thread, started with the first checkpoint and kept: starting a thread waits
        # until it runs, which on a busy machine would hold up the commit that asked for it.
        self._checkpoints = ThreadPoolExecutor(max_workers=1, thread_name_prefix="binks-wal-checkpoint")
        #: The last checkpoint asked for, once one was.
        self.checkpointing: Future[None] | None = None
        self._flush: asyncio.Future[None] | None = None

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
        if write:
            self.committed()
        return result

    def committed(self) -> None:
        """Count a commit on the connection (the checkpointer's too); now and then look at the log.

        When the log has grown past :data:`WAL_CHECKPOINT_BYTES`, a thread copies it into
        the database file (unless one already does).
        """
        self._commits += 1
        if self._commits % WAL_CHECK_EVERY:
            return
        if self.checkpointing is not None and not self.checkpointing.done():
            return
        try:
            size = os.stat(f"{self.path}-wal").st_size
        except FileNotFoundError:
            return
        if size >= WAL_CHECKPOINT_BYTES:
            self.checkpointing = self._checkpoints.submit(self._checkpoint)

    def _checkpoint(self) -> None:
        """Copy the log into the database file, on a connection of this thread's own.

        ``PASSIVE``: it copies what no reader still needs and never waits for, or blocks,
        the event loop's connection; SQLite fsyncs the database file before the log is
        reused, so a durable commit stays durable whichever file holds it. A failure is
        logged and left to the next attempt (the log only grows meanwhile).
        """
        try:
            with closing(sqlite3.connect(str(self.path), timeout=SQLITE_BUSY_TIMEOUT_S)) as own:
                own.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            logger.warning("checkpointing the write-ahead log of %s failed", self.path, exc_info=True)

    async def read(self, work: Work[T]) -> T:
        """See :meth:`Database.read`."""
        return self.run(work, write=False)

    async def write(self, work: Work[T], *, durable: bool = False) -> T:
        """See :meth:`Database.write`.

        A durable write commits like any other, then waits for the next flush of the log
        (:meth:`_flushed`), so the caller goes on only once its commit, and every one
        before it, is on disk: what SQLite's ``synchronous=FULL`` does, one fsync shared by
        every durable write that committed in the same turn of the event loop.
        """
        result = self.run(work, write=True)
        if durable:
            await self._flushed()
        return result

    async def _flushed(self) -> None:
        """Wait for a flush of the log that starts after now (group commit).

        The flush runs on the loop, after the callbacks already due: whatever else commits
        in this turn joins it. The loop stops for one fsync (a few milliseconds) while it
        runs. Handing the fsync to a thread would let the loop go on meanwhile, but on a
        busy machine the hand-off costs more than the fsync: a thread to wake and one to
        wake back, each waiting for a core (6-9 ms measured for a 4-6 ms fsync on this
        project's 2-core reference machine at load 11), and decisions wait for two.
        """
        if self._flush is None:
            loop = asyncio.get_running_loop()
            self._flush = loop.create_future()
            loop.call_soon(self._flush_now)
        await asyncio.shield(self._flush)

    def _flush_now(self) -> None:
        flush, self._flush = self._flush, None
        if flush is None:
            return
        try:
            self.sync_log()
        except OSError as exc:
            flush.set_exception(exc)
        else:
            flush.set_result(None)

    def flush_ahead(self) -> Future[None] | None:
        """See :meth:`Database.flush_ahead`: the log is flushed on the checkpoint thread."""
        try:
            return self._checkpoints.submit(self._sync_quietly)
        except RuntimeError:  # closing: the durable write that follows flushes for itself
            return None

    def _sync_quietly(self) -> None:
        try:
            self.sync_log()
        except OSError:  # the durable write after the decision flushes (and reports) again
            logger.warning("flushing the write-ahead log of %s ahead failed", self.path, exc_info=True)

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
        await asyncio.to_thread(self._checkpoints.shutdown)
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
