from __future__ import annotations

import asyncio

import pytest

from binks.checkpoints import events as events_module
from binks.checkpoints.db import Database
from binks.checkpoints.events import EventLog, StoredEvent
from tests.timing import generous


@pytest.fixture
def engine(database: Database) -> Database:
    return database


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


async def test_sequence_numbers_are_per_thread_and_survive_a_new_log(engine: Database) -> None:
    log = EventLog(engine)
    assert [(await log.append("a", "message", {"i": i})).seq for i in range(3)] == [1, 2, 3]
    assert (await log.append("b", "message", {})).seq == 1
    again = EventLog(engine)  # a restarted server continues the numbering from the table
    assert (await again.append("a", "run_started", {})).seq == 4
    assert [e.data for e in await again.read_after("a", 1)] == [{"i": 1}, {"i": 2}, {}]


async def test_replay_then_live_has_no_gap_and_no_duplicate(engine: Database) -> None:
    log = EventLog(engine)
    for i in range(5):
        await log.append("t", "message", {"i": i})

    reader = asyncio.create_task(_collect(log, "t", 2, 18))

    async def writer() -> None:
        for i in range(5, 20):
            await log.append("t", "message", {"i": i})
            await asyncio.sleep(0)

    await writer()
    seen = await asyncio.wait_for(reader, generous(10))
    assert [e.seq for e in seen] == list(range(3, 21))
    assert [e.data["i"] for e in seen] == list(range(2, 20))


async def test_a_slow_reader_catches_up_from_the_table(
    engine: Database, monkeypatch: pytest.MonkeyPatch
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


async def test_close_ends_followers_after_the_events_already_written(engine: Database) -> None:
    log = EventLog(engine)
    subscription = log.subscribe("t")
    await log.append("t", "run_started", {})
    await log.append("t", "run_completed", {})
    log.close_all()
    seen = [stored.event async for stored in log.follow(subscription, 0)]
    assert seen == ["run_started", "run_completed"]
    log.unsubscribe(subscription)
    assert log.subscriber_count() == 0


async def test_replay_reads_the_index_from_the_point_asked_for(engine: Database) -> None:
    from sqlalchemy import text

    if engine.dialect != "sqlite":
        pytest.skip("SQLite's query plan; PostgreSQL plans by statistics")
    query = text(
        "EXPLAIN QUERY PLAN SELECT seq, event, data, created_at FROM binks_events "
        "WHERE thread_id = 't' AND seq > 5 ORDER BY seq LIMIT 500"
    )
    plan = await engine.read(lambda c: c.execute(query).all())
    detail = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX ix_binks_events_thread_seq (thread_id=? AND seq>?)" in detail
    assert "TEMP B-TREE" not in detail  # no sort: rows come in index order
