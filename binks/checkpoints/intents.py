"""Execute's crash-safety records: an intent before each step, its result after.

If the process dies between the two, the next attempt finds an intent without a result
and must not run the step blindly: it asks the cluster whether the change landed
(``Toolbox.reconcile``) or puts the step back to the person. Records are keyed by
thread, step key and plan hash; the graph's step key names the proposed plan too
(``binks.graph.state.intent_key``), so neither a different plan nor an earlier identical
one ever matches.

The intent is the one write that must be on disk before kubectl runs (a lost intent would
let a resume after a power cut run the change again), so it is written durably; the result
is not (a lost result only makes the resume ask the cluster). With several replicas the
claim is also the step's mutual exclusion: the primary key lets exactly one claim insert,
and given the run's id the claim only inserts while that run still owns the thread, so a
replica that lost its lease cannot start a change another replica now owns.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Column, Connection, DateTime, String, Table, Text

from binks.checkpoints import sql
from binks.checkpoints.db import Database, metadata
from binks.checkpoints.sql import Statement
from binks.errors import BinksError

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


class LeaseLost(BinksError):
    """The run no longer owns its thread (its lease expired and the thread was interrupted)."""


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


_GET = Statement(
    "SELECT change_json, result_json, intent_at, result_at FROM binks_intents"
    " WHERE thread_id = :thread_id AND step_id = :step_id AND plan_hash = :plan_hash"
)
_OWNER = Statement(
    "SELECT run_id FROM binks_threads WHERE thread_id = :thread_id",
    postgres="SELECT run_id FROM binks_threads WHERE thread_id = :thread_id FOR UPDATE",
)
_CLAIM = Statement(
    "INSERT INTO binks_intents (thread_id, step_id, plan_hash, change_json, intent_at)"
    " VALUES (:thread_id, :step_id, :plan_hash, :change_json, :intent_at)"
    " ON CONFLICT (thread_id, step_id, plan_hash) DO NOTHING RETURNING thread_id"
)
_RECORD_INTENT = Statement(
    "INSERT INTO binks_intents (thread_id, step_id, plan_hash, change_json, intent_at)"
    " VALUES (:thread_id, :step_id, :plan_hash, :change_json, :intent_at)"
    " ON CONFLICT (thread_id, step_id, plan_hash) DO UPDATE SET change_json = :change_json,"
    " result_json = NULL, intent_at = :intent_at, result_at = NULL"
)
_RECORD_RESULT = Statement(
    "UPDATE binks_intents SET result_json = :result_json, result_at = :result_at"
    " WHERE thread_id = :thread_id AND step_id = :step_id AND plan_hash = :plan_hash"
)


def _key(thread_id: str, step_id: str, plan_hash: str) -> dict[str, str]:
    """A record's primary key, as the statements' parameters."""
    return {"thread_id": thread_id, "step_id": step_id, "plan_hash": plan_hash}


def _get(connection: Connection, thread_id: str, step_id: str, plan_hash: str) -> IntentRecord | None:
    found = sql.first(connection, _GET, **_key(thread_id, step_id, plan_hash))
    if found is None:
        return None
    change_json, result_json, intent_at, result_at = found
    return IntentRecord(
        thread_id=thread_id,
        step_id=step_id,
        plan_hash=plan_hash,
        change=json.loads(change_json),
        result=json.loads(result_json) if result_json is not None else None,
        intent_at=sql.as_time(intent_at) or _stamp(),
        result_at=sql.as_time(result_at),
    )


def _owns(connection: Connection, thread_id: str, run_id: str | None) -> None:
    if run_id is None:
        return
    found = sql.first(connection, _OWNER, thread_id=thread_id)
    holder = found[0] if found is not None else None
    if holder != run_id:
        raise LeaseLost(
            f"run {run_id} no longer owns thread {thread_id} (its lease expired); nothing was run. "
            f"Resume the thread with POST /threads/{thread_id}/resume"
        )


class IntentLog:
    """Writes intents and results; every write is committed before the call returns."""

    def __init__(self, database: Database):
        self.database = database

    async def claim(
        self, thread_id: str, step_id: str, plan_hash: str, change_json: str, *, run_id: str | None = None
    ) -> IntentRecord | None:
        """Record the intent unless one exists; return the existing record, or ``None`` if new.

        One durable transaction, so execute asks "did this step start before?" and records
        "it starts now" at once. With ``run_id``, :class:`LeaseLost` when that run no longer
        owns the thread.
        """

        def work(connection: Connection) -> IntentRecord | None:
            _owns(connection, thread_id, run_id)
            key = _key(thread_id, step_id, plan_hash)
            if sql.first(connection, _CLAIM, **key, change_json=change_json, intent_at=_stamp()) is not None:
                return None
            found = _get(connection, thread_id, step_id, plan_hash)
            if found is None:
                raise LookupError(f"intent {thread_id}/{step_id} vanished while it was being claimed")
            return found

        return await self.database.write(work, durable=True)

    async def record_intent(self, thread_id: str, step_id: str, plan_hash: str, change_json: str) -> None:
        """Record that the step is about to run (clearing any earlier result for the same key)."""
        key = _key(thread_id, step_id, plan_hash)
        stamp = _stamp()
        await self.database.write(
            lambda c: sql.execute(c, _RECORD_INTENT, **key, change_json=change_json, intent_at=stamp),
            durable=True,
        )

    async def record_result(self, thread_id: str, step_id: str, plan_hash: str, result_json: str) -> None:
        """Record what the step did; ``LookupError`` when no intent was recorded for it."""
        key = _key(thread_id, step_id, plan_hash)
        stamp = _stamp()
        updated = await self.database.write(
            lambda c: sql.execute(c, _RECORD_RESULT, **key, result_json=result_json, result_at=stamp)
        )
        if updated == 0:
            raise LookupError(f"no intent recorded for {thread_id}/{step_id}/{plan_hash[:12]}")

    async def get(self, thread_id: str, step_id: str, plan_hash: str) -> IntentRecord | None:
        """The step's record, or ``None`` when it never started."""
        return await self.database.read(lambda c: _get(c, thread_id, step_id, plan_hash))
