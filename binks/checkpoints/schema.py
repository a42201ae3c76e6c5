"""Schema versioning for Binks' own tables: one row in ``binks_schema_version``, migrations by step.

A fresh database gets every table and the current version. An older one is migrated one
version at a time by the functions in :data:`MIGRATIONS` (``MIGRATIONS[n]`` takes a
database from version ``n - 1`` to ``n``), all in one transaction, so a failed migration
leaves the database as it was. Two processes that start at once migrate once: on SQLite the
transaction starts with ``BEGIN IMMEDIATE``, on PostgreSQL it first takes the advisory lock
:data:`MIGRATION_LOCK`; the second one waits, then finds the current version and does
nothing. A database written by a newer Binks is refused, so an older Binks never writes
into tables it does not understand.

Versions: 1 — threads, events, intents, a plain audit table; 2 — the hash-chained audit
log (old audit rows are carried over into the chain, oldest first); 3 — several replicas:
runs owned through a lease on the thread's row (``run_id``, ``owner``,
``lease_expires_at``, ``pending_interrupt``), event numbers from a counter row per thread
(carried over from the events), and the replicas' heartbeats.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Integer, Table, delete, func, insert, inspect, select, text

from binks.checkpoints import events, intents, replicas, threads
from binks.checkpoints.audit import COLUMNS, DECISION_ACTIONS, audit_table, make_entry
from binks.checkpoints.auditchain import GENESIS, canonical_json
from binks.checkpoints.db import Database, metadata
from binks.errors import ConfigError

_TABLES = (
    intents.intents_table,
    threads.threads_table,
    events.events_table,
    events.counters_table,
    audit_table,
    replicas.replicas_table,
)
"""Imported so their tables are registered on ``metadata`` before it is created."""

SCHEMA_VERSION = 3
"""The version of Binks' tables this code writes."""
MIGRATION_LOCK = 0x62696E6B_6D696772
"""PostgreSQL advisory lock key (``"binkmigr"``) held while the schema is checked and migrated."""

schema_version = Table("binks_schema_version", metadata, Column("version", Integer, nullable=False))


def _v2_audit_chain(connection: Connection) -> None:
    """Version 2: the audit table becomes a hash chain; version-1 rows join it in order."""
    connection.execute(text("ALTER TABLE binks_audit RENAME TO binks_audit_v1"))
    connection.execute(text("DROP INDEX IF EXISTS ix_binks_audit_thread"))
    audit_table.create(connection)
    old = connection.execute(
        text(
            "SELECT thread_id, key_id, action, interrupt_id, plan_hash, accepted, detail, created_at"
            " FROM binks_audit_v1 ORDER BY id"
        )
    ).all()
    prev = GENESIS
    for seq, row in enumerate(old, start=1):
        detail: dict[str, Any] = {"migrated_from_schema": 1}
        if row.detail:
            detail["reason"] = row.detail
        entry = make_entry(
            seq,
            prev,
            {
                "kind": "decision" if row.action in DECISION_ACTIONS else "action",
                "thread_id": row.thread_id,
                "created_at": _utc_text(row.created_at),
                "key_id": row.key_id,
                "action": row.action,
                "interrupt_id": row.interrupt_id,
                "plan_hash": row.plan_hash,
                "step_id": None,
                "outcome": "accepted" if row.accepted else "refused",
                "detail": canonical_json(detail),
            },
        )
        connection.execute(insert(audit_table).values(**{name: getattr(entry, name) for name in COLUMNS}))
        prev = entry.hash
    connection.execute(text("DROP TABLE binks_audit_v1"))


def _utc_text(value: object) -> str:
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).isoformat(timespec="microseconds")


def _v3_replicas(connection: Connection) -> None:
    """Version 3: leases on the thread rows, per-thread event counters, replica heartbeats."""
    for column in ("run_id VARCHAR(64)", "owner VARCHAR(128)", "pending_interrupt VARCHAR(128)"):
        connection.execute(text(f"ALTER TABLE binks_threads ADD COLUMN {column}"))
    stamp = "TIMESTAMP WITH TIME ZONE" if connection.dialect.name == "postgresql" else "DATETIME"
    connection.execute(text(f"ALTER TABLE binks_threads ADD COLUMN lease_expires_at {stamp}"))
    connection.execute(text("CREATE INDEX ix_binks_threads_owner ON binks_threads (owner)"))
    events.counters_table.create(connection)
    table = events.events_table
    connection.execute(
        insert(events.counters_table).from_select(
            ["thread_id", "seq"], select(table.c.thread_id, func.max(table.c.seq)).group_by(table.c.thread_id)
        )
    )


Migration = Callable[[Connection], None]
MIGRATIONS: dict[int, Migration] = {2: _v2_audit_chain, 3: _v3_replicas}
"""``MIGRATIONS[n]`` takes the tables from version ``n - 1`` to ``n``."""


async def prepare_database(database: Database) -> int:
    """Create or migrate Binks' tables to :data:`SCHEMA_VERSION`; returns the version found before.

    ``ConfigError`` when the database was written by a newer Binks.
    """
    return await database.write(_prepare, durable=True)


def _prepare(connection: Connection) -> int:
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    found = _version(connection)
    if found is not None and found > SCHEMA_VERSION:
        raise ConfigError(newer_message(found))
    if found is not None:
        for version in range(found + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](connection)
    metadata.create_all(connection)
    if found != SCHEMA_VERSION:
        connection.execute(delete(schema_version))
        connection.execute(insert(schema_version).values(version=SCHEMA_VERSION))
    return SCHEMA_VERSION if found is None else found


def schema_of(connection: Connection) -> int | None:
    """The schema version of the database, ``None`` when it has no Binks tables yet."""
    return _version(connection)


def _version(connection: Connection) -> int | None:
    if not inspect(connection).has_table(schema_version.name):
        return None
    found = connection.execute(select(schema_version.c.version)).scalars().all()
    return int(max(found)) if found else None


def newer_message(found: int) -> str:
    """What to do about a database from a newer Binks."""
    return (
        f"the database was written by a newer Binks (schema {found}, this one knows"
        f" {SCHEMA_VERSION}); upgrade Binks or point BINKS_STATE_DIR elsewhere"
    )


def sqlite_schema_version(path: Path) -> int | None:
    """The schema version of a SQLite database, read-only; ``None`` when it has no Binks tables yet."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
        exists = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'binks_schema_version'"
        ).fetchone()
        if exists is None:
            return None
        row = db.execute("SELECT max(version) FROM binks_schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else None
