"""Execute's crash-safety records: an intent before each step, its result after.

If the process dies between the two, the next attempt finds an intent without a result
and must not run the step blindly: it asks the cluster whether the change landed
(``Toolbox.reconcile``) or puts the step back to the person. Records are keyed by
thread, step id and plan hash, so an approval of a different plan never matches.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, String, Table, Text, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from binks.checkpoints.db import metadata

intents_table = Table(
    "binks_intents",
    metadata,
    Column("thread_id", String(128), primary_key=True),
    Column("step_id", String(64), primary_key=True),
    Column("plan_hash", String(64), primary_key=True),
    Column("change_json", Text, nullable=False),
    Column("result_json", Text, nullable=True),
    Column("intent_at", DateTime(timezone=True), nullable=False),
    Column("result_at", DateTime(timezone=True), nullable=True),
)


class IntentRecord(BaseModel):
    """One step's record: what was about to run and, once known, what it did."""

    thread_id: str
    step_id: str
    plan_hash: str
    change: dict[str, Any]
    result: dict[str, Any] | None
    intent_at: datetime
    result_at: datetime | None

    @property
    def finished(self) -> bool:
        """True once the step's result was recorded."""
        return self.result is not None


class IntentLog:
    """Writes intents and results; each call is its own committed transaction."""

    def __init__(self, engine: AsyncEngine):
        self._engine = engine

    async def record_intent(self, thread_id: str, step_id: str, plan_hash: str, change_json: str) -> None:
        """Record that the step is about to run (clearing any earlier result for the same key)."""
        now = datetime.now(UTC)
        values = {
            "thread_id": thread_id,
            "step_id": step_id,
            "plan_hash": plan_hash,
            "change_json": change_json,
            "result_json": None,
            "intent_at": now,
            "result_at": None,
        }
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(intents_table).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["thread_id", "step_id", "plan_hash"],
            set_={"change_json": change_json, "result_json": None, "intent_at": now, "result_at": None},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def record_result(self, thread_id: str, step_id: str, plan_hash: str, result_json: str) -> None:
        """Record what the step did; the intent must exist."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(intents_table)
                .where(
                    intents_table.c.thread_id == thread_id,
                    intents_table.c.step_id == step_id,
                    intents_table.c.plan_hash == plan_hash,
                )
                .values(result_json=result_json, result_at=datetime.now(UTC))
            )
        if result.rowcount == 0:
            raise LookupError(f"no intent recorded for {thread_id}/{step_id}/{plan_hash[:12]}")

    async def get(self, thread_id: str, step_id: str, plan_hash: str) -> IntentRecord | None:
        """The step's record, or ``None`` when it never started."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(intents_table).where(
                        intents_table.c.thread_id == thread_id,
                        intents_table.c.step_id == step_id,
                        intents_table.c.plan_hash == plan_hash,
                    )
                )
            ).first()
        if row is None:
            return None
        data = row._mapping
        return IntentRecord(
            thread_id=data["thread_id"],
            step_id=data["step_id"],
            plan_hash=data["plan_hash"],
            change=json.loads(data["change_json"]),
            result=json.loads(data["result_json"]) if data["result_json"] is not None else None,
            intent_at=data["intent_at"],
            result_at=data["result_at"],
        )
