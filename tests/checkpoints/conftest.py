"""Every storage test runs against SQLite and against PostgreSQL (``database_url``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from binks.checkpoints.db import Database, connect
from binks.checkpoints.schema import prepare_database


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """A fresh database at the current schema, on each backend."""
    opened = connect(database_url)
    await prepare_database(opened)
    yield opened
    await opened.close()


async def execute(database: Database, statement: str, **params: object) -> None:
    """Run one SQL statement as a write (tests that tamper with or age rows)."""
    await database.write(lambda c: c.execute(text(statement), params))
