from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.auditchain import GENESIS
from binks.checkpoints.db import connect
from binks.checkpoints.schema import prepare_database
from binks.cli import main


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[str]:
    """A database (its URL) with four audit entries: two of thread t1, one of t2, one more of t1."""
    opened = connect(database_url)
    await prepare_database(opened)
    log = AuditLog(opened)
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
    await opened.close()
    yield database_url


def _run(url: str, statement: str, **params: object) -> list[tuple[object, ...]]:
    async def go() -> list[tuple[object, ...]]:
        opened = connect(url)
        try:
            result = await opened.write(lambda c: c.execute(text(statement), params))
            return [tuple(row) for row in result.all()] if result.returns_rows else []
        finally:
            await opened.close()

    return asyncio.run(go())


def _verify(url: str) -> tuple[bool, int | None, str]:
    async def go() -> tuple[bool, int | None, str]:
        opened = connect(url)
        try:
            report = await AuditLog(opened).verify()
        finally:
            await opened.close()
        return report.ok, report.broken_seq, report.reason

    return asyncio.run(go())


def _sql(url: str, statement: str) -> None:
    _run(url, statement)


def test_entries_link_into_one_chain(database: str) -> None:
    rows = _run(database, "SELECT seq, kind, action, outcome, prev_hash, hash FROM binks_audit ORDER BY seq")
    assert [row[:4] for row in rows] == [
        (1, "decision", "approve", "accepted"),
        (2, "mutation", "scale", "ok"),
        (3, "decision", "reject", "refused"),
        (4, "action", "resume", "accepted"),
    ]
    assert rows[0][4] == GENESIS
    assert all(rows[i][4] == rows[i - 1][5] for i in range(1, 4))
    assert _verify(database) == (True, None, "")


def test_verify_names_an_edited_entry(database: str) -> None:
    _sql(database, "UPDATE binks_audit SET outcome = 'accepted' WHERE seq = 3")
    ok, broken, reason = _verify(database)
    assert (ok, broken) == (False, 3)
    assert "changed" in reason


def test_verify_names_the_entry_after_a_deleted_one(database: str) -> None:
    _sql(database, "DELETE FROM binks_audit WHERE seq = 2")
    ok, broken, reason = _verify(database)
    assert (ok, broken) == (False, 3)
    assert "entry 2 is missing" in reason


def test_verify_catches_a_rewritten_hash(database: str) -> None:
    # Editing an entry and fixing its own hash still breaks the link from the next entry.
    ((detail,),) = _run(database, "SELECT detail FROM binks_audit WHERE seq = 2")
    changed = str(detail).replace("--replicas=3", "--replicas=30")
    _run(database, "UPDATE binks_audit SET detail = :d, hash = :h WHERE seq = 2", d=changed, h="a" * 64)
    assert _verify(database)[:2] == (False, 2)


async def test_concurrent_writers_keep_one_chain(database_url: str) -> None:
    opened = [connect(database_url) for _ in range(3)]  # three "processes": three connections
    await prepare_database(opened[0])
    logs = [AuditLog(one) for one in opened]
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
        for one in opened:
            await one.close()
    assert [entry.seq for entry in entries] == list(range(1, 61))
    assert sorted(entry.thread_id for entry in entries) == sorted(f"t{i}" for i in range(60))
    assert report.ok and report.entries == 60


def test_cli_lists_and_verifies(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BINKS_DATABASE_URL", database)
    monkeypatch.chdir(tmp_path)
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
