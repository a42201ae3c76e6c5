"""The audit log: who decided what about which plan, and whether the server accepted it.

Every decision that reaches the server is recorded, refused ones too (a stale decision from
a second laptop is worth knowing about). "Who" is the key id, a short hash of the API key,
never the key itself.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text, select
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints.db import metadata

audit_table = Table(
    "binks_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thread_id", String(64), nullable=False),
    Column("key_id", String(32), nullable=False),
    Column("action", String(32), nullable=False),
    Column("interrupt_id", String(128), nullable=True),
    Column("plan_hash", String(128), nullable=True),
    Column("accepted", Boolean, nullable=False),
    Column("detail", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_binks_audit_thread", "thread_id", "id"),
)


class AuditRecord(BaseModel):
    """One recorded decision (or other action a person took on a thread)."""

    id: int
    thread_id: str
    key_id: str
    action: str
    interrupt_id: str | None
    plan_hash: str | None
    accepted: bool
    detail: str
    created_at: datetime


class AuditLog:
    """Append-only records of decisions, in the shared database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

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
    ) -> None:
        """Write one record, timestamped now (UTC)."""
        async with self._engine.begin() as connection:
            await connection.execute(
                audit_table.insert().values(
                    thread_id=thread_id,
                    key_id=key_id,
                    action=action,
                    interrupt_id=interrupt_id,
                    plan_hash=plan_hash,
                    accepted=accepted,
                    detail=detail,
                    created_at=datetime.now(UTC),
                )
            )

    async def for_thread(self, thread_id: str) -> list[AuditRecord]:
        """The thread's records, oldest first."""
        query = select(audit_table).where(audit_table.c.thread_id == thread_id).order_by(audit_table.c.id)
        async with self._engine.connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [AuditRecord.model_validate(dict(row)) for row in rows]
