"""Shared fixtures: every test starts with no Binks settings from the caller's environment."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.reliability import figures
from tests.timing import slowdown

pytest_plugins = ["tests.fakes.kube_api.pytest_plugin", "tests.fakes.postgres_plugin"]

# Properties are judged by what they find, never by how fast an example runs: on a busy
# machine a deadline or a "too slow" health check would fail a correct test.
hypothesis_settings.register_profile(
    "binks", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile("binks")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests first; pytest-timeout's limit scaled by BINKS_TEST_SLOWDOWN.

    Under pytest-xdist the first tests go out first, so a long test started last cannot keep
    one worker busy while the others idle at the end of the run.
    """
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: order kept
    factor = slowdown()
    if factor == 1:
        return
    default = float(config.getini("timeout") or 0)
    for item in items:
        marker = item.get_closest_marker("timeout")
        seconds = float(marker.args[0]) if marker is not None and marker.args else default
        if seconds > 0:
            item.add_marker(pytest.mark.timeout(seconds * factor), append=False)


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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Attach the figures a test noted to its report (they travel to the xdist controller)."""
    outcome = yield
    if call.when == "call":
        report: pytest.TestReport = outcome.get_result()
        report.user_properties.extend((figures.KEY, line) for line in figures.take())


_FIGURES: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _FIGURES.extend(str(value) for key, value in report.user_properties if key == figures.KEY)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the reliability tests measured (kills, decisions, reconnects, fuzz cases)."""
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
