"""The thread index: one row per conversation, and the one truth about who runs it.

LangGraph cannot list threads, so Binks keeps this table. Its row is also where a run is
*owned*: a run starts only by an atomic change of the row (:func:`claim` or
:func:`insert`) that sets ``status = 'running'``, the run's id, the replica that runs it
and a lease. Whatever else a replica believes, the row decides; so with several replicas
(or several requests racing on one) a thread has at most one run, and of several decisions
on one approval exactly one can claim it.

- The owning replica renews the leases of its runs (:func:`renew`); a replica that dies
  stops renewing, and once its lease expires any replica moves the thread to
  ``interrupted`` (:func:`interrupt_expired`), for a person to resume. Nothing mutating
  resumes by itself.
- A run ends by :func:`settle`, which only applies while the row still names that run: a
  run whose lease was lost (and the thread interrupted) cannot overwrite what came after.
- ``pending_interrupt`` is the approval the thread waits for; a decision claims the row only
  if it still is the one the decision answered.

The functions take a SQLAlchemy ``Connection`` and run inside the caller's transaction
(:class:`~binks.checkpoints.db.Database`), so a status change and the event that announces
it commit together. :class:`ThreadIndex` wraps the ones used alone.
"""

from __future__ import annotations

import builtins
import functools
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Column, ColumnElement, Connection, DateTime, String, Table, Text, or_, select, update
from sqlalchemy.exc import IntegrityError

from binks.checkpoints import sql
from binks.checkpoints.db import Database, metadata
from binks.checkpoints.sql import Statement
from binks.errors import BinksError, ThreadNotFound

ThreadStatus = Literal["running", "awaiting_approval", "completed", "failed", "interrupted", "cancelled"]
IDLE: tuple[ThreadStatus, ...] = ("completed", "failed", "cancelled")
"""Statuses a follow-up message may start a run from."""
RESUMABLE: tuple[ThreadStatus, ...] = ("interrupted", "failed", "cancelled")
"""Statuses ``POST /resume`` may start a run from."""

threads_table = Table(
    "binks_threads",
    metadata,
    Column("thread_id", String(128), primary_key=True),
    Column("title", Text, nullable=False),
    Column("status", String(32), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("error", Text, nullable=True),
    Column("run_id", String(64), nullable=True),
    Column("owner", String(128), nullable=True, index=True),
    Column("lease_expires_at", DateTime(timezone=True), nullable=True),
    Column("pending_interrupt", String(128), nullable=True),
)


COLUMNS = tuple(column.name for column in threads_table.columns)
_GET = Statement(f"SELECT {', '.join(COLUMNS)} FROM binks_threads WHERE thread_id = :thread_id")
_INSERT = sql.insert("binks_threads", COLUMNS)
_IDLE = (
    "UPDATE binks_threads SET status = :status, error = :error, run_id = NULL, owner = NULL,"
    " lease_expires_at = NULL, pending_interrupt = :pending_interrupt, updated_at = :updated_at"
    " WHERE thread_id = :thread_id AND "
)
_SETTLE = Statement(_IDLE + "run_id = :run_id")
_SET_STATUS = Statement(_IDLE + "status <> 'running'")


class ThreadRecord(BaseModel):
    """One thread as listed: its title (the first task), status, times and current run."""

    thread_id: str
    title: str
    status: ThreadStatus
    created_at: datetime
    updated_at: datetime
    error: str | None
    run_id: str | None = None
    owner: str | None = None
    lease_expires_at: datetime | None = None
    pending_interrupt: str | None = None


def now() -> datetime:
    """The time Binks stores (UTC)."""
    return datetime.now(UTC)


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes; every time Binks stores is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def not_found(thread_id: str) -> ThreadNotFound:
    """The error for an unknown thread id."""
    return ThreadNotFound(f"no thread {thread_id!r}; list threads with `binks threads`")


def clean_title(title: str) -> str:
    """One line of at most 200 characters."""
    return " ".join(title.split())[:200] or "(untitled)"


def insert(
    connection: Connection, thread_id: str, title: str, *, run_id: str, owner: str, lease_s: float
) -> ThreadRecord:
    """Add a thread, already ``running`` its first run under ``owner``'s lease."""
    stamp = now()
    row: dict[str, Any] = {
        "thread_id": thread_id,
        "title": clean_title(title),
        "status": "running",
        "created_at": stamp,
        "updated_at": stamp,
        "error": None,
        "run_id": run_id,
        "owner": owner,
        "lease_expires_at": stamp + timedelta(seconds=lease_s),
        "pending_interrupt": None,
    }
    try:
        sql.execute(connection, _INSERT, **row)
    except (IntegrityError, sqlite3.IntegrityError) as exc:
        raise BinksError(f"thread {thread_id!r} already exists; pick another id") from exc
    return ThreadRecord.model_validate(row)


def insert_statement() -> Any:
    """``INSERT INTO binks_threads`` (named so the table's own ``insert`` is not shadowed)."""
    return threads_table.insert()


def get(connection: Connection, thread_id: str) -> ThreadRecord | None:
    """The thread's record, or ``None``."""
    found = sql.first(connection, _GET, thread_id=thread_id)
    return None if found is None else record(dict(zip(COLUMNS, found, strict=True)))


def claim(
    connection: Connection,
    thread_id: str,
    *,
    run_id: str,
    owner: str,
    lease_s: float,
    allowed: Iterable[ThreadStatus],
    interrupt_id: str | None = None,
) -> bool:
    """Start a run on the thread; False when another request or replica was first.

    The thread's status must be one of ``allowed`` and, for a decision, it must still wait
    for ``interrupt_id`` (rows from before schema 3 name no interrupt and pass).
    """
    stamp = now()
    statuses = tuple(allowed)
    changed = sql.execute(
        connection,
        _claim_statement(len(statuses), decision=interrupt_id is not None),
        thread_id=thread_id,
        run_id=run_id,
        owner=owner,
        lease=stamp + timedelta(seconds=lease_s),
        updated_at=stamp,
        interrupt_id=interrupt_id,
        **{f"status_{index}": status for index, status in enumerate(statuses)},
    )
    return bool(changed)


@functools.cache
def _claim_statement(statuses: int, *, decision: bool) -> Statement:
    allowed = ", ".join(f":status_{index}" for index in range(statuses))
    waits = " AND (pending_interrupt = :interrupt_id OR pending_interrupt IS NULL)" if decision else ""
    return Statement(
        "UPDATE binks_threads SET status = 'running', run_id = :run_id, owner = :owner,"
        " lease_expires_at = :lease, pending_interrupt = NULL, error = NULL, updated_at = :updated_at"
        f" WHERE thread_id = :thread_id AND status IN ({allowed}){waits}"
    )


def settle(
    connection: Connection,
    thread_id: str,
    run_id: str,
    status: ThreadStatus,
    *,
    error: str | None = None,
    pending_interrupt: str | None = None,
) -> bool:
    """End run ``run_id``: the thread's new status, no owner. False if the run no longer owns it."""
    return _idle(connection, _SETTLE, thread_id, status, error, pending_interrupt, run_id=run_id)


def set_status(
    connection: Connection,
    thread_id: str,
    status: ThreadStatus,
    *,
    error: str | None = None,
    pending_interrupt: str | None = None,
) -> bool:
    """Set the status of a thread no run owns (a resume that found an approval waiting)."""
    return _idle(connection, _SET_STATUS, thread_id, status, error, pending_interrupt)


def _idle(
    connection: Connection,
    statement: Statement,
    thread_id: str,
    status: ThreadStatus,
    error: str | None,
    pending_interrupt: str | None,
    **condition: str,
) -> bool:
    """Leave the thread without a run, in ``status``, if ``statement``'s condition holds."""
    changed = sql.execute(
        connection,
        statement,
        thread_id=thread_id,
        status=status,
        error=error,
        pending_interrupt=pending_interrupt,
        updated_at=now(),
        **condition,
    )
    return bool(changed)


def renew(connection: Connection, owner: str, lease_s: float) -> set[str]:
    """Extend every lease ``owner`` holds; returns the runs that still hold one."""
    rows = connection.execute(
        update(threads_table)
        .where(threads_table.c.owner == owner, threads_table.c.status == "running")
        .values(lease_expires_at=now() + timedelta(seconds=lease_s))
        .returning(threads_table.c.run_id)
    ).all()
    return {str(row.run_id) for row in rows}


def interrupt(connection: Connection, condition: ColumnElement[bool]) -> builtins.list[str]:
    """Move the running threads that match ``condition`` to ``interrupted``; their ids."""
    rows = connection.execute(
        update(threads_table)
        .where(threads_table.c.status == "running", condition)
        .values(
            status="interrupted",
            run_id=None,
            owner=None,
            lease_expires_at=None,
            error="the replica running it stopped",
            updated_at=now(),
        )
        .returning(threads_table.c.thread_id)
    ).all()
    return sorted(str(row.thread_id) for row in rows)


def interrupt_expired(connection: Connection) -> builtins.list[str]:
    """Threads whose owner stopped renewing its lease (it died): ``interrupted``."""
    return interrupt(
        connection,
        or_(threads_table.c.lease_expires_at < now(), threads_table.c.lease_expires_at.is_(None)),
    )


def interrupt_owned(connection: Connection, owner: str) -> builtins.list[str]:
    """Threads ``owner`` held when it last stopped (it restarts under the same id)."""
    return interrupt(connection, threads_table.c.owner == owner)


def interrupt_all(connection: Connection) -> builtins.list[str]:
    """Every running thread (one process owns a SQLite database: what ran, died with it)."""
    return interrupt(connection, threads_table.c.thread_id.is_not(None))


def record(row: object) -> ThreadRecord:
    """A row as a :class:`ThreadRecord`."""
    data = dict(row)  # type: ignore[call-overload]
    for name in ("created_at", "updated_at", "lease_expires_at"):
        data[name] = sql.as_time(data.get(name))
    return ThreadRecord.model_validate(data)


class ThreadIndex:
    """Reads the thread index and makes the changes that stand alone."""

    def __init__(self, database: Database):
        self.database = database

    async def get(self, thread_id: str) -> ThreadRecord:
        """The thread's record; ``ThreadNotFound`` when there is none."""
        found = await self.database.read(lambda c: get(c, thread_id))
        if found is None:
            raise not_found(thread_id)
        return found

    async def list(
        self, *, limit: int = 50, offset: int = 0, status: ThreadStatus | None = None
    ) -> builtins.list[ThreadRecord]:
        """Threads, most recently updated first."""
        query = select(threads_table).order_by(threads_table.c.updated_at.desc()).limit(limit).offset(offset)
        if status is not None:
            query = query.where(threads_table.c.status == status)
        rows = await self.database.read(lambda c: c.execute(query).all())
        return [record(row._mapping) for row in rows]

    async def create(self, thread_id: str, title: str) -> ThreadRecord:
        """Add a thread that no run owns yet, in status ``completed`` (tests, imports)."""
        stamp = now()
        row = {"thread_id": thread_id, "title": clean_title(title), "status": "completed"}

        def work(connection: Connection) -> None:
            connection.execute(insert_statement().values(**row, created_at=stamp, updated_at=stamp))

        try:
            await self.database.write(work)
        except IntegrityError as exc:
            raise BinksError(f"thread {thread_id!r} already exists; pick another id") from exc
        return ThreadRecord.model_validate({**row, "created_at": stamp, "updated_at": stamp, "error": None})


__all__ = ["IDLE", "RESUMABLE", "ThreadIndex", "ThreadRecord", "ThreadStatus", "threads_table"]
