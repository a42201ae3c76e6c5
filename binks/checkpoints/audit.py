"""The audit log: every decision and every executed change, in one hash-chained table.

Decisions are recorded whether the server accepted them or not (a stale decision from a
second laptop is worth knowing about), with the key id (a short hash of the API key, never
the key itself). Executed changes are recorded by the graph's execute node with the argv or
template and parameters (already redacted by the caller) and whether they worked.

Entries form a hash chain (:mod:`binks.checkpoints.auditchain`). An append reads the head
and inserts the next entry in one transaction that holds the chain's write lock, so no two
writers, in one process or in several replicas, can ever fork it: SQLite's ``BEGIN
IMMEDIATE`` (every write of :class:`~binks.checkpoints.db.Database` starts so), PostgreSQL's
transaction-scoped advisory lock :data:`CHAIN_LOCK`. ``seq`` is the primary key, so a second
entry with the same number cannot be stored whatever happens. No lock is held across an
``await`` of anything but the append's own statements: a decision never waits for another
thread's run, only for another append's few milliseconds.

Every entry is written durably: a decision or a change must be on record before what it
allows goes on.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Index, Integer, String, Table, Text, select

from binks.checkpoints import sql
from binks.checkpoints.auditchain import (
    GENESIS,
    AuditEntry,
    AuditKind,
    ChainReport,
    canonical_json,
    entry_hash,
    verify_chain,
)
from binks.checkpoints.db import Database, metadata
from binks.checkpoints.sql import Statement

audit_table = Table(
    "binks_audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("thread_id", String(128), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("key_id", String(32), nullable=True),
    Column("action", String(32), nullable=False),
    Column("interrupt_id", String(128), nullable=True),
    Column("plan_hash", String(128), nullable=True),
    Column("step_id", String(64), nullable=True),
    Column("outcome", String(16), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    Index("ix_binks_audit_thread", "thread_id", "seq"),
)

COLUMNS = tuple(column.name for column in audit_table.columns)
DECISION_ACTIONS = frozenset({"approve", "reject", "edit", "respond"})
CHAIN_LOCK = 0x62696E6B_61756474
"""PostgreSQL advisory lock key (``"binkaudt"``) held while an entry is appended."""


def now_text() -> str:
    """The time an entry is written, as the ISO 8601 UTC text that is stored and hashed."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def make_entry(seq: int, prev_hash: str, fields: dict[str, Any]) -> AuditEntry:
    """The entry numbered ``seq`` after ``prev_hash``, with its hash."""
    hashed = {"seq": seq, **fields}
    return AuditEntry(**hashed, prev_hash=prev_hash, hash=entry_hash(prev_hash, hashed))


_LOCK = Statement("SELECT pg_advisory_xact_lock(:key)")
_HEAD = Statement("SELECT seq, hash FROM binks_audit ORDER BY seq DESC LIMIT 1")
_INSERT = sql.insert("binks_audit", COLUMNS)


def append(connection: Connection, fields: dict[str, Any]) -> AuditEntry:
    """Append one entry at the head of the chain, in the caller's (write) transaction."""
    if connection.dialect.name == "postgresql":
        sql.execute(connection, _LOCK, key=CHAIN_LOCK)
    head = sql.first(connection, _HEAD)
    seq, prev = (int(head[0]) + 1, str(head[1])) if head is not None else (1, GENESIS)
    entry = make_entry(seq, prev, fields)
    sql.execute(connection, _INSERT, **entry.model_dump())
    return entry


def entry_fields(
    *,
    kind: AuditKind,
    thread_id: str,
    action: str,
    outcome: str,
    key_id: str | None = None,
    interrupt_id: str | None = None,
    plan_hash: str | None = None,
    step_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The hashed fields of a new entry, stamped now."""
    return {
        "kind": kind,
        "thread_id": thread_id,
        "created_at": now_text(),
        "key_id": key_id,
        "action": action[:32],
        "interrupt_id": interrupt_id,
        "plan_hash": plan_hash,
        "step_id": step_id,
        "outcome": outcome,
        "detail": canonical_json(detail or {}),
    }


def decision_fields(
    *,
    thread_id: str,
    key_id: str,
    action: str,
    accepted: bool,
    interrupt_id: str | None = None,
    plan_hash: str | None = None,
    detail: str = "",
) -> dict[str, Any]:
    """The fields of a person's decision (approve, reject, ...) or action (resume, cancel)."""
    return entry_fields(
        kind="decision" if action in DECISION_ACTIONS else "action",
        thread_id=thread_id,
        key_id=key_id,
        action=action,
        outcome="accepted" if accepted else "refused",
        interrupt_id=interrupt_id,
        plan_hash=plan_hash,
        detail={"reason": detail} if detail else {},
    )


class AuditLog:
    """Appends to and reads the audit log."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def append(self, **fields: Any) -> AuditEntry:
        """Append one entry (the keyword arguments of :func:`entry_fields`); returns it as stored."""
        values = entry_fields(**fields)
        return await self.database.write(lambda c: append(c, values), durable=True)

    async def record(self, **fields: Any) -> AuditEntry:
        """Record a person's decision or action (the keyword arguments of :func:`decision_fields`)."""
        values = decision_fields(**fields)
        return await self.database.write(lambda c: append(c, values), durable=True)

    async def record_mutation(
        self,
        *,
        thread_id: str,
        step_id: str,
        plan_hash: str,
        verb: str,
        ok: bool,
        detail: dict[str, Any],
    ) -> AuditEntry:
        """Record an executed change: what ran (argv or template and params) and whether it worked."""
        return await self.append(
            kind="mutation",
            thread_id=thread_id,
            action=verb,
            outcome="ok" if ok else "error",
            plan_hash=plan_hash,
            step_id=step_id,
            detail=detail,
        )

    async def entries(self, thread_id: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        """Entries oldest first; of one thread when given; the newest ``limit`` when given."""
        query = select(audit_table).order_by(audit_table.c.seq.desc())
        if thread_id is not None:
            query = query.where(audit_table.c.thread_id == thread_id)
        if limit is not None:
            query = query.limit(limit)
        rows = await self.database.read(lambda c: c.execute(query).mappings().all())
        return [AuditEntry.model_validate(dict(row)) for row in reversed(rows)]

    async def for_thread(self, thread_id: str) -> list[AuditEntry]:
        """The thread's entries, oldest first."""
        return await self.entries(thread_id)

    async def verify(self) -> ChainReport:
        """Recompute the whole chain; the report names the first broken entry, if any."""
        query = select(audit_table).order_by(audit_table.c.seq)
        rows = await self.database.read(lambda c: c.execute(query).mappings().all())
        return verify_chain(AuditEntry.model_validate(dict(row)) for row in rows)
