"""Pytest wiring for :mod:`tests.fakes.postgres`: the session's server and the backend fixture.

``database_url`` runs a test once on SQLite (a file in its temp dir) and once on PostgreSQL
(a database of its own on the session's server). When the server cannot start, the
PostgreSQL variants are skipped with the reason, and the summary at the end says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.postgres import SessionPostgres, start

BACKENDS = ("sqlite", "postgresql")
_state: dict[str, SessionPostgres] = {}


def session_postgres() -> SessionPostgres:
    """The session's server, started on first use (also from non-fixture helpers)."""
    if "server" not in _state:
        _state["server"] = start()
    return _state["server"]


@pytest.fixture(scope="session")
def postgres() -> Iterator[SessionPostgres]:
    """The session's PostgreSQL server (``url`` is None, with a ``reason``, when it could not start)."""
    yield session_postgres()


def postgres_database(server: SessionPostgres) -> str:
    """A fresh database on the session's server; skips the test when there is no server."""
    if server.url is None:
        pytest.skip(f"PostgreSQL skipped: {server.reason}")
    return server.database()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite in the test's temp dir, or one on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'binks.db'}"
    return postgres_database(request.getfixturevalue("postgres"))


_summaries: list[tuple[bool, str]] = []
"""(ran, line) per server: this process's, and those pytest-xdist workers sent back."""


def _summary(server: SessionPostgres) -> tuple[bool, str]:
    if server.url is None:
        return False, f"PostgreSQL variants SKIPPED: {server.reason}"
    return True, f"PostgreSQL {server.version} ({server.source}): {server.used} test database(s) created"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the server (and delete its files) when the session ends; note what it did."""
    server = _state.get("server")
    if server is not None:
        server.stop()
        worker_output = getattr(session.config, "workeroutput", None)  # set in a pytest-xdist worker
        if worker_output is not None:
            worker_output["postgres"] = _summary(server)
        else:
            _summaries.append(_summary(server))


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist: a worker finished; keep what its PostgreSQL server did for the summary."""
    found = getattr(node, "workeroutput", {}).get("postgres")
    if found is not None:
        _summaries.append((bool(found[0]), str(found[1])))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say whether the PostgreSQL variants ran, and if not, why."""
    if not _summaries:
        return
    terminalreporter.section("PostgreSQL")
    for ran, line in _summaries:
        if ran:
            terminalreporter.write_line(line, green=True)
        else:
            terminalreporter.write_line(line, yellow=True, bold=True)
