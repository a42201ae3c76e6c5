"""The JSON bodies of the HTTP API: what clients send (size-limited) and what they get back.

Requests are validated here, so a malformed body is a 422 that names the field; responses
are typed so ``/docs`` shows exactly what the server returns. The decision body is the
graph's :class:`~binks.graph.decision.Decision` (DESIGN §4), with limits added on top.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from binks.checkpoints.threads import ThreadStatus

#: Longest task a client may send, in characters (a paragraph or two, not a log dump).
MAX_TASK_CHARS = 8000
#: Largest request body the server reads, in bytes (enforced before parsing).
MAX_BODY_BYTES = 256 * 1024
#: Largest offset or sequence number a query takes (SQLite's INTEGER range; beyond it, 500s).
MAX_COUNTER = 2**63 - 1


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TaskRequest(_Body):
    """A task for the agent, in plain words."""

    task: str = Field(min_length=1, max_length=MAX_TASK_CHARS, examples=["scale web in shop to 3"])


class StartThreadRequest(TaskRequest):
    """Start a conversation; the title defaults to the start of the task."""

    title: str | None = Field(None, max_length=200)


class ErrorBody(BaseModel):
    """Every error the API returns: a code, a message that says what to do, and extras."""

    error: str = Field(description="not_found, conflict, unauthorized, invalid_request, ...")
    detail: str = Field(description="what went wrong and what to do about it")
    run_id: str | None = Field(None, description="the run in the way, for a busy thread")
    errors: list[dict[str, str]] | None = Field(None, description="one entry per invalid field")


class PendingApprovalOut(BaseModel):
    """The approval a thread waits for: answer it with this interrupt id and plan hash."""

    interrupt_id: str
    plan_hash: str
    plan: dict[str, Any] = Field(description="the Plan: summary and steps with dry-run and diff")


class HowToDecide(BaseModel):
    """The call that answers a pending approval."""

    method: Literal["POST"] = "POST"
    url: str
    body: dict[str, Any]


class RunAccepted(BaseModel):
    """A run was started in the background; follow it on the events URL."""

    thread_id: str
    run_id: str
    status: ThreadStatus
    events_url: str


class InvokeResponse(BaseModel):
    """``POST /invoke``: the answer, or the plan waiting for a decision."""

    thread_id: str
    run_id: str
    status: ThreadStatus
    result: str | None = Field(None, description="the final answer when the run completed")
    error: str | None = None
    pending_approval: PendingApprovalOut | None = None
    how_to_decide: HowToDecide | None = None


class ThreadSummary(BaseModel):
    """One line of the thread list."""

    thread_id: str
    title: str
    status: ThreadStatus
    created_at: datetime
    updated_at: datetime
    error: str | None = None


class ThreadPage(BaseModel):
    """A page of threads, newest activity first."""

    threads: list[ThreadSummary]
    limit: int
    offset: int
    next_offset: int | None = Field(None, description="offset of the next page, null on the last")


class MessageOut(BaseModel):
    """One message of the conversation."""

    role: Literal["human", "ai", "tool", "system"]
    content: str
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    name: str | None = None


class ThreadDetail(ThreadSummary):
    """A thread with its conversation, pending approval and current run."""

    run_id: str | None = Field(None, description="the run in progress, if any")
    messages: list[MessageOut]
    pending_approval: PendingApprovalOut | None = None
    last_event_seq: int = Field(description="sequence number of the thread's latest event")


class CancelResult(BaseModel):
    """What ``/cancel`` did."""

    thread_id: str
    run_id: str
    status: ThreadStatus


class CheckOut(BaseModel):
    """One dependency's state in ``/health``."""

    ok: bool
    detail: str


class HealthOut(BaseModel):
    """``/health``: always the status and version; the checks only with a valid key."""

    status: Literal["ok", "degraded"]
    version: str
    checks: dict[str, CheckOut] | None = None
