from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints import events as events_module
from binks.checkpoints.db import create_schema, make_engine, sqlite_url
from binks.checkpoints.events import EventLog, StoredEvent


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(sqlite_url(tmp_path / "events.db"))
    await create_schema(engine)
    yield engine
    await engine.dispose()


async def _collect(log: EventLog, thread_id: str, after: int, count: int) -> list[StoredEvent]:
    subscription = log.subscribe(thread_id)
    seen: list[StoredEvent] = []
    try:
        async for stored in log.follow(subscription, after):
            seen.append(stored)
            if len(seen) == count:
                break
    finally:
        log.unsubscribe(subscription)
    return seen


async def test_sequence_numbers_are_per_thread_and_survive_a_new_log(engine: AsyncEngine) -> None:
    log = EventLog(engine)
    assert [(await log.append("a", "message", {"i": i})).seq for i in range(3)] == [1, 2, 3]
    assert (await log.append("b", "message", {})).seq == 1
    again = EventLog(engine)  # a restarted server continues the numbering from the table
    assert (await again.append("a", "run_started", {})).seq == 4
    assert [e.data for e in await again.read_after("a", 1)] == [{"i": 1}, {"i": 2}, {}]


async def test_replay_then_live_has_no_gap_and_no_duplicate(engine: AsyncEngine) -> None:
    log = EventLog(engine)
    for i in range(5):
        await log.append("t", "message", {"i": i})

    reader = asyncio.create_task(_collect(log, "t", 2, 18))

    async def writer() -> None:
        for i in range(5, 20):
            await log.append("t", "message", {"i": i})
            await asyncio.sleep(0)

    await writer()
    seen = await asyncio.wait_for(reader, 10)
    assert [e.seq for e in seen] == list(range(3, 21))
    assert [e.data["i"] for e in seen] == list(range(2, 20))


async def test_a_slow_reader_catches_up_from_the_table(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(events_module, "LIVE_QUEUE", 4)
    monkeypatch.setattr(events_module, "REPLAY_PAGE", 3)
    log = EventLog(engine)
    subscription = log.subscribe("t")
    for i in range(30):  # overflows the 4-slot queue long before the reader starts
        await log.append("t", "message", {"i": i})
    assert subscription.lagged
    seen = []
    async for stored in log.follow(subscription, 0):
        seen.append(stored.seq)
        if len(seen) == 10:
            for i in range(30, 40):
                await log.append("t", "message", {"i": i})
        if len(seen) == 40:
            break
    assert seen == list(range(1, 41))


async def test_close_ends_followers_after_the_events_already_written(engine: AsyncEngine) -> None:
    log = EventLog(engine)
    subscription = log.subscribe("t")
    await log.append("t", "run_started", {})
    await log.append("t", "run_completed", {})
    log.close_all()
    seen = [stored.event async for stored in log.follow(subscription, 0)]
    assert seen == ["run_started", "run_completed"]
    log.unsubscribe(subscription)
    assert log.subscriber_count() == 0
