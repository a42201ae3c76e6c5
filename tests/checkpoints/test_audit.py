from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.auditchain import GENESIS
from binks.checkpoints.db import make_engine, sqlite_url
from binks.checkpoints.schema import prepare_database
from binks.cli import main


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Path]:
    path = tmp_path / "state" / "binks.db"
    path.parent.mkdir()
    engine = make_engine(sqlite_url(path))
    await prepare_database(engine)
    log = AuditLog(engine)
    await log.record(
        thread_id="t1", key_id="k1", action="approve", accepted=True, plan_hash="p1", interrupt_id="i1"
    )
    await log.record_mutation(
        thread_id="t1",
        step_id="s1",
        plan_hash="p1",
        verb="scale",
        ok=True,
        detail={"argv": ["-n", "shop", "scale", "deployment/web", "--replicas=3"]},
    )
    await log.record(thread_id="t2", key_id="k2", action="reject", accepted=False, detail="stale plan")
    await log.record(thread_id="t1", key_id="k1", action="resume", accepted=True)
    await engine.dispose()
    yield path


def _verify(path: Path) -> tuple[bool, int | None, str]:
    async def go() -> tuple[bool, int | None, str]:
        engine = make_engine(sqlite_url(path))
        try:
            report = await AuditLog(engine).verify()
        finally:
            await engine.dispose()
        return report.ok, report.broken_seq, report.reason

    return asyncio.run(go())


def _sql(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute(statement)
    db.close()


def test_entries_link_into_one_chain(database: Path) -> None:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT seq, kind, action, outcome, prev_hash, hash FROM binks_audit ORDER BY seq"
        ).fetchall()
    db.close()
    assert [row[:4] for row in rows] == [
        (1, "decision", "approve", "accepted"),
        (2, "mutation", "scale", "ok"),
        (3, "decision", "reject", "refused"),
        (4, "action", "resume", "accepted"),
    ]
    assert rows[0][4] == GENESIS
    assert all(rows[i][4] == rows[i - 1][5] for i in range(1, 4))
    assert _verify(database) == (True, None, "")


def test_verify_names_an_edited_entry(database: Path) -> None:
    _sql(database, "UPDATE binks_audit SET outcome = 'accepted' WHERE seq = 3")
    ok, broken, reason = _verify(database)
    assert (ok, broken) == (False, 3)
    assert "changed" in reason


def test_verify_names_the_entry_after_a_deleted_one(database: Path) -> None:
    _sql(database, "DELETE FROM binks_audit WHERE seq = 2")
    ok, broken, reason = _verify(database)
    assert (ok, broken) == (False, 3)
    assert "entry 2 is missing" in reason


def test_verify_catches_a_rewritten_hash(database: Path) -> None:
    # Editing an entry and fixing its own hash still breaks the link from the next entry.
    with sqlite3.connect(database) as db:
        (detail,) = db.execute("SELECT detail FROM binks_audit WHERE seq = 2").fetchone()
        changed = detail.replace("--replicas=3", "--replicas=30")
        db.execute("UPDATE binks_audit SET detail = ?, hash = ? WHERE seq = 2", (changed, "a" * 64))
    db.close()
    assert _verify(database)[:2] == (False, 2)


async def test_concurrent_writers_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "binks.db"
    engines = [make_engine(sqlite_url(path)) for _ in range(3)]
    await prepare_database(engines[0])
    logs = [AuditLog(engine) for engine in engines]  # three "processes": three locks, one file
    try:
        await asyncio.gather(
            *(
                logs[i % 3].record(thread_id=f"t{i}", key_id="k", action="approve", accepted=True)
                for i in range(60)
            )
        )
        entries = await logs[0].entries()
        report = await logs[1].verify()
    finally:
        for engine in engines:
            await engine.dispose()
    assert [entry.seq for entry in entries] == list(range(1, 61))
    assert sorted(entry.thread_id for entry in entries) == sorted(f"t{i}" for i in range(60))
    assert report.ok and report.entries == 60


def test_cli_lists_and_verifies(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BINKS_STATE_DIR", str(database.parent))
    monkeypatch.chdir(database.parent)
    assert main(["audit", "--thread", "t1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert (
        "mutation  scale  ok" in lines[1] and "kubectl -n shop scale deployment/web --replicas=3" in lines[1]
    )
    assert main(["audit", "--json", "--limit", "1"]) == 0
    (row,) = map(json.loads, capsys.readouterr().out.splitlines())
    assert row["seq"] == 4 and row["action"] == "resume" and row["detail"] == {}
    assert main(["audit", "verify"]) == 0
    assert "intact: 4 entries" in capsys.readouterr().out
    _sql(database, "UPDATE binks_audit SET key_id = 'someone-else' WHERE seq = 1")
    assert main(["audit", "verify"]) == 1
    assert "BROKEN at entry #1" in capsys.readouterr().out
    assert main(["audit", "verify", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["broken_seq"] == 1


def test_cli_without_a_database_says_what_to_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["audit"]) == 2
    assert "binks serve" in capsys.readouterr().err
