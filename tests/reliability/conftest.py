"""The reliability suite's fixtures (its figures are printed by ``tests/conftest.py``).

Servers come from the same helpers as ``tests/server`` (in-process ``start_server``, the
``ServerProcess`` child for kill tests); nothing here re-implements them. Every test that
starts its servers with ``start_server`` runs twice: on SQLite and on PostgreSQL (a database
of its own on the session's server; skipped, with the reason, when it cannot start).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.postgres_plugin import BACKENDS, postgres_database, session_postgres
from tests.server.conftest import ServerFactory, client_for, server_factory
from tests.server.process import ServerProcess

__all__ = ["client_for", "processes", "start_server"]


@pytest.fixture(params=BACKENDS)
def start_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerFactory]:
    """``tests.server``'s ``start_server``, once on SQLite and once on PostgreSQL."""
    defaults = {} if request.param == "sqlite" else {"database_url": postgres_database(session_postgres())}
    with server_factory(tmp_path, **defaults) as start:
        yield start


@pytest.fixture
def processes() -> Iterator[list[ServerProcess]]:
    """Server processes a test started; killed (with their group) at teardown."""
    started: list[ServerProcess] = []
    yield started
    for process in started:
        process.stop()
