from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from binks.cli import main
from binks.doctor import check_database, check_state_dir
from binks.settings import load_settings
from tests.fakes.kube_api import KubeApi
from tests.fakes.ollama import serve_fake_ollama


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


def test_doctor_passes_against_a_reachable_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kube_api: KubeApi
) -> None:
    _settings(tmp_path, monkeypatch)
    monkeypatch.setenv("KUBECONFIG_PATH", str(kube_api.kubeconfig))
    with serve_fake_ollama() as ollama:
        monkeypatch.setenv("OLLAMA_BASE_URL", ollama.url)
        code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "✓ model: qwen2.5-coder:7b on ollama 0.12.0 at http://127.0.0.1:" in out
    assert "✓ cluster: server v1." in out
    assert "✓ can create jobs.batch: in ai-agents" in out
    assert "✓ worker deployment-verifier: renders and passes server-side dry-run" in out
    assert "✓ worker code-reviewer: renders and passes server-side dry-run" in out
    assert kube_api.mutations() == []


def test_doctor_names_an_absent_model_and_a_refused_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kube_api: KubeApi
) -> None:
    _settings(tmp_path, monkeypatch)
    monkeypatch.setenv("KUBECONFIG_PATH", str(kube_api.kubeconfig))
    monkeypatch.setenv("OLLAMA_MODEL", "llama-not-pulled:3b")
    kube_api.deny("create", "jobs", "ai-agents")
    with serve_fake_ollama() as ollama:
        monkeypatch.setenv("OLLAMA_BASE_URL", ollama.url)
        assert main(["doctor", "--json"]) == 1
    checks = {row["name"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert checks["model"]["status"] == "fail"
    assert "ollama pull llama-not-pulled:3b" in checks["model"]["detail"]
    assert checks["worker deployment-verifier"]["status"] == "fail"
    assert "manifests/agents" in checks["worker deployment-verifier"]["fix"]


def test_doctor_names_missing_rbac_and_namespaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], kube_api: KubeApi
) -> None:
    _settings(tmp_path, monkeypatch)
    monkeypatch.setenv("KUBECONFIG_PATH", str(kube_api.kubeconfig))
    kube_api.deny("create", "jobs", "ai-agents")
    kube_api.delete("namespaces", "ai-services")
    assert main(["doctor", "--json"]) == 1
    checks = {row["name"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert checks["can create jobs.batch"]["status"] == "fail"
    assert "manifests/rbac" in checks["can create jobs.batch"]["fix"]
    assert checks["namespace ai-services"] == {
        "name": "namespace ai-services",
        "status": "fail",
        "detail": "missing",
        "fix": "kubectl apply -k manifests/core",
    }
    assert checks["namespace ai-agents"]["status"] == "ok"
