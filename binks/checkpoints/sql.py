"""Hand-written SQL for the statements every run issues, on either dialect.

SQLAlchemy Core builds, keys and compiles a statement each time one is made, then wraps
the driver's cursor in a result: about half a millisecond for an event's two statements on
this project's 2-core reference machine, ten times what SQLite itself takes. A run writes a
dozen such rows (its claim, its events, the intents of its steps, their audit entries, its
end) and a server runs many at once, so the statements on that path are written here by
hand, with ``:name`` parameters, and run straight on the driver:

- **SQLite**: on the ``sqlite3`` connection under the caller's transaction (the
  :class:`~binks.checkpoints.db.SqliteDatabase` runs every transaction on that one
  connection). Times are stored exactly as SQLAlchemy's SQLite ``DateTime`` stores them
  (``YYYY-MM-DD HH:MM:SS.ffffff``, UTC), so rows written either way read back the same.
- **PostgreSQL**: through ``Connection.exec_driver_sql`` with the parameters rewritten to
  psycopg's ``%(name)s``; psycopg adapts times itself.

Everything else (listing, housekeeping, migrations, ``binks db``) stays in SQLAlchemy Core,
where a statement's cost does not matter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

Row = tuple[Any, ...]

_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Statement:
    """One SQL statement with ``:name`` parameters; ``postgres`` replaces it there when given."""

    def __init__(self, sql: str, *, postgres: str | None = None) -> None:
        self.sqlite = sql
        self.postgres = _PARAMETER.sub(r"%(\1)s", (postgres or sql).replace("%", "%%"))


def insert(table: str, columns: Sequence[str]) -> Statement:
    """``INSERT INTO table (columns) VALUES (:columns)``: a row given as parameters named like its columns."""
    return Statement(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + name for name in columns)})"
    )


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S.%f}"
    return value


def _run(connection: Connection, statement: Statement, params: Mapping[str, Any]) -> Any:
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        assert raw is not None
        return raw.execute(statement.sqlite, {key: _sqlite_value(value) for key, value in params.items()})
    return connection.exec_driver_sql(statement.postgres, dict(params))


def rows(connection: Connection, statement: Statement, **params: Any) -> list[Row]:
    """The rows ``statement`` returns, as tuples."""
    return [tuple(row) for row in _run(connection, statement, params).fetchall()]


def first(connection: Connection, statement: Statement, **params: Any) -> Row | None:
    """The first row ``statement`` returns, or ``None``."""
    found = _run(connection, statement, params).fetchone()
    return None if found is None else tuple(found)


def execute(connection: Connection, statement: Statement, **params: Any) -> int:
    """Run ``statement``; how many rows it changed."""
    return int(_run(connection, statement, params).rowcount)


def as_time(value: Any) -> datetime | None:
    """A stored time as an aware UTC ``datetime`` (SQLite hands back text)."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
