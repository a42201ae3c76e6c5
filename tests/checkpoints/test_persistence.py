"""The database and checkpointer factory, the thread index and its leases, execute intents."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

from binks.checkpoints import db as db_module
from binks.checkpoints import threads as store
from binks.checkpoints.db import Database, SqliteDatabase, connect, database_url, sqlite_path
from binks.checkpoints.events import EventLog
from binks.checkpoints.intents import IntentLog, LeaseLost
from binks.checkpoints.saver import open_checkpointer
from binks.checkpoints.schema import SCHEMA_VERSION, prepare_database, schema_version
from binks.checkpoints.threads import ThreadIndex, threads_table
from binks.errors import BinksError, ConfigError, ThreadNotFound
from binks.settings import load_settings


async def test_sqlite_is_one_wal_connection_shared_with_the_checkpointer(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, state_dir=tmp_path / "state")
    database = connect(database_url(settings))
    try:
        async with open_checkpointer(database) as saver:
            assert saver.conn is database.raw  # type: ignore[attr-defined]
        assert database.raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # type: ignore[attr-defined]
        assert database.raw.execute("PRAGMA synchronous").fetchone()[0] == 1  # type: ignore[attr-defined]
    finally:
        await database.close()
    assert (tmp_path / "state" / "binks.db").is_file()


async def test_the_write_ahead_log_is_copied_into_the_database_by_a_thread_not_by_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No commit on the event loop's connection checkpoints; a thread does, once the log grew."""
    monkeypatch.setattr(db_module, "WAL_CHECK_EVERY", 1)
    monkeypatch.setattr(db_module, "WAL_CHECKPOINT_BYTES", 64 * 1024)
    path = tmp_path / "binks.db"
    database = connect(f"sqlite:///{path}")
    assert isinstance(database, SqliteDatabase)
    await prepare_database(database)
    log = EventLog(database)

    def frames_in_log() -> int:
        with closing(sqlite3.connect(str(path))) as other:
            return int(other.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])

    try:
        assert database.raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        appended = 0
        while database.checkpointing is None:
            await log.append("t", "message", {"text": "x" * 2000})
            appended += 1
            assert appended < 1000, "the log outgrew its limit but no checkpoint started"
        database.checkpointing.result(60)
        # The checkpoint copied the whole log, so the next commit starts the log afresh.
        await log.append("t", "message", {"text": "after"})
        assert frames_in_log() < 10
        events = await log.read_after("t", 0, limit=2000)
        assert [stored.seq for stored in events] == list(range(1, appended + 2))
    finally:
        await database.close()


async def test_a_durable_write_returns_after_a_flush_that_follows_its_commit_shared_with_its_peers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Intents committed together wait for one flush; each flush covers every commit before it."""
    database = connect(f"sqlite:///{tmp_path / 'binks.db'}")
    assert isinstance(database, SqliteDatabase)
    await prepare_database(database)
    on_disk: list[int] = []

    def sync_log(self: SqliteDatabase) -> None:
        on_disk.append(self.raw.execute("SELECT count(*) FROM binks_intents").fetchone()[0])

    monkeypatch.setattr(SqliteDatabase, "sync_log", sync_log)
    intents = IntentLog(database)
    try:
        await asyncio.gather(*(intents.claim("t", f"s{index}", "h", "{}") for index in range(10)))
        assert on_disk == [10]
        await intents.claim("t", "s10", "h", "{}")
        await intents.record_result("t", "s10", "h", "{}")  # not durable: no flush of its own
        assert on_disk == [10, 11]
    finally:
        await database.close()


async def test_a_flush_ahead_runs_off_the_loop_and_a_failure_only_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Before a person's decision the log is flushed on the checkpoint thread.

    If that fails, the durable write after the decision flushes (and reports) itself.
    """
    database = connect(f"sqlite:///{tmp_path / 'binks.db'}")
    assert isinstance(database, SqliteDatabase)
    await prepare_database(database)
    threads: list[str] = []

    def sync_log(self: SqliteDatabase) -> None:
        threads.append(threading.current_thread().name)
        if len(threads) > 1:
            raise OSError("disk gone")

    monkeypatch.setattr(SqliteDatabase, "sync_log", sync_log)
    try:
        flushes = [database.flush_ahead(), database.flush_ahead()]
        for flush in flushes:
            assert flush is not None
            flush.result(10)
        assert len(threads) == 2
        assert not {name for name in threads if not name.startswith("binks-wal-checkpoint")}
        assert "flushing the write-ahead log" in caplog.text
    finally:
        await database.close()
    assert database.flush_ahead() is None, "closed: nothing to flush ahead, and no error"


def test_database_url_choices(tmp_path: Path) -> None:
    assert sqlite_path(load_settings(env_file=None, state_dir=tmp_path)) == tmp_path / "binks.db"
    other = load_settings(env_file=None, database_url=f"sqlite:///{tmp_path}/x.db")
    assert sqlite_path(other) == tmp_path / "x.db"
    assert sqlite_path(load_settings(env_file=None, database_url="postgresql://db/binks")) is None
    assert database_url(load_settings(env_file=None, database_url="postgres://db/b")) == "postgresql://db/b"
    with pytest.raises(ConfigError, match="neither postgresql"):
        sqlite_path(load_settings(env_file=None, database_url="mysql://db"))


async def test_unwritable_state_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings = load_settings(env_file=None, state_dir=blocker / "state")
    with pytest.raises(ConfigError, match="cannot open the database"):
        connect(database_url(settings))


async def test_the_checkpointer_keeps_a_graph_state(database: Database) -> None:
    from langgraph.checkpoint.base import empty_checkpoint

    async with open_checkpointer(database) as saver:
        config = {"configurable": {"thread_id": "t1", "checkpoint_ns": ""}}
        checkpoint = empty_checkpoint()
        saved = await saver.aput(config, checkpoint, {"source": "input", "step": 0}, {})  # type: ignore[arg-type]
        found = await saver.aget_tuple(saved)
        assert found is not None and found.checkpoint["id"] == checkpoint["id"]
        assert [item.checkpoint["id"] async for item in saver.alist(config)] == [checkpoint["id"]]  # type: ignore[arg-type]


async def _start(database: Database, thread_id: str, run_id: str = "r1", owner: str = "a") -> None:
    await database.write(
        lambda c: store.insert(c, thread_id, thread_id, run_id=run_id, owner=owner, lease_s=30)
    )


async def test_thread_index_lists_and_settles(database: Database) -> None:
    index = ThreadIndex(database)
    await _start(database, "t1")
    created = await index.get("t1")
    assert (created.title, created.status, created.run_id, created.owner) == ("t1", "running", "r1", "a")
    await _start(database, "t2", "r2")
    with pytest.raises(BinksError, match="already exists"):
        await _start(database, "t1")
    assert await database.write(
        lambda c: store.settle(c, "t1", "r1", "awaiting_approval", pending_interrupt="i1")
    )
    assert await database.write(lambda c: store.settle(c, "t2", "r2", "failed", error="model unreachable"))
    t2 = await index.get("t2")
    assert (t2.status, t2.error, t2.run_id, t2.owner) == ("failed", "model unreachable", None, None)
    assert t2.updated_at.tzinfo is not None
    assert [r.thread_id for r in await index.list()] == ["t2", "t1"]
    assert [r.thread_id for r in await index.list(status="awaiting_approval")] == ["t1"]
    assert [r.thread_id for r in await index.list(limit=1, offset=1)] == ["t1"]
    assert (await index.get("t1")).pending_interrupt == "i1"
    with pytest.raises(ThreadNotFound, match="binks threads"):
        await index.get("nope")
    assert not await database.write(lambda c: store.settle(c, "t1", "r1", "completed")), "r1 ended already"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(racers=st.integers(min_value=2, max_value=12), stale=st.booleans())
async def test_of_racing_claims_exactly_one_wins(database_url: str, racers: int, stale: bool) -> None:
    # Separate connections, as separate replicas have: the row decides, never a process's memory.
    databases = [connect(database_url) for _ in range(racers)]
    try:
        await prepare_database(databases[0])
        thread_id = f"t-{uuid.uuid4().hex}"
        await _start(databases[0], thread_id)
        await databases[0].write(
            lambda c: store.settle(c, thread_id, "r1", "awaiting_approval", pending_interrupt="i1")
        )
        interrupt = "old" if stale else "i1"

        async def claim(index: int) -> bool:
            return await databases[index].write(
                lambda c: store.claim(
                    c,
                    thread_id,
                    run_id=f"run-{index}",
                    owner=f"replica-{index}",
                    lease_s=30,
                    allowed=("awaiting_approval",),
                    interrupt_id=interrupt,
                )
            )

        won = await asyncio.gather(*(claim(i) for i in range(racers)))
        record = await ThreadIndex(databases[0]).get(thread_id)
    finally:
        for one in databases:
            await one.close()
    if stale:
        assert sum(won) == 0 and record.status == "awaiting_approval"
    else:
        assert sum(won) == 1 and record.status == "running"
        assert record.run_id == f"run-{won.index(True)}"


async def test_expired_leases_are_interrupted_and_renewed_ones_kept(database: Database) -> None:
    await _start(database, "alive", "r1", owner="a")
    await _start(database, "dead", "r2", owner="b")
    await _start(database, "mine", "r3", owner="c")
    past = update(threads_table).values(lease_expires_at=store.now() - timedelta(seconds=1))
    await database.write(lambda c: c.execute(past))
    assert await database.write(lambda c: store.renew(c, "a", 30)) == {"r1"}
    assert await database.write(store.interrupt_expired) == ["dead", "mine"]
    assert await database.write(store.interrupt_expired) == []
    dead = await ThreadIndex(database).get("dead")
    assert (dead.status, dead.owner, dead.run_id) == ("interrupted", None, None)
    assert (await ThreadIndex(database).get("alive")).status == "running"
    assert await database.write(lambda c: store.interrupt_owned(c, "a")) == ["alive"]


async def test_intents_record_before_and_result_after(database: Database) -> None:
    log = IntentLog(database)
    assert await log.get("t", "s1", "h") is None
    await log.record_intent("t", "s1", "h", '{"verb": "scale"}')
    record = await log.get("t", "s1", "h")
    assert record is not None and not record.finished
    assert record.change == {"verb": "scale"}
    await log.record_result("t", "s1", "h", '{"ok": true}')
    record = await log.get("t", "s1", "h")
    assert record is not None and record.finished and record.result == {"ok": True}
    assert await log.get("t", "s1", "other-plan") is None
    with pytest.raises(LookupError):
        await log.record_result("t", "s9", "h", "{}")
    await log.record_intent("t", "s1", "h", '{"verb": "scale"}')
    again = await log.get("t", "s1", "h")
    assert again is not None and not again.finished, "a new intent clears the old result"


async def test_an_intent_is_claimed_once_and_only_by_the_run_that_owns_the_thread(database: Database) -> None:
    log = IntentLog(database)
    await _start(database, "t", "owner-run")
    assert await log.claim("t", "s1", "h", "{}", run_id="owner-run") is None
    again = await log.claim("t", "s1", "h", "{}", run_id="owner-run")
    assert again is not None and not again.finished, "the second claim finds the first"
    with pytest.raises(LeaseLost, match="no longer owns"):
        await log.claim("t", "s2", "h", "{}", run_id="a-run-that-lost-its-lease")
    assert await log.get("t", "s2", "h") is None, "nothing recorded for the fenced-off run"


async def test_schema_version_is_recorded_and_a_newer_database_refused(database: Database) -> None:
    assert await prepare_database(database) == SCHEMA_VERSION
    await database.write(lambda c: c.execute(insert(schema_version).values(version=SCHEMA_VERSION + 1)))
    with pytest.raises(ConfigError, match="newer Binks"):
        await prepare_database(database)


async def test_replicas_starting_together_migrate_once(database_url: str) -> None:
    databases = [connect(database_url) for _ in range(4)]
    try:
        found = await asyncio.gather(*(prepare_database(one) for one in databases))
        versions = await databases[0].read(lambda c: c.execute(schema_version.select()).all())
    finally:
        for one in databases:
            await one.close()
    assert sorted(found) == [SCHEMA_VERSION] * 4  # a fresh database reports the version it got
    assert [tuple(row) for row in versions] == [(SCHEMA_VERSION,)]
