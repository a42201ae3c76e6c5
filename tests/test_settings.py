from __future__ import annotations

from pathlib import Path

import pytest

from binks.errors import ConfigError
from binks.settings import describe_settings, load_settings


def test_defaults_suit_a_workstation(tmp_path: Path) -> None:
    settings = load_settings(env_file=None)
    assert settings.ollama_base_url == "http://localhost:11434"
    assert settings.api_host == "127.0.0.1"
    assert settings.api_port == 8000
    assert settings.auto_approve == []
    assert settings.state_dir.name == "binks"
    assert settings.database_path == settings.state_dir / "binks.db"
    assert {"kube-system", "kube-public", "kube-node-lease"} <= settings.all_protected_namespaces


def test_seed_names_are_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://studio.local:11434/")
    monkeypatch.setenv("OLLAMA_MODEL", "qwen2.5-coder:14b")
    monkeypatch.setenv("KUBECONFIG_PATH", "~/pi/kubeconfig")
    monkeypatch.setenv("API_HOST", "0.0.0.0")
    monkeypatch.setenv("API_PORT", "9100")
    settings = load_settings(env_file=None)
    assert settings.ollama_base_url == "http://studio.local:11434"
    assert settings.ollama_model == "qwen2.5-coder:14b"
    assert settings.kubeconfig_path == Path.home() / "pi" / "kubeconfig"
    assert settings.api_host == "0.0.0.0"
    assert settings.api_port == 9100


def test_binks_prefix_wins_over_the_seed_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_MODEL", "from-seed")
    monkeypatch.setenv("BINKS_OLLAMA_MODEL", "from-binks")
    assert load_settings(env_file=None).ollama_model == "from-binks"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("OLLAMA_MODEL=llama3.1:8b\nBINKS_MAX_STEPS=7\n")
    settings = load_settings(env_file=env)
    assert settings.ollama_model == "llama3.1:8b"
    assert settings.max_steps == 7


def test_bad_port_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_PORT", "abc")
    with pytest.raises(ConfigError) as info:
        load_settings(env_file=None)
    message = str(info.value)
    assert "API_PORT" in message and "'abc'" in message
    assert info.value.exit_code == 2


def test_every_problem_gets_its_own_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_PORT", "70000")
    monkeypatch.setenv("OLLAMA_BASE_URL", "studio:11434")
    monkeypatch.setenv("BINKS_AUTO_APPROVE", "scale:demo,scale")
    with pytest.raises(ConfigError) as info:
        load_settings(env_file=None)
    lines = str(info.value).splitlines()[1:]
    assert len(lines) == 3
    assert any(line.strip().startswith("API_PORT:") for line in lines)
    assert any(line.strip().startswith("OLLAMA_BASE_URL:") and "http://" in line for line in lines)
    assert any(line.strip().startswith("BINKS_AUTO_APPROVE:") and "'scale'" in line for line in lines)


def test_lists_accept_commas_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BINKS_PROTECTED_NAMESPACES", "prod, billing")
    monkeypatch.setenv("BINKS_AUTO_APPROVE", '["scale:demo", "rollout:demo"]')
    settings = load_settings(env_file=None)
    assert settings.protected_namespaces == ["prod", "billing"]
    assert "billing" in settings.all_protected_namespaces
    assert settings.auto_approve == ["scale:demo", "rollout:demo"]


def test_state_dir_follows_xdg_and_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert load_settings(env_file=None).state_dir == tmp_path / "xdg" / "binks"
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path / "state"))
    assert load_settings(env_file=None).state_dir == tmp_path / "state"


def test_describe_masks_secrets_and_names_sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("OLLAMA_MODEL=from-file\n")
    monkeypatch.setenv("BINKS_API_KEY", "s3cret-key-value")
    monkeypatch.setenv("API_PORT", "9000")
    settings = load_settings(env_file=env)
    rows = {row.field: row for row in describe_settings(settings, env_file=env)}
    assert rows["BINKS_API_KEY"].value == "********"
    assert "s3cret" not in repr(rows)
    assert rows["BINKS_API_KEY"].source == "env BINKS_API_KEY"
    assert rows["API_PORT"].source == "env API_PORT"
    assert rows["OLLAMA_MODEL"].source == f"{env} (OLLAMA_MODEL)"
    assert rows["OLLAMA_BASE_URL"].source == "default"


def test_effective_kubeconfig_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load_settings(env_file=None).effective_kubeconfig() is None
    (tmp_path / ".kube").mkdir()
    (tmp_path / ".kube" / "config").write_text("apiVersion: v1\n")
    assert load_settings(env_file=None).effective_kubeconfig() == tmp_path / ".kube" / "config"
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "a.yaml"))
    assert load_settings(env_file=None).effective_kubeconfig() == tmp_path / "a.yaml"
    monkeypatch.setenv("KUBECONFIG_PATH", str(tmp_path / "b.yaml"))
    assert load_settings(env_file=None).effective_kubeconfig() == tmp_path / "b.yaml"
