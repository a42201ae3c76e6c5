"""Asking a person at the terminal what to do with a plan: approve, select, reject, edit, respond.

Nothing is approved by a bare Enter: an empty answer asks again, and ``q`` leaves the
approval pending for later (``binks approve`` / the TUI).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from binks.client.models import Decision, PendingApproval, PlanStep

ReadLine = Callable[[str], str]

CHOICES = (
    "[a]pprove all, approve [s]elected steps, [r]eject, [e]dit a step, "
    "res[p]ond to the model, [q]uit and decide later: "
)
_ACTIONS = {
    "a": "approve",
    "approve": "approve",
    "s": "select",
    "select": "select",
    "r": "reject",
    "reject": "reject",
    "e": "edit",
    "edit": "edit",
    "p": "respond",
    "respond": "respond",
    "q": "quit",
    "quit": "quit",
}


def _ask(read: ReadLine, question: str, *, allow_empty: bool = False) -> str:
    while True:
        answer = read(question).strip()
        if answer or allow_empty:
            return answer


def _pick_steps(read: ReadLine, steps: list[PlanStep]) -> list[str]:
    known = [step.id for step in steps]
    while True:
        answer = _ask(read, f"steps to approve, by id or number ({', '.join(known)}): ")
        chosen: list[str] = []
        for token in answer.replace(",", " ").split():
            if token.isdigit() and 1 <= int(token) <= len(steps):
                chosen.append(known[int(token) - 1])
            elif token in known:
                chosen.append(token)
            else:
                chosen = []
                break
        if chosen:
            return list(dict.fromkeys(chosen))


def _edit(read: ReadLine, steps: list[PlanStep]) -> tuple[str, dict[str, Any]]:
    step_id = _pick_steps(read, steps)[0] if len(steps) > 1 else steps[0].id
    step = next(step for step in steps if step.id == step_id)
    kind, current = step.editable()
    while True:
        answer = _ask(read, f"new {kind} for {step.id} (was: {current}): ")
        try:
            return step.id, step.edited_args(answer)
        except ValueError as exc:
            sys.stderr.write(f"{exc}\n")


def ask_decision(pending: PendingApproval, read: ReadLine = input) -> Decision | None:
    """Ask until the person decides; ``None`` means they chose to decide later."""
    steps = pending.plan.steps
    base = {"interrupt_id": pending.interrupt_id, "plan_hash": pending.plan_hash}
    while True:
        action = _ACTIONS.get(_ask(read, CHOICES).lower())
        if action == "approve":
            return Decision(**base, action="approve")
        if action == "select" and steps:
            return Decision(**base, action="approve", steps=_pick_steps(read, steps))
        if action == "reject":
            return Decision(**base, action="reject", reason=_ask(read, "reason (the model reads it): "))
        if action == "edit" and steps:
            step_id, edit = _edit(read, steps)
            return Decision(**base, action="edit", edits={step_id: edit})
        if action == "respond":
            return Decision(**base, action="respond", reason=_ask(read, "your answer to the model: "))
        if action == "quit":
            return None
