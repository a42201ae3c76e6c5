"""kubectl (and any plugin or credential helper it starts) never sees Binks' own secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from binks.settings import load_settings
from binks.tools.kubectl import Kubectl


def test_binks_settings_stay_out_of_kubectls_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = load_settings(env_file=None, state_dir=tmp_path)
    for name in ("BINKS_API_KEY", "binks_openai_api_key", "OLLAMA_BASE_URL", "OPENAI_API_KEY", "KUBECONFIG"):
        monkeypatch.setenv(name, "private-value")
    monkeypatch.setenv("AWS_PROFILE", "lab")  # credential helpers of the kubeconfig still get theirs
    env = Kubectl(settings).environment()
    assert "private-value" not in env.values()
    assert env["AWS_PROFILE"] == "lab"
    assert env["KUBECTL_KUBERC"] == "false"
