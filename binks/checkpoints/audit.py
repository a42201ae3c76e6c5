"""The audit log: every decision and every executed change, in one hash-chained table.

Decisions are recorded whether the server accepted them or not (a stale decision from a
second laptop is worth knowing about), with the key id (a short hash of the API key, never
the key itself). Executed changes are recorded by the graph's execute node with the argv or
template and parameters (already redacted by the caller) and whether they worked.

Entries form a hash chain (:mod:`binks.checkpoints.auditchain`). Appends are serialized so
two writers can never fork it: within the process by a lock, across processes by SQLite's
``BEGIN IMMEDIATE`` (Postgres: a table lock), and ``seq`` is the primary key, so a second
entry with the same number cannot be stored whatever happens.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Index, Integer, String, Table, Text, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints.auditchain import (
    GENESIS,
    AuditEntry,
    AuditKind,
    ChainReport,
    canonical_json,
    entry_hash,
    verify_chain,
)
from binks.checkpoints.db import metadata

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
_INSERT = f"INSERT INTO binks_audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"
_HEAD = "SELECT seq, hash FROM binks_audit ORDER BY seq DESC LIMIT 1"


def now_text() -> str:
    """The time an entry is written, as the ISO 8601 UTC text that is stored and hashed."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def make_entry(seq: int, prev_hash: str, fields: dict[str, Any]) -> AuditEntry:
    """The entry numbered ``seq`` after ``prev_hash``, with its hash."""
    hashed = {"seq": seq, **fields}
    return AuditEntry(**hashed, prev_hash=prev_hash, hash=entry_hash(prev_hash, hashed))


class AuditLog:
    """Appends to and reads the audit log; one instance per process shares the lock."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._lock = asyncio.Lock()

    async def append(
        self,
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
    ) -> AuditEntry:
        """Append one entry at the head of the chain; returns it as stored."""
        fields: dict[str, Any] = {
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
        async with self._lock:
            if self._sqlite:
                return await self._append_sqlite(fields)
            return await self._append_locked_table(fields)

    async def _append_sqlite(self, fields: dict[str, Any]) -> AuditEntry:
        async with self._engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver: Any = raw.driver_connection
            if driver.in_transaction:
                await driver.rollback()
            # IMMEDIATE takes the write lock before reading the head: no other process can
            # append between our read and our insert.
            await driver.execute("BEGIN IMMEDIATE")
            try:
                head = await driver.execute_fetchall(_HEAD)
                seq, prev = (int(head[0][0]) + 1, str(head[0][1])) if head else (1, GENESIS)
                entry = make_entry(seq, prev, fields)
                row = entry.model_dump()
                await driver.execute(_INSERT, tuple(row[name] for name in COLUMNS))
                await driver.commit()
            except BaseException:
                await driver.rollback()
                raise
        return entry

    async def _append_locked_table(self, fields: dict[str, Any]) -> AuditEntry:
        async with self._engine.begin() as connection:
            await connection.execute(text("LOCK TABLE binks_audit IN SHARE ROW EXCLUSIVE MODE"))
            head = (
                await connection.execute(
                    select(audit_table.c.seq, audit_table.c.hash).order_by(audit_table.c.seq.desc()).limit(1)
                )
            ).first()
            seq, prev = (int(head.seq) + 1, str(head.hash)) if head is not None else (1, GENESIS)
            entry = make_entry(seq, prev, fields)
            await connection.execute(audit_table.insert().values(**entry.model_dump()))
        return entry

    async def record(
        self,
        *,
        thread_id: str,
        key_id: str,
        action: str,
        accepted: bool,
        interrupt_id: str | None = None,
        plan_hash: str | None = None,
        detail: str = "",
    ) -> AuditEntry:
        """Record a person's decision (approve, reject, ...) or action (resume, cancel)."""
        kind: AuditKind = "decision" if action in DECISION_ACTIONS else "action"
        return await self.append(
            kind=kind,
            thread_id=thread_id,
            key_id=key_id,
            action=action,
            outcome="accepted" if accepted else "refused",
            interrupt_id=interrupt_id,
            plan_hash=plan_hash,
            detail={"reason": detail} if detail else {},
        )

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
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [AuditEntry.model_validate(dict(row)) for row in reversed(rows)]

    async def for_thread(self, thread_id: str) -> list[AuditEntry]:
        """The thread's entries, oldest first."""
        return await self.entries(thread_id)

    async def verify(self) -> ChainReport:
        """Recompute the whole chain; the report names the first broken entry, if any."""
        async with self._engine.connect() as connection:
            rows = (
                (await connection.execute(select(audit_table).order_by(audit_table.c.seq))).mappings().all()
            )
        return verify_chain(AuditEntry.model_validate(dict(row)) for row in rows)
