from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from binks.cli import main
from binks.doctor import check_database, check_state_dir
from binks.settings import load_settings


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "state"
    monkeypatch.setenv("BINKS_STATE_DIR", str(state))
    monkeypatch.chdir(tmp_path)
    return state


def test_world_readable_key_file_fails_with_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = _settings(tmp_path, monkeypatch)
    state.mkdir()
    (state / "api-key").write_text("k")
    (state / "api-key").chmod(0o644)
    checks = {check.name: check for check in check_state_dir(load_settings(env_file=None))}
    assert checks["state dir"].status == "ok"
    assert checks["api key file"].status == "fail"
    assert checks["api key file"].fix == f"chmod 600 {state / 'api-key'}"


def test_corrupt_database_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = _settings(tmp_path, monkeypatch)
    state.mkdir()
    (state / "binks.db").write_bytes(b"this is not a database" * 100)
    (check,) = check_database(load_settings(env_file=None))
    assert check.status == "fail"
    assert "backup" in check.fix


def test_healthy_database_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = _settings(tmp_path, monkeypatch)
    state.mkdir()
    with sqlite3.connect(state / "binks.db") as db:
        db.execute("CREATE TABLE t (x)")
    (check,) = check_database(load_settings(env_file=None))
    assert check.status == "ok"


def test_doctor_exits_1_and_explains_without_a_kubeconfig(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _settings(tmp_path, monkeypatch)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["doctor", "--json"]) == 1
    checks = {row["name"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert checks["settings"]["status"] == "ok"
    assert checks["kubectl"]["status"] == "ok"
    assert checks["kubeconfig"]["status"] == "fail"
    assert "KUBECONFIG_PATH" in checks["kubeconfig"]["fix"]


def test_invalid_settings_are_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _settings(tmp_path, monkeypatch)
    monkeypatch.setenv("API_PORT", "abc")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("✗ settings:") and "API_PORT" in out
