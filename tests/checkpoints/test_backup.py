from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from binks.checkpoints.backup import backup_sqlite
from binks.cli import main
from binks.errors import ConfigError


def _database(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE threads (id TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO threads VALUES (?)", [(f"t{i}",) for i in range(100)])


def test_backup_copies_a_live_wal_database(tmp_path: Path) -> None:
    source = tmp_path / "binks.db"
    _database(source)
    writer = sqlite3.connect(source)  # an open writer, as a running server would hold
    writer.execute("INSERT INTO threads VALUES ('late')")
    writer.commit()
    result = backup_sqlite(source, tmp_path / "copy" / "b.db")
    writer.close()
    with sqlite3.connect(result.target) as copy:
        assert copy.execute("SELECT count(*) FROM threads").fetchone() == (101,)
    assert stat.S_IMODE(result.target.stat().st_mode) == 0o600
    assert not (tmp_path / "copy" / "b.db.partial").exists()


def test_backup_refuses_to_overwrite_or_copy_onto_itself(tmp_path: Path) -> None:
    source = tmp_path / "binks.db"
    _database(source)
    target = tmp_path / "b.db"
    target.write_text("keep me")
    with pytest.raises(ConfigError, match="--force"):
        backup_sqlite(source, target)
    assert target.read_text() == "keep me"
    with pytest.raises(ConfigError, match="the database itself"):
        backup_sqlite(source, source, overwrite=True)


def test_missing_database_says_what_to_check(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="BINKS_STATE_DIR"):
        backup_sqlite(tmp_path / "none.db", tmp_path / "b.db")


def test_cli_backs_up_the_state_dir_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    _database(tmp_path / "state" / "binks.db")
    assert main(["db", "backup", str(tmp_path / "b.db")]) == 0
    assert "backed up" in capsys.readouterr().out
    assert main(["db", "backup", str(tmp_path / "b.db")]) == 2
    assert "--force" in capsys.readouterr().err
