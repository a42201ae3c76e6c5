"""Shared fixtures: every test starts with no Binks settings from the caller's environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.fakes.kube_api.pytest_plugin", "tests.fakes.postgres_plugin"]

_SETTING_PREFIXES = ("BINKS_", "OLLAMA_", "API_HOST", "API_PORT", "KUBECONFIG")


@pytest.fixture(autouse=True)
def clean_settings_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """Drop settings the developer's shell may carry and point the state dir at a temp dir.

    Opt-in variables that name real infrastructure for tests (``BINKS_TEST_*``) are kept.
    """
    for name in list(os.environ):
        if name.startswith(_SETTING_PREFIXES) and not name.startswith("BINKS_TEST_"):
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))  # binks login's client.toml
    yield home
