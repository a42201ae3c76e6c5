"""The reliability suite's fixtures and its figures at the end of the run.

Servers come from the same helpers as ``tests/server`` (in-process ``start_server``, the
``ServerProcess`` child for kill tests); nothing here re-implements them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.figures import lines
from tests.server.conftest import client_for, start_server
from tests.server.process import ServerProcess

__all__ = ["client_for", "processes", "start_server"]


@pytest.fixture
def processes() -> Iterator[list[ServerProcess]]:
    """Server processes a test started; killed (with their group) at teardown."""
    started: list[ServerProcess] = []
    yield started
    for process in started:
        process.stop()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the reliability tests measured (kills, decisions, reconnects, fuzz cases)."""
    noted = lines()
    if not noted:
        return
    terminalreporter.section("reliability figures")
    for line in noted:
        terminalreporter.write_line(line)
