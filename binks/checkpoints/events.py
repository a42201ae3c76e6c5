"""The event log: every event of a thread, numbered, kept, and fanned out to live readers.

The server writes each event here *before* any client sees it, so a client that drops its
connection can come back with the last sequence number it saw (SSE ``Last-Event-ID``) and
get exactly what it missed, then the live events, with no gap and no duplicate:
:meth:`EventLog.follow` subscribes to live events first, then replays from the table, and
drops live events whose sequence number it has already sent. Replay reads the
``(thread_id, seq)`` index from the point asked for, so its cost grows with the events sent,
not with the thread's length.

One process owns the database (``binks serve``), so sequence numbers are handed out in
memory behind a per-thread lock, seeded from the table the first time a thread is touched.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Index, Integer, String, Table, Text, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints.db import metadata

events_table = Table(
    "binks_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_binks_events_thread_seq", "thread_id", "seq", unique=True),
)

#: Events one replay query reads at most; a long replay pages through the index.
REPLAY_PAGE = 500
#: Live events a slow reader may have queued before it falls back to reading the table.
LIVE_QUEUE = 1024


class StoredEvent(BaseModel):
    """One event as kept in the log and sent to clients."""

    thread_id: str
    seq: int
    event: str
    data: dict[str, Any]
    created_at: datetime


class Subscription:
    """A live reader of one thread: a bounded queue, flagged when it overflowed."""

    def __init__(self, thread_id: str) -> None:
        self.thread_id = thread_id
        self.queue: asyncio.Queue[StoredEvent | None] = asyncio.Queue(LIVE_QUEUE)
        self.lagged = False
        self.closed = False

    def offer(self, event: StoredEvent) -> None:
        """Queue a live event; on overflow, remember to catch up from the table instead."""
        if self.lagged or self.closed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.lagged = True

    def close(self) -> None:
        """End the reader after what is already queued (server shutdown)."""
        if self.closed:
            return
        self.closed = True
        # A full queue is drained by the reader first; it then sees ``closed`` and stops.
        try:
            self.queue.put_nowait(None)
        except asyncio.QueueFull:
            self.lagged = True


class EventLog:
    """Append, replay and follow the events of threads (table ``binks_events``)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._next_seq: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._subscribers: dict[str, set[Subscription]] = {}

    async def append(self, thread_id: str, event: str, data: dict[str, Any]) -> StoredEvent:
        """Store an event with the thread's next sequence number, then hand it to live readers."""
        lock = self._locks.setdefault(thread_id, asyncio.Lock())
        async with lock:
            seq = self._next_seq.get(thread_id)
            if seq is None:
                seq = await self.last_seq(thread_id) + 1
            stored = StoredEvent(
                thread_id=thread_id, seq=seq, event=event, data=data, created_at=datetime.now(UTC)
            )
            async with self._engine.begin() as connection:
                await connection.execute(
                    events_table.insert().values(
                        thread_id=thread_id,
                        seq=seq,
                        event=event,
                        data=json.dumps(data, ensure_ascii=False, default=str),
                        created_at=stored.created_at,
                    )
                )
            self._next_seq[thread_id] = seq + 1
            for subscription in list(self._subscribers.get(thread_id, ())):
                subscription.offer(stored)
            return stored

    async def last_seq(self, thread_id: str) -> int:
        """The highest sequence number of the thread, 0 when it has no events."""
        async with self._engine.connect() as connection:
            value = await connection.scalar(
                select(func.max(events_table.c.seq)).where(events_table.c.thread_id == thread_id)
            )
        return int(value or 0)

    async def last_time_of(self, thread_id: str, event: str) -> datetime | None:
        """When the thread's latest event named ``event`` was written, if it has one."""
        query = (
            select(events_table.c.created_at)
            .where(events_table.c.thread_id == thread_id, events_table.c.event == event)
            .order_by(events_table.c.seq.desc())
            .limit(1)
        )
        async with self._engine.connect() as connection:
            found = await connection.scalar(query)
        if not isinstance(found, datetime):
            return None
        return found if found.tzinfo else found.replace(tzinfo=UTC)

    async def row_count(self) -> int:
        """How many events the log holds, over all threads (for the metrics)."""
        async with self._engine.connect() as connection:
            return int(await connection.scalar(select(func.count()).select_from(events_table)) or 0)

    async def read_after(self, thread_id: str, after: int, limit: int = REPLAY_PAGE) -> list[StoredEvent]:
        """The thread's events with ``seq > after``, oldest first, at most ``limit``."""
        query = (
            select(events_table.c.seq, events_table.c.event, events_table.c.data, events_table.c.created_at)
            .where(events_table.c.thread_id == thread_id, events_table.c.seq > after)
            .order_by(events_table.c.seq)
            .limit(limit)
        )
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).all()
        return [
            StoredEvent(
                thread_id=thread_id,
                seq=row.seq,
                event=row.event,
                data=json.loads(row.data),
                created_at=row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC),
            )
            for row in rows
        ]

    def subscribe(self, thread_id: str) -> Subscription:
        """Start receiving the thread's live events; pair with :meth:`unsubscribe`."""
        subscription = Subscription(thread_id)
        self._subscribers.setdefault(thread_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Stop a live reader."""
        readers = self._subscribers.get(subscription.thread_id)
        if readers is not None:
            readers.discard(subscription)
            if not readers:
                del self._subscribers[subscription.thread_id]

    def subscriber_count(self) -> int:
        """How many live readers are attached, over all threads."""
        return sum(len(readers) for readers in self._subscribers.values())

    def close_all(self) -> None:
        """Tell every live reader to finish after the events already queued (shutdown)."""
        for readers in list(self._subscribers.values()):
            for subscription in list(readers):
                subscription.close()

    async def follow(self, subscription: Subscription, after: int) -> AsyncIterator[StoredEvent]:
        """Replay the events after ``after``, then yield live ones until the reader is closed.

        ``subscription`` must have been taken *before* calling, so nothing appended during
        the replay is lost; events seen both ways are sent once (by sequence number).
        """
        last = after
        while True:
            # Empty the live queue *before* reading the table: whatever is appended while the
            # table is read lands in the queue and is dropped there if the read saw it.
            while not subscription.queue.empty():
                if subscription.queue.get_nowait() is None:
                    subscription.closed = True
            subscription.lagged = False
            while True:
                batch = await self.read_after(subscription.thread_id, last)
                for stored in batch:
                    yield stored
                    last = stored.seq
                if len(batch) < REPLAY_PAGE:
                    break
            if subscription.closed:
                return
            while not subscription.lagged:
                item = await subscription.queue.get()
                if item is None:
                    # Closed: flush what the table holds that the queue missed, then stop.
                    for stored in await self.read_after(subscription.thread_id, last):
                        yield stored
                    return
                if item.seq <= last:
                    continue
                if item.seq != last + 1:
                    break  # a gap: catch up from the table
                yield item
                last = item.seq
