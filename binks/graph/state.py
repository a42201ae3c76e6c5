"""The graph's state: the conversation plus the plan being decided and what it did.

Everything except ``messages`` is plain JSON (pydantic models dumped with
``mode="json"``), so checkpoints, interrupt payloads and the server's view of a thread
never depend on pickled Python objects. The helpers below read it back as models.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from pydantic import BaseModel

from binks.graph.plan import Plan
from binks.tools.models import ChangeResult, ProposedChange, Verification

StepStatus = Literal["executed", "failed", "skipped", "not_approved", "rejected", "uncertain", "refused"]


class PendingCall(BaseModel):
    """A mutating tool call of the model waiting to become plan step ``step_id``."""

    step_id: str
    call_id: str
    name: str
    args: dict[str, Any]


class StepOutcome(BaseModel):
    """What happened to one step of the current plan: the record the final answer is built from."""

    step_id: str
    call_id: str
    description: str
    status: StepStatus
    change: ProposedChange | None = None
    result: ChangeResult | None = None
    detail: str = ""
    verification: Verification | None = None

    def line(self) -> str:
        """One line for the final answer: the step, what happened, and the check's verdict."""
        text = f"{self.step_id} `{self.description}`: "
        if self.status == "executed":
            if self.verification is None:
                text += "executed, not verified"
            elif self.verification.ok:
                text += f"executed and verified ({self.verification.check})"
            else:
                detail = f": {self.verification.detail}" if self.verification.detail else ""
                text += f"executed, but verification FAILED ({self.verification.check}{detail})"
        elif self.status == "failed":
            error = (self.result.error or self.result.output) if self.result else self.detail
            text += f"FAILED: {error or self.detail}"
        elif self.status == "uncertain":
            text += f"UNCERTAIN, may or may not have been applied: {self.detail}"
        else:
            text += f"not run ({self.status.replace('_', ' ')}{': ' + self.detail if self.detail else ''})"
        return text


class AgentState(TypedDict, total=False):
    """LangGraph state of one thread."""

    messages: Annotated[list[AnyMessage], add_messages]
    run_key: str
    """Id of the person's message the counters below belong to (reset on a new task)."""
    turns: int
    replans: int
    calls: list[dict[str, Any]]
    """PendingCall: the mutating calls of this turn, by step id."""
    plan: dict[str, Any] | None
    plan_hash: str | None
    plan_id: str | None
    """A fresh id per proposed plan, part of the intent key: the records of an earlier,
    identical plan in the thread (same steps, same hash) never stand in for this one."""
    note: str | None
    """Shown with the approval: why the plan is asked again (an uncertain step)."""
    decision: dict[str, Any] | None
    approved: list[str]
    attempts: dict[str, int]
    """Step id -> attempt number; a re-approved uncertain step runs under a new intent key."""
    outcomes: list[dict[str, Any]]
    """StepOutcome of the current plan."""
    history: list[dict[str, Any]]
    """StepOutcome of every finished plan of this task, for the final answer."""
    feedback: str | None
    failures: dict[str, dict[str, Any]]
    """Call key -> CallFailures (binks.graph.repeats): failing calls of this task, for loop detection."""
    context: str | None
    """The cluster context line of this task's system prompt (read once per task)."""
    seen: dict[str, dict[str, Any]]
    """Call key -> SeenCall (binks.graph.loops): successful reads of this task since the last change."""
    repeats: int
    """Identical successful calls the model made again in this task (not run)."""
    final_only: str | None
    """Why the next model turn must be the final answer, asked with no tools bound."""
    closing_note: str | None
    """Said at the end of the final answer: why it was asked early, what was not checked."""
    retries: dict[str, int]
    """Re-asks used in this task, by kind (``recover``: after an error; ``answer``: answer check)."""
    stop_reason: str | None
    final_answer: str
    direct: bool
    """The task started from a given tool call (:mod:`binks.graph.direct`): the model never runs in it."""


def get_plan(state: AgentState) -> Plan:
    """The current plan; ``ValueError`` when there is none (a routing bug, never the person's)."""
    raw = state.get("plan")
    if raw is None:
        raise ValueError("the graph reached a plan step without a plan")
    return Plan.model_validate(raw)


def get_outcomes(state: AgentState, key: Literal["outcomes", "history"] = "outcomes") -> list[StepOutcome]:
    """The step outcomes of the current plan (or of the whole task with ``history``)."""
    return [StepOutcome.model_validate(raw) for raw in state.get(key) or []]


def get_calls(state: AgentState) -> list[PendingCall]:
    """The mutating calls waiting to be proposed."""
    return [PendingCall.model_validate(raw) for raw in state.get("calls") or []]


def dump(models: list[StepOutcome] | list[PendingCall]) -> list[dict[str, Any]]:
    """Models as JSON-ready dicts for the state."""
    return [model.model_dump(mode="json") for model in models]


def next_step_id(state: AgentState) -> str | None:
    """The first approved step that has no outcome yet."""
    done = {outcome.step_id for outcome in get_outcomes(state)}
    return next((step_id for step_id in state.get("approved") or [] if step_id not in done), None)


def intent_key(step_id: str, attempt: int, plan_id: str | None = None) -> str:
    """The key under which execute records a step's intent and result.

    Each proposed plan (``plan_id``) and each re-approved attempt of an uncertain step gets
    its own key; a crash and resume keep the plan id, so they find the earlier record.
    """
    key = step_id if attempt <= 1 else f"{step_id}#{attempt}"
    return f"{plan_id}/{key}" if plan_id else key
