from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import Connection, Executable, select, update

from binks.checkpoints.db import Database, connect
from binks.checkpoints.events import EventLog, events_table
from binks.checkpoints.retention import prune_events
from binks.checkpoints.schema import prepare_database
from binks.checkpoints.threads import ThreadIndex, ThreadStatus, threads_table
from binks.cli import main
from binks.server import housekeeping
from binks.server.housekeeping import prune_once, retention_loop, retention_task
from tests.timing import generous

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=45)
RECENT = NOW - timedelta(days=5)
#: thread id -> (status, last updated)
THREADS: dict[str, tuple[ThreadStatus, datetime]] = {
    "old-completed": ("completed", OLD),
    "old-failed": ("failed", OLD),
    "old-cancelled": ("cancelled", OLD),
    "old-awaiting": ("awaiting_approval", OLD),
    "old-interrupted": ("interrupted", OLD),
    "old-running": ("running", OLD),
    "recent-completed": ("completed", RECENT),
}
PRUNED = {"old-completed", "old-failed", "old-cancelled"}


def _execute(connection: Connection, statement: Executable) -> None:
    connection.execute(statement)


async def _seed(database: Database) -> None:
    await prepare_database(database)
    threads, events = ThreadIndex(database), EventLog(database)
    for thread_id, (status, updated) in THREADS.items():
        await threads.create(thread_id, thread_id)
        for index in range(5):
            await events.append(thread_id, "message", {"n": index})
        aged = (
            update(threads_table)
            .where(threads_table.c.thread_id == thread_id)
            .values(status=status, updated_at=updated)
        )
        await database.write(partial(_execute, statement=aged))


@pytest.fixture
async def engine(database: Database) -> Database:
    await _seed(database)
    return database


async def _seqs(engine: Database) -> dict[str, list[int]]:
    query = select(events_table.c.thread_id, events_table.c.seq)
    rows = await engine.read(lambda c: c.execute(query).all())
    found: dict[str, list[int]] = {}
    for thread_id, seq in rows:
        found.setdefault(thread_id, []).append(seq)
    return {thread_id: sorted(seqs) for thread_id, seqs in found.items()}


async def test_only_old_finished_threads_lose_events_but_their_last(engine: Database) -> None:
    dry = await prune_events(engine, days=30, dry_run=True, now=NOW)
    assert (dry.threads, dry.events, dry.dry_run) == (3, 12, True)
    assert all(len(seqs) == 5 for seqs in (await _seqs(engine)).values())

    result = await prune_events(engine, days=30, now=NOW)
    assert (result.threads, result.events) == (3, 12)
    seqs = await _seqs(engine)
    assert {thread_id: seqs[thread_id] for thread_id in PRUNED} == {thread_id: [5] for thread_id in PRUNED}
    assert all(seqs[thread_id] == [1, 2, 3, 4, 5] for thread_id in THREADS.keys() - PRUNED)
    assert (await prune_events(engine, days=30, now=NOW)).events == 0  # idempotent


async def test_a_pruned_thread_keeps_numbering_its_events(engine: Database) -> None:
    await prune_events(engine, days=30, now=NOW)
    fresh_log = EventLog(engine)  # as after a restart: sequence numbers come from the table
    stored = await fresh_log.append("old-completed", "run_started", {})
    assert stored.seq == 6


async def test_retention_loop_prunes_at_start(engine: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    passes = asyncio.Event()

    async def counted(engine: Database, days: int) -> None:
        await prune_once(engine, days)
        passes.set()

    monkeypatch.setattr(housekeeping, "prune_once", counted)
    task = asyncio.get_running_loop().create_task(retention_loop(engine, days=30, interval_s=3600))
    try:
        await asyncio.wait_for(passes.wait(), generous(10))
    finally:
        task.cancel()
    seqs = await _seqs(engine)
    assert all(seqs[thread_id] == [5] for thread_id in PRUNED)
    assert all(len(seqs[thread_id]) == 5 for thread_id in THREADS.keys() - PRUNED)
    assert retention_task(engine, 0) is None


def test_cli_prune(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)

    async def seed() -> None:
        database = connect(f"sqlite:///{tmp_path / 'binks.db'}")
        await _seed(database)
        await database.close()

    asyncio.run(seed())
    assert main(["db", "prune", "--dry-run"]) == 0
    assert "would delete 12 event(s) of 3 thread(s)" in capsys.readouterr().out
    assert main(["db", "prune", "--days", "100000"]) == 0
    assert "deleted 0 event(s)" in capsys.readouterr().out
    assert main(["db", "prune"]) == 0
    assert "deleted 12 event(s) of 3 thread(s)" in capsys.readouterr().out
