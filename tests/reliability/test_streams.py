"""Streams: a client that keeps losing its connection during a run loses and repeats nothing.

A paced run produces a few hundred events (model tokens, tool calls and results). The
client reads a seeded-random handful of events, drops the connection (sometimes cleanly,
sometimes by cancelling the read mid-stream, when the server may already have sent more),
and reconnects with ``Last-Event-ID`` (or ``?after=``) set to the last event it handled.
The events it handled, in order, must be exactly the thread's event log.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any

import httpx
from sqlalchemy import select

from binks.checkpoints.db import connect
from binks.checkpoints.events import events_table
from binks.server.app import database_url
from tests.reliability.figures import note
from tests.server.conftest import ServerFactory, answer
from tests.server.sse import Event, read_events

RECONNECTS = 100
STEPS = 60


def _looks(count: int) -> list[dict[str, Any]]:
    # distinct reads: an identical successful read is answered from its first result, not run again
    reads = [
        {
            "name": "run_kubectl",
            "args": {"command": f"kubectl -n shop get deployments --request-timeout={i + 1}s"},
        }
        for i in range(count)
    ]
    return [
        {"sleep": 0.02, "content": f"look {i} at the shop", "tool_calls": [read]}
        for i, read in enumerate(reads)
    ]


async def _cut_after(
    client: httpx.AsyncClient, thread_id: str, want: int, options: dict[str, Any]
) -> list[Event]:
    """Read until ``want`` events arrived, then cancel the read (the server may have sent more)."""
    got: list[Event] = []
    enough = asyncio.Event()

    def take(event: Event) -> None:
        got.append(event)
        if len(got) >= want:
            enough.set()

    reader = asyncio.create_task(read_events(client, thread_id, on_event=take, **options))
    waiter = asyncio.create_task(enough.wait())
    await asyncio.wait({reader, waiter}, return_when=asyncio.FIRST_COMPLETED)
    for task in (reader, waiter):
        task.cancel()
    await asyncio.wait({reader, waiter})
    if not reader.cancelled() and (error := reader.exception()) is not None:
        raise AssertionError(f"the stream failed before the client cut it: {error!r}") from error
    return got


async def test_hundred_dropped_connections_during_a_run_lose_and_repeat_nothing(
    start_server: ServerFactory,
) -> None:
    server = start_server([*_looks(STEPS), answer("all looked at")], max_steps=STEPS + 5)
    rng = random.Random(11)
    handled: list[Event] = []
    reconnects = 0
    cancelled = 0
    began = time.monotonic()
    async with server.client() as client:
        started = await client.post("/threads", json={"task": "look many times"})
        thread_id = started.json()["thread_id"]
        while not handled or handled[-1].event != "run_completed":
            last = handled[-1].seq if handled else None
            by_header = rng.random() < 0.7
            options: dict[str, Any] = {"last_event_id": last} if by_header else {"after": last}
            want = rng.randint(1, 2)
            if rng.random() < 0.3:  # cut the connection while the read is in progress
                got = (await _cut_after(client, thread_id, want, options))[:want]
                cancelled += 1
            else:
                got = await read_events(client, thread_id, count=want, **options)
            # a live stream ends only when the client leaves: each read gets what it waited for
            assert len(got) == want or (got and got[-1].event == "run_completed"), (want, got)
            handled += got
            reconnects += 1
        elapsed = time.monotonic() - began
    database = connect(database_url(server.settings))
    try:
        query = (
            select(events_table.c.seq, events_table.c.event, events_table.c.data)
            .where(events_table.c.thread_id == thread_id)
            .order_by(events_table.c.seq)
        )
        rows = await database.read(lambda c: c.execute(query).all())
    finally:
        await database.close()
    logged = [Event(seq, name, json.loads(data)) for seq, name, data in rows]
    assert handled == logged
    assert len(logged) > 3 * STEPS
    assert reconnects >= RECONNECTS
    note(
        f"streams: {reconnects} disconnects and reconnects ({cancelled} cut mid-read) during a "
        f"{elapsed:.1f} s run; {len(handled)} events received, equal to the event log: 0 lost, 0 repeated"
    )
