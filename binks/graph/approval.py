"""Pending approvals: read them from a thread, check decisions against them, resume.

LangGraph hands a resume value to *whatever* interrupt is pending, so a stale or
duplicated decision would silently answer the next approval. Every decision is therefore
checked against the pending interrupt's id and plan hash: by the server before it resumes
(:func:`check_decision`), and again inside the approve node (:class:`PendingDecision`),
where a mismatch raises :class:`~binks.errors.ApprovalConflict` before LangGraph saves
the answer, so the approval stays pending and can still be answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, StateSnapshot
from pydantic import BaseModel, ConfigDict, model_validator

from binks.errors import ApprovalConflict
from binks.graph.decision import Decision
from binks.graph.plan import Plan


class PendingApproval(BaseModel):
    """The approval a thread waits for: the interrupt payload, as the person sees it."""

    model_config = ConfigDict(frozen=True)

    interrupt_id: str
    plan: Plan
    plan_hash: str
    note: str | None = None


async def pending_approval(
    graph: CompiledStateGraph[Any, Any, Any, Any], config: RunnableConfig
) -> PendingApproval | None:
    """The thread's pending approval, or ``None`` when it waits for nothing."""
    return pending_in(await graph.aget_state(config))


def pending_in(state: StateSnapshot) -> PendingApproval | None:
    """The approval a state (from ``aget_state``) waits for, or ``None``."""
    for pending in state.interrupts:
        value = pending.value
        if isinstance(value, dict) and "plan" in value and "plan_hash" in value:
            return PendingApproval(
                interrupt_id=pending.id,
                plan=Plan.model_validate(value["plan"]),
                plan_hash=str(value["plan_hash"]),
                note=value.get("note"),
            )
    return None


def check_decision(pending: PendingApproval | None, decision: Decision) -> None:
    """Refuse a decision that does not answer ``pending`` exactly (``ApprovalConflict``, HTTP 409)."""
    if pending is None:
        raise ApprovalConflict(
            "this thread is not waiting for an approval, so the decision was not applied and nothing"
            " ran; fetch the thread to see what it is doing"
        )
    if decision.interrupt_id != pending.interrupt_id:
        raise ApprovalConflict(
            f"the decision answers approval {decision.interrupt_id!r}, but the pending approval is"
            f" {pending.interrupt_id!r}; nothing ran. Reload the plan and decide again"
        )
    if decision.plan_hash != pending.plan_hash:
        raise ApprovalConflict(
            f"the decision was made for plan {decision.plan_hash[:12]}…, but the pending plan is"
            f" {pending.plan_hash[:12]}…; nothing ran. Reload the plan and decide again"
        )
    known = set(pending.plan.step_ids)
    named = set(decision.steps or ()) | set(decision.edits or {})
    unknown = sorted(named - known)
    if unknown:
        raise ApprovalConflict(
            f"the decision names steps {', '.join(unknown)} that are not in the plan"
            f" (its steps: {', '.join(pending.plan.step_ids)}); nothing ran"
        )


def resume_command(decision: Decision) -> Command[Any]:
    """The command that resumes the thread with ``decision`` addressed to its interrupt."""
    return Command(resume={decision.interrupt_id: decision.model_dump(mode="json")})


_ANSWERING: ContextVar[PendingApproval | None] = ContextVar("binks_answering", default=None)


class PendingDecision(Decision):
    """A Decision that validates only as an answer to the approval being asked right now.

    Used as the interrupt's ``response_schema``: LangGraph validates the resume value
    *before* saving it, so a refused decision leaves the approval pending and answerable.
    The pending approval comes from :func:`answering` (a context variable, so the class
    and its schema are built once, not per approval).
    """

    @model_validator(mode="before")
    @classmethod
    def _unwrap(cls, value: Any) -> Any:
        # A resume map whose id matches no interrupt may arrive whole: {id: decision}.
        if isinstance(value, dict) and len(value) == 1:
            ((key, inner),) = value.items()
            if isinstance(inner, dict) and key not in Decision.model_fields:
                return inner
        return value

    @model_validator(mode="after")
    def _answers_pending(self) -> PendingDecision:
        check_decision(_ANSWERING.get(), self)
        return self


@contextmanager
def answering(pending: PendingApproval) -> Iterator[None]:
    """Validate :class:`PendingDecision` values against ``pending`` inside the block."""
    token = _ANSWERING.set(pending)
    try:
        yield
    finally:
        _ANSWERING.reset(token)
