"""A client that answers from canned data, so snapshots are the same on every run.

Snapshots must not show a random port or depend on timing; the behaviour tests use the real
HTTP client against a live server instead.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncGenerator
from typing import Any

from binks.client import (
    AsyncBinksClient,
    Backoff,
    ClientConfig,
    Decision,
    PendingApproval,
    StreamEvent,
    ThreadDetail,
    ThreadSummary,
)
from binks.client.aio import StatusCallback
from tests.fakes.binks_api import DEFAULT_STEPS

PENDING = PendingApproval.model_validate(
    {
        "interrupt_id": "int-7",
        "plan_hash": "3f9a0c2b",
        "plan": {"steps": copy.deepcopy(DEFAULT_STEPS), "summary": "scale web to 3 and remove the old pod"},
    }
)

EVENTS: list[tuple[str, dict[str, Any]]] = [
    ("run_started", {"task": "scale web to 3 and clean up the old pod"}),
    ("model_token", {"text": "Let me look at the web deployment first."}),
    ("tool_call", {"name": "kubectl_get", "args": {"argv": ["kubectl", "get", "deploy", "-n", "shop"]}}),
    ("tool_result", {"name": "kubectl_get", "output": "NAME  READY\nweb   1/1"}),
    ("plan_proposed", {"plan": PENDING.plan.model_dump(), "plan_hash": PENDING.plan_hash}),
    ("approval_required", PENDING.model_dump()),
]

THREADS = [
    ThreadSummary(
        thread_id="t3", status="awaiting_approval", title="scale web to 3 and clean up the old pod"
    ),
    ThreadSummary(thread_id="t2", status="running", title="why is the ollama pod pending?"),
    ThreadSummary(thread_id="t1", status="completed", title="list the pods in shop"),
]


class CannedClient(AsyncBinksClient):
    """Serves :data:`THREADS`, :data:`EVENTS` for every thread, and :data:`PENDING`."""

    def __init__(self) -> None:
        super().__init__(ClientConfig(url="http://brain.local:8000", api_key="k"))
        self.decisions: list[Decision] = []

    async def list_threads(self) -> list[ThreadSummary]:
        return THREADS

    async def get_thread(self, thread_id: str, *, wait: float = 0) -> ThreadDetail:
        return ThreadDetail(thread_id=thread_id, status="awaiting_approval", pending=PENDING, last_seq=6)

    async def decide(
        self, thread_id: str, decision: Decision, *, channel: str | None = None
    ) -> dict[str, Any]:
        self.decisions.append(decision)
        return {"accepted": True}

    async def events(
        self,
        thread_id: str,
        *,
        after: int | None = None,
        on_status: StatusCallback | None = None,
        backoff: Backoff | None = None,
    ) -> AsyncGenerator[StreamEvent, None]:
        for seq, (name, data) in enumerate(EVENTS, 1):
            if after is None or seq > after:
                yield StreamEvent(seq=seq, thread_id=thread_id, event=name, data=data)
        await asyncio.Event().wait()  # the stream stays open, as a live one does
