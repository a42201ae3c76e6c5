"""The event log: every event of a thread, numbered, kept, and fanned out to live readers.

The server writes each event here *before* any client sees it, so a client that drops its
connection can come back with the last sequence number it saw (SSE ``Last-Event-ID``) and
get exactly what it missed, then the live events, with no gap and no duplicate:
:meth:`EventLog.follow` subscribes to live events first, then replays from the table, and
drops live events whose sequence number it has already sent. Replay reads the
``(thread_id, seq)`` index from the point asked for, so its cost grows with the events sent,
not with the thread's length.

Sequence numbers come from a counter row per thread (``binks_event_counters``), bumped in
the transaction that inserts the event. On PostgreSQL the bump takes the row's lock until
commit, so writers of one thread, in any number of processes, get consecutive numbers in
commit order: unique, gapless (a rolled-back insert rolls its number back too) and never
reordered. The same transaction sends ``NOTIFY binks_events`` (delivered at commit): the
other replicas' listeners (:mod:`binks.checkpoints.notify`) read the new rows and hand them
to their own readers, so a stream on replica B follows a run on replica A live.

Fan-out is independent of the database: an event is offered to the readers of this process
right after its commit, through bounded queues that never block the writer; a reader that
falls behind (or misses a notification) notices the gap and reads the table instead.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Index, Integer, String, Table, Text, func, select

from binks.checkpoints import sql
from binks.checkpoints.db import Database, metadata
from binks.checkpoints.notify import notify
from binks.checkpoints.sql import Statement

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

counters_table = Table(
    "binks_event_counters",
    metadata,
    Column("thread_id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
)

#: The PostgreSQL channel new events are announced on (payload: ``"<thread id> <seq>"``).
CHANNEL = "binks_events"

#: Events one replay query reads at most; a long replay pages through the index.
REPLAY_PAGE = 500
#: Live events a slow reader may have queued before it falls back to reading the table.
LIVE_QUEUE = 1024


@dataclass(slots=True)
class StoredEvent:
    """One event as kept in the log and sent to clients.

    A plain dataclass, not a pydantic model: every live reader touches each event, and
    nothing here needs validating (the log writes it, or reads back what it wrote).
    """

    thread_id: str
    seq: int
    event: str
    data: dict[str, Any]
    created_at: datetime
    json_text: str | None = field(default=None, compare=False, repr=False)
    """``data`` as stored (:func:`encode`), kept so it is encoded once for every reader."""
    _frame: bytes | None = field(default=None, init=False, compare=False, repr=False)

    def data_json(self) -> str:
        """``data`` as one line of JSON, encoded once however many readers send it."""
        if self.json_text is None:
            self.json_text = encode(self.data)
        return self.json_text

    def sse_frame(self) -> bytes:
        """The event as one Server-Sent Events frame (``id`` = its seq), built once for all streams."""
        if self._frame is None:
            text = f"id: {self.seq}\r\nevent: {self.event}\r\ndata: {self.data_json()}\r\n\r\n"
            self._frame = text.encode()
        return self._frame


def encode(data: Any) -> str:
    """Event data as stored and sent: compact JSON on one line (no raw newline can occur)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


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


_BUMP = Statement(
    "INSERT INTO binks_event_counters (thread_id, seq) VALUES (:thread_id, 1)"
    " ON CONFLICT (thread_id) DO UPDATE SET seq = binks_event_counters.seq + 1 RETURNING seq"
)
_INSERT = Statement(
    "INSERT INTO binks_events (thread_id, seq, event, data, created_at)"
    " VALUES (:thread_id, :seq, :event, :data, :created_at)"
)


def next_seq(connection: Connection, thread_id: str) -> int:
    """Bump the thread's counter and return the new number (locks the row until commit)."""
    found = sql.first(connection, _BUMP, thread_id=thread_id)
    assert found is not None
    return int(found[0])


def insert(connection: Connection, thread_id: str, event: str, data: dict[str, Any]) -> StoredEvent:
    """Store one event in the caller's transaction; hand it to :meth:`EventLog.publish` after commit."""
    seq = next_seq(connection, thread_id)
    created = datetime.now(UTC)
    text = encode(data)
    sql.execute(connection, _INSERT, thread_id=thread_id, seq=seq, event=event, data=text, created_at=created)
    notify(connection, CHANNEL, f"{thread_id} {seq}")
    return StoredEvent(thread_id, seq, event, data, created, text)


def _row_event(thread_id: str, row: Any) -> StoredEvent:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return StoredEvent(thread_id, row.seq, row.event, json.loads(row.data), created, row.data)


class EventLog:
    """Append, replay and follow the events of threads (table ``binks_events``)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._subscribers: dict[str, set[Subscription]] = {}
        self._published: dict[str, int] = {}

    async def append(self, thread_id: str, event: str, data: dict[str, Any]) -> StoredEvent:
        """Store an event with the thread's next sequence number, then hand it to live readers."""
        stored = await self.database.write(lambda c: insert(c, thread_id, event, data))
        self.publish(stored)
        return stored

    def publish(self, stored: StoredEvent) -> None:
        """Offer a committed event to this process's live readers of its thread (never blocks)."""
        readers = self._subscribers.get(stored.thread_id)
        if not readers:
            return
        if stored.seq > self._published.get(stored.thread_id, 0):
            self._published[stored.thread_id] = stored.seq
        for subscription in list(readers):
            subscription.offer(stored)

    async def deliver(self, thread_id: str, seq: int) -> None:
        """Event ``seq`` of the thread was committed somewhere: publish what readers here lack."""
        if not self._subscribers.get(thread_id):
            return
        known = self._published.get(thread_id, 0)
        if seq <= known:
            return
        for stored in await self.read_after(thread_id, max(known, seq - 1)):
            self.publish(stored)

    def followed_threads(self) -> list[str]:
        """Threads with live readers in this process."""
        return list(self._subscribers)

    async def last_seq(self, thread_id: str) -> int:
        """The highest sequence number of the thread, 0 when it has no events."""
        query = select(counters_table.c.seq).where(counters_table.c.thread_id == thread_id)
        found: int | None = await self.database.read(lambda c: c.execute(query).scalar())
        return int(found or 0)

    async def last_time_of(self, thread_id: str, event: str) -> datetime | None:
        """When the thread's latest event named ``event`` was written, if it has one."""
        query = (
            select(events_table.c.created_at)
            .where(events_table.c.thread_id == thread_id, events_table.c.event == event)
            .order_by(events_table.c.seq.desc())
            .limit(1)
        )
        found = await self.database.read(lambda c: c.execute(query).scalar())
        if not isinstance(found, datetime):
            return None
        return found if found.tzinfo else found.replace(tzinfo=UTC)

    async def row_count(self) -> int:
        """How many events the log holds, over all threads (for the metrics)."""
        query = select(func.count()).select_from(events_table)
        found: int | None = await self.database.read(lambda c: c.execute(query).scalar())
        return int(found or 0)

    async def read_after(self, thread_id: str, after: int, limit: int = REPLAY_PAGE) -> list[StoredEvent]:
        """The thread's events with ``seq > after``, oldest first, at most ``limit``."""
        query = (
            select(events_table.c.seq, events_table.c.event, events_table.c.data, events_table.c.created_at)
            .where(events_table.c.thread_id == thread_id, events_table.c.seq > after)
            .order_by(events_table.c.seq)
            .limit(limit)
        )
        rows = await self.database.read(lambda c: c.execute(query).all())
        return [_row_event(thread_id, row) for row in rows]

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
                self._published.pop(subscription.thread_id, None)

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
        async for batch in self.follow_batches(subscription, after):
            for stored in batch:
                yield stored

    async def follow_batches(
        self, subscription: Subscription, after: int
    ) -> AsyncIterator[list[StoredEvent]]:
        """:meth:`follow`, a batch at a time: whatever is ready when the reader asks.

        A reader that keeps up gets one event per batch; one that falls behind (a slow
        client, a busy machine) gets everything queued since, so it can send it in one
        write instead of paying a write per event.
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
                if batch:
                    yield batch
                    last = batch[-1].seq
                if len(batch) < REPLAY_PAGE:
                    break
            if subscription.closed:
                return
            while not subscription.lagged:
                live, closed, gap = _take_ready(subscription, await subscription.queue.get(), last)
                if live:
                    yield live
                    last = live[-1].seq
                if closed:
                    # Flush what the table holds that the queue missed, then stop.
                    rest = await self.read_after(subscription.thread_id, last)
                    if rest:
                        yield rest
                    return
                if gap:
                    break  # catch up from the table


def _take_ready(
    subscription: Subscription, item: StoredEvent | None, last: int
) -> tuple[list[StoredEvent], bool, bool]:
    """``item`` and every event queued behind it, in order: (events, closed, gap)."""
    live: list[StoredEvent] = []
    while True:
        if item is None:
            return live, True, False
        if item.seq > last:
            if item.seq != last + 1:
                return live, False, True
            live.append(item)
            last = item.seq
        if subscription.queue.empty():
            return live, False, False
        item = subscription.queue.get_nowait()
