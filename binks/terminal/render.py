"""How one stream event or one plan reads in a terminal (the TUI has its own widgets)."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text

from binks.client.models import PendingApproval, PlanStep, StreamEvent
from binks.client.printable import printable

RISK_STYLE = {"read": "green", "change": "yellow", "destructive": "bold red"}


def text_of(data: dict[str, Any], *keys: str) -> str:
    """The first non-empty string among ``keys`` (servers name the same thing differently)."""
    for key in keys:
        value = data.get(key)
        if isinstance(value, str) and value:
            return printable(value)
        if value not in (None, "", [], {}):
            return printable(json.dumps(value, sort_keys=True, ensure_ascii=False))
    return ""


def _first_line(text: str, width: int = 100) -> str:
    lines = text.strip().splitlines() or [""]
    more = f" (+{len(lines) - 1} lines)" if len(lines) > 1 else ""
    head = lines[0] if len(lines[0]) <= width else lines[0][: width - 1] + "…"
    return head + more


def event_line(event: StreamEvent) -> Text | None:
    """One line for ``event``, or ``None`` for events shown another way (tokens, plans)."""
    data = event.data
    name = event.event
    if name == "run_started":
        return Text(f"▶ {run_title(data)}", style="bold")
    if name == "approval_required":
        plan = data.get("plan")
        steps = plan.get("steps", []) if isinstance(plan, dict) else []
        return Text(f"⏸ waiting for a decision on {len(steps)} step(s)", style="yellow")
    if name == "tool_call":
        args = text_of(data, "args", "argv", "input")
        return Text(f"  → {text_of(data, 'name', 'tool')} {_first_line(args, 80)}", style="dim")
    if name == "tool_result":
        output = text_of(data, "output", "content", "result", "error")
        return Text(f"  ← {text_of(data, 'name', 'tool')}: {_first_line(output, 80)}", style="dim")
    if name == "approval_decided":
        return decision_line(data)
    if name == "step_started":
        what = text_of(data, "description", "command", "argv")
        return Text(f"  … {text_of(data, 'step_id', 'id')}: {what}".rstrip(": "))
    if name == "step_finished":
        ok = data.get("ok", True) is not False
        detail = _first_line(
            text_of(data, "error", "output", "message") if not ok else text_of(data, "output")
        )
        mark, style = ("✓", "green") if ok else ("✗", "red")
        return Text(f"  {mark} {text_of(data, 'step_id', 'id')} {detail}".rstrip(), style=style)
    if name == "verified":
        ok = data.get("ok", True) is not False
        message = text_of(data, "check", "message", "summary") or ("verified" if ok else "not verified")
        if text_of(data, "detail"):
            message += f" ({_first_line(text_of(data, 'detail'), 80)})"
        return Text(
            f"  {'✔ verified' if ok else '✗ not verified'}: {message}", style="green" if ok else "red"
        )
    if name == "message":
        return Text(f"binks: {text_of(data, 'text', 'content')}")
    if name == "run_failed":
        return Text(f"✗ run failed: {text_of(data, 'error', 'message', 'detail')}", style="bold red")
    if name == "run_cancelled":
        return Text("■ run cancelled", style="yellow")
    return None


def run_title(data: dict[str, Any]) -> str:
    """What a run is about: its task, or why it started (a decision, a resume)."""
    task = text_of(data, "task")
    if task:
        return task
    kind = text_of(data, "kind")
    reasons = {"decision": "continuing after the decision", "resume": "resuming where it stopped"}
    return reasons.get(kind, f"run ({kind or 'started'})")


def decision_line(data: dict[str, Any]) -> Text:
    """How a decision reads: approved (which steps), rejected (why), edited, responded."""
    action = text_of(data, "action")
    steps = data.get("steps")
    which = f" ({', '.join(steps)})" if isinstance(steps, list) and steps else ""
    reason = text_of(data, "reason")
    if action == "approve":
        return Text(f"✓ approved{which}", style="green")
    if action == "reject":
        return Text(f"✗ rejected: {reason}", style="red")
    if action == "edit":
        return Text(f"✎ approved with edits{which}", style="yellow")
    return Text(f"↩ answered: {reason}", style="cyan")


def step_block(index: int, step: PlanStep) -> RenderableType:
    """One plan step: id, risk, namespace, the command, the dry-run outcome and the diff."""
    head = Text(f"[{index}] {step.id}  ")
    head.append(step.risk, style=RISK_STYLE.get(step.risk, ""))
    if step.namespace:
        head.append(f"  namespace {step.namespace}")
    if step.target():
        head.append(f"  {step.target()}", style="dim")
    parts: list[RenderableType] = [head, Text(f"    $ {step.command()}", style="bold")]
    parts.extend(Text(f"    ! {note}", style="yellow") for note in step.notes())
    if step.dry_run is not None:
        verdict = "dry-run ok" if step.dry_run.ok else "dry-run FAILED"
        line = Text(f"    {verdict}: {step.dry_run.message}", style="green" if step.dry_run.ok else "red")
        parts.append(line)
        if step.dry_run.diff and step.dry_run.diff.strip():
            parts.append(Syntax(step.dry_run.diff.rstrip("\n"), "diff", theme="ansi_dark", padding=(0, 4)))
    else:
        parts.append(Text("    no dry-run for this step", style="dim"))
    return Group(*parts)


def plan_view(thread_id: str, pending: PendingApproval) -> RenderableType:
    """The whole plan waiting for a decision, as ``binks ask`` shows it before asking."""
    steps = pending.plan.steps
    title = Text(f"Approval needed on thread {thread_id}: {len(steps)} step(s)", style="bold reverse")
    parts: list[RenderableType] = [title]
    if pending.plan.summary:
        parts.append(Text(pending.plan.summary, style="italic"))
    if pending.note:
        parts.append(Text(pending.note, style="yellow"))
    parts.extend(step_block(index, step) for index, step in enumerate(steps, 1))
    return Group(*parts)


def pending_from_event(event: StreamEvent) -> PendingApproval:
    """The approval an ``approval_required`` event carries."""
    return PendingApproval.model_validate(event.data)
