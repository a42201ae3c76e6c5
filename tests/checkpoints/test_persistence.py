"""The checkpointer factory, the thread index, execute intents and the schema version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints.db import make_engine, sqlite_url
from binks.checkpoints.intents import IntentLog
from binks.checkpoints.saver import open_checkpointer, sqlite_path
from binks.checkpoints.schema import SCHEMA_VERSION, prepare_database, schema_version
from binks.checkpoints.threads import ThreadIndex
from binks.errors import BinksError, ConfigError, ThreadNotFound
from binks.settings import load_settings


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(sqlite_url(tmp_path / "binks.db"))
    await prepare_database(engine)
    yield engine
    await engine.dispose()


async def test_checkpointer_is_sqlite_in_wal_mode_in_the_state_dir(tmp_path: Path) -> None:
    settings = load_settings(env_file=None, state_dir=tmp_path / "state")
    async with open_checkpointer(settings) as saver:
        conn = saver.conn  # type: ignore[attr-defined]
        async with conn.execute("PRAGMA journal_mode") as cursor:
            assert (await cursor.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA synchronous") as cursor:
            assert (await cursor.fetchone())[0] == 1  # NORMAL
    assert (tmp_path / "state" / "binks.db").is_file()


def test_database_url_choices(tmp_path: Path) -> None:
    assert sqlite_path(load_settings(env_file=None, state_dir=tmp_path)) == tmp_path / "binks.db"
    other = load_settings(env_file=None, database_url=f"sqlite:///{tmp_path}/x.db")
    assert sqlite_path(other) == tmp_path / "x.db"
    assert sqlite_path(load_settings(env_file=None, database_url="postgresql://db/binks")) is None
    with pytest.raises(ConfigError, match="neither postgresql"):
        sqlite_path(load_settings(env_file=None, database_url="mysql://db"))


async def test_postgres_without_the_extra_is_a_clear_error_not_a_fallback() -> None:
    try:
        import langgraph.checkpoint.postgres  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        settings = load_settings(env_file=None, database_url="postgresql://localhost/binks")
        with pytest.raises(ConfigError, match=r"pip install 'binks\[postgres\]'"):
            async with open_checkpointer(settings):
                pass
    else:
        pytest.skip("the postgres extra is installed")


async def test_unwritable_state_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings = load_settings(env_file=None, state_dir=blocker / "state")
    with pytest.raises(ConfigError, match="cannot open the database"):
        async with open_checkpointer(settings):
            pass


async def test_thread_index_lifecycle(engine: AsyncEngine) -> None:
    index = ThreadIndex(engine)
    created = await index.create("t1", "scale   web\n to 3")
    assert created.title == "scale web to 3"
    assert created.status == "running"
    await index.create("t2", "why is ollama pending?")
    with pytest.raises(BinksError, match="already exists"):
        await index.create("t1", "again")
    await index.set_status("t1", "awaiting_approval")
    await index.set_status("t2", "failed", error="model unreachable")
    t2 = await index.get("t2")
    assert (t2.status, t2.error) == ("failed", "model unreachable")
    assert t2.updated_at.tzinfo is not None
    assert [r.thread_id for r in await index.list()] == ["t2", "t1"]
    assert [r.thread_id for r in await index.list(status="awaiting_approval")] == ["t1"]
    assert [r.thread_id for r in await index.list(limit=1, offset=1)] == ["t1"]
    with pytest.raises(ThreadNotFound, match="binks threads"):
        await index.get("nope")
    with pytest.raises(ThreadNotFound):
        await index.set_status("nope", "completed")


async def test_unfinished_runs_are_marked_interrupted_at_start(engine: AsyncEngine) -> None:
    index = ThreadIndex(engine)
    await index.create("a", "a")
    await index.create("b", "b")
    await index.set_status("b", "completed")
    assert await index.mark_unfinished_interrupted() == ["a"]
    assert (await index.get("a")).status == "interrupted"
    assert (await index.get("b")).status == "completed"
    assert await index.mark_unfinished_interrupted() == []


async def test_intents_record_before_and_result_after(engine: AsyncEngine) -> None:
    log = IntentLog(engine)
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


async def test_schema_version_is_recorded_and_a_newer_database_refused(engine: AsyncEngine) -> None:
    assert await prepare_database(engine) == SCHEMA_VERSION
    async with engine.begin() as connection:
        await connection.execute(insert(schema_version).values(version=SCHEMA_VERSION + 1))
    with pytest.raises(ConfigError, match="newer Binks"):
        await prepare_database(engine)
