"""Execute's crash-safety records: an intent before each step, its result after.

If the process dies between the two, the next attempt finds an intent without a result
and must not run the step blindly: it asks the cluster whether the change landed
(``Toolbox.reconcile``) or puts the step back to the person. Records are keyed by
thread, step key and plan hash; the graph's step key names the proposed plan too
(``binks.graph.state.intent_key``), so neither a different plan nor an earlier identical
one ever matches.

On SQLite the statements go straight to the pooled ``aiosqlite`` connection: SQLAlchemy's
async adapter costs ≈ 9 thread hops per statement (≈ 3 ms on a busy 2-core machine), which
would double the cost of an executed step. Other databases use SQLAlchemy Core.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Column, DateTime, String, Table, Text, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
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

_KEY = "thread_id = ? AND step_id = ? AND plan_hash = ?"
_SQLITE = {
    "claim": "INSERT INTO binks_intents (thread_id, step_id, plan_hash, change_json, intent_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING thread_id",
    "intent": "INSERT INTO binks_intents (thread_id, step_id, plan_hash, change_json, intent_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (thread_id, step_id, plan_hash) DO UPDATE SET"
    " change_json = excluded.change_json, intent_at = excluded.intent_at,"
    " result_json = NULL, result_at = NULL",
    "result": f"UPDATE binks_intents SET result_json = ?, result_at = ? WHERE {_KEY} RETURNING thread_id",
    "get": f"SELECT change_json, result_json, intent_at, result_at FROM binks_intents WHERE {_KEY}",
}


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


def _stamp() -> datetime:
    return datetime.now(UTC)


def _sqlite_time(value: datetime) -> str:
    # The text form SQLAlchemy's SQLite DateTime uses, so both paths read each other's rows.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def _parse_time(value: Any) -> datetime | None:
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class IntentLog:
    """Writes intents and results; every write is committed before the call returns."""

    def __init__(self, engine: AsyncEngine):
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"

    async def _run(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        async with self._engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            rows = await driver.execute_fetchall(sql, params)  # type: ignore[union-attr]
            await driver.commit()  # type: ignore[union-attr]
        return list(rows)

    async def claim(
        self, thread_id: str, step_id: str, plan_hash: str, change_json: str
    ) -> IntentRecord | None:
        """Record the intent unless one exists; return the existing record, or ``None`` if new.

        One round trip in the common case (a step that never started), so execute asks
        "did this step start before?" and records "it starts now" in a single write.
        """
        if self._sqlite:
            params = (thread_id, step_id, plan_hash, change_json, _sqlite_time(_stamp()))
            if await self._run(_SQLITE["claim"], params):
                return None
        else:
            statement = (
                pg_insert(intents_table)
                .values(
                    thread_id=thread_id,
                    step_id=step_id,
                    plan_hash=plan_hash,
                    change_json=change_json,
                    intent_at=_stamp(),
                )
                .on_conflict_do_nothing()
            )
            async with self._engine.begin() as connection:
                if (await connection.execute(statement)).rowcount == 1:
                    return None
        found = await self.get(thread_id, step_id, plan_hash)
        if found is None:
            raise LookupError(f"intent {thread_id}/{step_id} vanished while it was being claimed")
        return found

    async def record_intent(self, thread_id: str, step_id: str, plan_hash: str, change_json: str) -> None:
        """Record that the step is about to run (clearing any earlier result for the same key)."""
        if self._sqlite:
            await self._run(
                _SQLITE["intent"], (thread_id, step_id, plan_hash, change_json, _sqlite_time(_stamp()))
            )
            return
        now = _stamp()
        statement = pg_insert(intents_table).values(
            thread_id=thread_id, step_id=step_id, plan_hash=plan_hash, change_json=change_json, intent_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=["thread_id", "step_id", "plan_hash"],
            set_={"change_json": change_json, "result_json": None, "intent_at": now, "result_at": None},
        )
        async with self._engine.begin() as connection:
            await connection.execute(statement)

    async def record_result(self, thread_id: str, step_id: str, plan_hash: str, result_json: str) -> None:
        """Record what the step did; ``LookupError`` when no intent was recorded for it."""
        if self._sqlite:
            params = (result_json, _sqlite_time(_stamp()), thread_id, step_id, plan_hash)
            updated = len(await self._run(_SQLITE["result"], params))
        else:
            async with self._engine.begin() as connection:
                result = await connection.execute(
                    update(intents_table)
                    .where(*self._where(thread_id, step_id, plan_hash))
                    .values(result_json=result_json, result_at=_stamp())
                )
            updated = result.rowcount
        if updated == 0:
            raise LookupError(f"no intent recorded for {thread_id}/{step_id}/{plan_hash[:12]}")

    async def get(self, thread_id: str, step_id: str, plan_hash: str) -> IntentRecord | None:
        """The step's record, or ``None`` when it never started."""
        if self._sqlite:
            rows = await self._run(_SQLITE["get"], (thread_id, step_id, plan_hash))
            row = tuple(rows[0]) if rows else None
        else:
            columns = (
                intents_table.c.change_json,
                intents_table.c.result_json,
                intents_table.c.intent_at,
                intents_table.c.result_at,
            )
            async with self._engine.connect() as connection:
                found = (
                    await connection.execute(
                        select(*columns).where(*self._where(thread_id, step_id, plan_hash))
                    )
                ).first()
            row = tuple(found) if found is not None else None
        if row is None:
            return None
        change_json, result_json, intent_at, result_at = row
        return IntentRecord(
            thread_id=thread_id,
            step_id=step_id,
            plan_hash=plan_hash,
            change=json.loads(change_json),
            result=json.loads(result_json) if result_json is not None else None,
            intent_at=_parse_time(intent_at) or _stamp(),
            result_at=_parse_time(result_at),
        )

    @staticmethod
    def _where(thread_id: str, step_id: str, plan_hash: str) -> tuple[Any, ...]:
        return (
            intents_table.c.thread_id == thread_id,
            intents_table.c.step_id == step_id,
            intents_table.c.plan_hash == plan_hash,
        )
