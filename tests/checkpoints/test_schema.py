from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import connect
from binks.checkpoints.schema import SCHEMA_VERSION, prepare_database, sqlite_schema_version
from binks.cli import main
from binks.doctor import check_schema
from binks.errors import ConfigError
from binks.settings import Settings
from tests.checkpoints.v1_database import make_v1_database


async def test_a_version_1_database_migrates_and_keeps_its_audit_rows(tmp_path: Path) -> None:
    path = tmp_path / "binks.db"
    make_v1_database(path)
    engine = connect(f"sqlite:///{path}")
    try:
        assert await prepare_database(engine) == 1
        log = AuditLog(engine)
        migrated = await log.entries()
        await log.record(thread_id="new", key_id="k3", action="reject", accepted=True, detail="no")
        report = await log.verify()
        assert await prepare_database(engine) == SCHEMA_VERSION  # a second start: nothing to do
    finally:
        await engine.close()
    assert [(e.seq, e.kind, e.action, e.outcome, e.key_id) for e in migrated] == [
        (1, "decision", "approve", "refused", "k1"),
        (2, "decision", "approve", "accepted", "k1"),
        (3, "action", "cancel", "accepted", "k2"),
    ]
    assert migrated[0].created_at == "2024-05-01T10:00:00.000001+00:00"
    assert migrated[0].detail_json() == {"migrated_from_schema": 1, "reason": "stale plan"}
    assert report.ok and report.entries == 4
    assert sqlite_schema_version(path) == SCHEMA_VERSION
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert db.execute("SELECT count(*) FROM binks_events").fetchone() == (1,)
        assert db.execute("SELECT status FROM binks_threads").fetchone() == ("completed",)
    db.close()
    assert "binks_audit_v1" not in tables


async def test_a_fresh_database_starts_at_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "binks.db"
    engine = connect(f"sqlite:///{path}")
    try:
        assert await prepare_database(engine) == SCHEMA_VERSION
    finally:
        await engine.close()
    assert sqlite_schema_version(path) == SCHEMA_VERSION


async def test_a_database_from_a_newer_binks_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "binks.db"
    make_v1_database(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE binks_schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    db.close()
    engine = connect(f"sqlite:///{path}")
    try:
        with pytest.raises(ConfigError, match="newer Binks"):
            await prepare_database(engine)
    finally:
        await engine.close()


def test_doctor_reports_the_schema(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, state_dir=tmp_path)
    assert list(check_schema(settings)) == []  # no database yet: the database check says so
    make_v1_database(settings.database_path)
    (old,) = check_schema(settings)
    assert old.status == "ok" and "migrates to" in old.detail
    with sqlite3.connect(settings.database_path) as db:
        db.execute("UPDATE binks_schema_version SET version = 99")
    db.close()
    (newer,) = check_schema(settings)
    assert newer.status == "fail" and "newer Binks" in newer.detail


def test_cli_refuses_an_old_schema_until_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    make_v1_database(tmp_path / "binks.db")
    assert main(["audit"]) == 2
    assert "binks db migrate" in capsys.readouterr().err
    assert main(["db", "migrate"]) == 0
    assert "from schema 1 to" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "intact: 3 entries" in capsys.readouterr().out
    assert main(["db", "migrate"]) == 0
    assert "nothing to do" in capsys.readouterr().out


async def test_a_failed_migration_leaves_the_old_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "binks.db"
    make_v1_database(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE binks_audit SET created_at = 'not a time' WHERE id = 3")
    db.close()
    engine = connect(f"sqlite:///{path}")
    try:
        with pytest.raises(ValueError):
            await prepare_database(engine)
    finally:
        await engine.close()
    assert sqlite_schema_version(path) == 1
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(binks_audit)")]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    db.close()
    assert columns[:2] == ["id", "thread_id"] and "binks_audit_v1" not in tables
