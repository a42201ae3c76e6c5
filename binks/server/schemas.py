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
#: A decision's channel label: short enough that ``channel:keyid`` fits the audit's 32 characters.
CHANNEL_PATTERN = r"^[a-z][a-z0-9-]{0,18}$"
#: Longest a request may wait for a run to settle (``GET /threads/{id}?wait=``), in seconds.
MAX_WAIT_S = 60.0
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
    result: str | None = Field(None, description="the final answer, once the thread completed")


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
    mcp_elicitation: bool | None = Field(
        None, description="with a valid key: whether decisions answered in an MCP client's prompt count"
    )


ReadTool = Literal["run_kubectl", "get_cluster_status", "check_agent_status"]
ChangeTool = Literal["run_kubectl", "spawn_worker_agent"]


class ReadRequest(_Body):
    """A read, run at once with the tools' refusals, redaction and output cap (no thread)."""

    tool: ReadTool = Field(examples=["run_kubectl"])
    args: dict[str, Any] = Field(default_factory=dict, examples=[{"command": "get pods -n shop"}])


class ReadOut(BaseModel):
    """What a read returned, redacted and capped like every tool result."""

    ok: bool = Field(description="false when kubectl or the API answered with an error (in output)")
    output: str
    truncated_bytes: int = Field(0, description="bytes cut from the output at the cap")
    data: dict[str, Any] | None = Field(None, description="structured form, when the tool has one")


class ProposalRequest(_Body):
    """A change someone else chose, to become a plan on a new thread (the model is not asked)."""

    tool: ChangeTool = Field(examples=["run_kubectl"])
    args: dict[str, Any] = Field(examples=[{"command": "scale deployment web -n shop --replicas=3"}])
    reason: str = Field(min_length=1, max_length=2000, description="why, in words: the thread's task")
    title: str | None = Field(None, max_length=200)


class EventOut(BaseModel):
    """One stored event of a thread (the same ``seq``, ``event`` and ``data`` as the SSE stream)."""

    seq: int
    event: str
    data: dict[str, Any]
    created_at: datetime


class EventPage(BaseModel):
    """Events after a sequence number, oldest first."""

    events: list[EventOut]
    last_seq: int = Field(description="the thread's latest sequence number")
    next_after: int | None = Field(None, description="pass as ?after= for the next page; null at the end")
