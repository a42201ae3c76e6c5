"""The thread index: one row per conversation, because LangGraph cannot list threads.

The server creates a row when a thread starts and moves its status along as runs start,
wait for approval and finish; at start it marks runs that were cut off as ``interrupted``
so a person can resume them.
"""

from __future__ import annotations

import builtins
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, String, Table, Text, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints.db import metadata
from binks.errors import BinksError, ThreadNotFound

ThreadStatus = Literal["running", "awaiting_approval", "completed", "failed", "interrupted", "cancelled"]

threads_table = Table(
    "binks_threads",
    metadata,
    Column("thread_id", String(128), primary_key=True),
    Column("title", Text, nullable=False),
    Column("status", String(32), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
    Column("error", Text, nullable=True),
)


class ThreadRecord(BaseModel):
    """One thread as listed: its title (the first task), status and times."""

    thread_id: str
    title: str
    status: ThreadStatus
    created_at: datetime
    updated_at: datetime
    error: str | None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; every time Binks stores is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class ThreadIndex:
    """Reads and writes the thread index table (created by ``prepare_database``)."""

    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    async def create(self, thread_id: str, title: str) -> ThreadRecord:
        """Add a thread in status ``running``; its title is cut to one line of 200 characters."""
        now = _now()
        clean = " ".join(title.split())[:200] or "(untitled)"
        row = {"thread_id": thread_id, "title": clean, "status": "running"}
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    insert(threads_table).values(**row, created_at=now, updated_at=now, error=None)
                )
        except IntegrityError as exc:
            raise BinksError(f"thread {thread_id!r} already exists; pick another id") from exc
        return ThreadRecord(**row, created_at=now, updated_at=now, error=None)

    async def get(self, thread_id: str) -> ThreadRecord:
        """The thread's record; ``ThreadNotFound`` when there is none."""
        async with self._engine.connect() as connection:
            found = (
                await connection.execute(select(threads_table).where(threads_table.c.thread_id == thread_id))
            ).first()
        if found is None:
            raise ThreadNotFound(f"no thread {thread_id!r}; list threads with `binks threads`")
        return _record(found._mapping)

    async def set_status(self, thread_id: str, status: ThreadStatus, error: str | None = None) -> None:
        """Move the thread to ``status`` (with the error for ``failed``); ``ThreadNotFound`` if absent."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(threads_table)
                .where(threads_table.c.thread_id == thread_id)
                .values(status=status, error=error, updated_at=_now())
            )
        if result.rowcount == 0:
            raise ThreadNotFound(f"no thread {thread_id!r}; list threads with `binks threads`")

    async def list(
        self, *, limit: int = 50, offset: int = 0, status: ThreadStatus | None = None
    ) -> builtins.list[ThreadRecord]:
        """Threads, most recently updated first."""
        query = select(threads_table).order_by(threads_table.c.updated_at.desc()).limit(limit).offset(offset)
        if status is not None:
            query = query.where(threads_table.c.status == status)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [_record(row._mapping) for row in rows]

    async def mark_unfinished_interrupted(self) -> builtins.list[str]:
        """At server start: threads still ``running`` were cut off; mark them ``interrupted``."""
        async with self._engine.begin() as connection:
            ids = (
                (
                    await connection.execute(
                        select(threads_table.c.thread_id).where(threads_table.c.status == "running")
                    )
                )
                .scalars()
                .all()
            )
            if ids:
                await connection.execute(
                    update(threads_table)
                    .where(threads_table.c.thread_id.in_(ids))
                    .values(status="interrupted", updated_at=_now())
                )
        return builtins.list(ids)


def _record(row: object) -> ThreadRecord:
    data = dict(row)  # type: ignore[call-overload]
    data["created_at"] = _aware(data["created_at"])
    data["updated_at"] = _aware(data["updated_at"])
    return ThreadRecord.model_validate(data)
