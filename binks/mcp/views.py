"""What the MCP tools return: a thread as a calling agent needs to see it, and what to do next.

Every tool that touches a thread answers with a :class:`ThreadView`: the status, the
answer or the error, the pending plan (each step's command, namespace, risk, dry-run and
diff, plus the plan hash), how a *person* approves it, and one sentence saying what the
calling agent should do now. It is built only from the server's answers, which the server
has already redacted; the API key is never part of it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from binks.client import PendingApproval, PlanStep, StreamEvent, ThreadDetail

DIFF_LIMIT = 4000
"""Characters of one step's diff shown to the calling model (the TUI shows it whole)."""
TEXT_LIMIT = 600
"""Characters of one event's text (tool output, a message) in ``thread_status``."""


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters; binks tui or binks watch show all)"


class StepView(BaseModel):
    """One step of a plan, as the approval card shows it."""

    id: str
    command: str = Field(description="what runs when approved: the kubectl line or the worker template")
    namespace: str | None = None
    risk: str = Field(description="read, change or destructive, as the tool layer classified it")
    dry_run: str = Field(description="the API server's answer to a server-side dry-run of exactly this step")
    diff: str | None = Field(None, description="live object vs the dry-run result")
    notes: list[str] = Field(
        default_factory=list,
        description="what a person must see beside the command: hidden parts, captured files",
    )


class PlanView(BaseModel):
    """The plan a thread waits for: only a person's decision naming this hash lets it run."""

    summary: str
    plan_hash: str
    interrupt_id: str
    steps: list[StepView]
    note: str | None = Field(None, description="why this plan is asked again (after a crash)")


class ThreadView(BaseModel):
    """A Binks thread after the call: its status, answer or plan, and what to do next."""

    thread_id: str
    title: str = ""
    status: str = Field(description="running, awaiting_approval, completed, failed, cancelled or interrupted")
    answer: str | None = Field(None, description="the final answer, built from what ran and was verified")
    error: str | None = None
    pending: PlanView | None = Field(None, description="the plan waiting for a person's decision")
    how_to_approve: list[str] = Field(default_factory=list)
    last_seq: int = Field(0, description="the thread's latest event; pass it as after_seq to thread_status")
    next: str = Field(description="what to do now")


class EventView(BaseModel):
    """One event of the thread, in one line."""

    seq: int
    event: str
    text: str


class ThreadStatus(ThreadView):
    """``thread_status``: the thread plus its events since a sequence number."""

    events: list[EventView] = Field(default_factory=list)
    verified: list[str] = Field(
        default_factory=list, description="the deterministic checks among those events, one line each"
    )
    more_events: bool = Field(
        False, description="more events follow; call again with after_seq=last seq shown"
    )


def step_view(step: PlanStep) -> StepView:
    """A plan step as the calling agent sees it."""
    outcome = step.dry_run
    if outcome is None:
        dry_run = "no dry-run"
    else:
        dry_run = f"{'ok' if outcome.ok else 'FAILED'}: {clip(outcome.message.strip(), TEXT_LIMIT)}"
    diff = clip(outcome.diff, DIFF_LIMIT) if outcome is not None and outcome.diff else None
    return StepView(
        id=step.id,
        command=step.command(),
        namespace=step.namespace,
        risk=step.risk,
        dry_run=dry_run,
        diff=diff,
        notes=step.notes(),
    )


def plan_view(pending: PendingApproval) -> PlanView:
    """The pending approval as the calling agent sees it."""
    return PlanView(
        summary=pending.plan.summary,
        plan_hash=pending.plan_hash,
        interrupt_id=pending.interrupt_id,
        steps=[step_view(step) for step in pending.plan.steps],
        note=pending.note,
    )


def how_to_approve(thread_id: str) -> list[str]:
    """The ways a person decides; the calling agent can only pass them on."""
    return [
        f"in a terminal: binks approve {thread_id}   (or: binks reject {thread_id} --reason '...')",
        "in binks tui: the approval card of this thread, with the dry-run and the diff",
        f"through this MCP client, if it can ask its user: request_approval with thread_id={thread_id}",
    ]


def next_step(detail: ThreadDetail, wait_s: float) -> str:
    """One sentence telling the calling agent what to do now."""
    thread = detail.thread_id
    follow = f"thread_status(thread_id={thread!r}, after_seq={detail.last_seq or 0}, wait_s={wait_s:g})"
    match detail.status:
        case "running":
            return f"Binks is still working on it. Call {follow} to see how it goes."
        case "awaiting_approval":
            return (
                "A person must approve or reject this plan; you cannot, and nothing runs until they do. "
                f"Show the plan to the person and say how to approve it, then call {follow} for the "
                "verified result."
            )
        case "completed":
            return "Done. The answer lists each change with what Binks verified on the cluster."
        case "failed" | "interrupted":
            return (
                f"The run stopped ({detail.error or detail.status}). Nothing is repeated by itself: the "
                f"person can continue it with `binks resume {thread}`."
            )
        case "cancelled":
            return "The run was cancelled; nothing more will happen on this thread unless asked."
    return f"Call {follow} to see the thread."


def thread_view(detail: ThreadDetail, wait_s: float) -> ThreadView:
    """The thread as the calling agent sees it."""
    waiting = detail.status == "awaiting_approval" and detail.pending is not None
    return ThreadView(
        thread_id=detail.thread_id,
        title=detail.title,
        status=detail.status,
        answer=detail.result,
        error=detail.error,
        pending=plan_view(detail.pending) if waiting and detail.pending is not None else None,
        how_to_approve=how_to_approve(detail.thread_id) if waiting else [],
        last_seq=detail.last_seq or 0,
        next=next_step(detail, wait_s),
    )


def event_view(event: StreamEvent) -> EventView:
    """One stored event in one line a model can read."""
    return EventView(
        seq=event.seq, event=event.event, text=clip(_event_text(event.event, event.data), TEXT_LIMIT)
    )


def _event_text(name: str, data: dict[str, Any]) -> str:
    """The line for one event: the fields that matter for its kind."""
    match name:
        case "run_started":
            return f"run started ({data.get('kind', 'run')})"
        case "tool_call":
            args = data.get("args") or {}
            shown = args.get("command") if isinstance(args, dict) and "command" in args else _json(args)
            return f"{data.get('name', 'tool')}: {shown}"
        case "tool_result":
            verdict = "ok" if data.get("ok") else "error"
            return f"{data.get('name', 'tool')} {verdict}: {data.get('output', '')}"
        case "plan_proposed":
            plan = data.get("plan") or {}
            return f"plan {str(data.get('plan_hash', ''))[:12]}: {plan.get('summary', '')}"
        case "approval_required":
            return f"waiting for a person: plan {str(data.get('plan_hash', ''))[:12]}"
        case "approval_decided":
            reason = f" ({data['reason']})" if data.get("reason") else ""
            return f"{data.get('action', 'decided')} by {data.get('by', 'a person')}{reason}"
        case "step_started":
            return f"{data.get('step_id')}: running {data.get('description', '')}"
        case "step_finished":
            verdict = "done" if data.get("ok") else f"FAILED: {data.get('error') or data.get('output', '')}"
            return f"{data.get('step_id')}: {verdict}"
        case "verified":
            return verified_line(data)
        case "message":
            return str(data.get("text", ""))
        case "run_completed":
            return "run completed"
        case "run_failed":
            return f"run failed: {data.get('error', '')}"
        case "run_cancelled":
            return "run cancelled"
    return _json({key: value for key, value in data.items() if key != "run_id"})


def verified_line(data: dict[str, Any]) -> str:
    """A ``verified`` event: the step, the verdict and what was checked."""
    verdict = "verified" if data.get("ok") else "verification FAILED"
    detail = f": {data['detail']}" if data.get("detail") else ""
    return f"{data.get('step_id')}: {verdict} ({data.get('check', '')}{detail})"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
