"""approve: the person decides (or an explicit, scoped policy does).

Nothing with side effects happens here before ``interrupt()``: LangGraph runs the code
before it again on resume. The resume value is validated against the pending approval
(interrupt id, plan hash, step ids) before LangGraph saves it, so a decision for another
plan raises :class:`ApprovalConflict` and the approval stays pending. A resume addressed
to another interrupt id never reaches this node at all: LangGraph asks again, and the
server's :func:`~binks.graph.approval.check_decision` is what turns it into a 409.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.types import Interrupt, interrupt
from pydantic import ValidationError

from binks.errors import ApprovalConflict
from binks.graph.approval import PendingApproval, PendingDecision, answering
from binks.graph.auditing import audit_policy_approval
from binks.graph.decision import Decision
from binks.graph.deps import ConfigNode, GraphDeps, thread_of
from binks.graph.events import emit
from binks.graph.plan import Plan
from binks.graph.policy import policy_rules
from binks.graph.state import AgentState, PendingCall, StepOutcome, dump, get_calls, get_outcomes, get_plan
from binks.graph.stops import replan_update
from binks.settings import Settings

_SCRATCHPAD = "__pregel_scratchpad"


def make_approve(deps: GraphDeps) -> ConfigNode:
    """The approve node, using the auto-approve policy of ``deps.settings``."""

    async def approve(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        plan = get_plan(state)
        plan_hash = str(state.get("plan_hash"))
        rules = policy_rules(state, plan, deps.settings)
        if rules is not None:
            decision = Decision(interrupt_id="policy", plan_hash=plan_hash, action="approve")
            await audit_policy_approval(deps, thread_id=thread_of(config), plan_hash=plan_hash, rules=rules)
            emit(
                "approval_decided",
                {"action": "approve", "by": "policy", "rules": rules, "plan_hash": plan_hash},
            )
            return apply_decision(state, plan, decision, deps.settings)
        namespace = str(config["configurable"].get("checkpoint_ns", ""))
        pending = PendingApproval(
            interrupt_id=Interrupt.from_ns(None, namespace).id,
            plan=plan,
            plan_hash=plan_hash,
            note=state.get("note"),
        )
        # Resumed, the node only takes the answer: the question is built to be asked.
        payload = None if _resuming(config) else pending.model_dump(mode="json")
        if payload is not None:
            deps.intents.database.flush_ahead()  # the intent after the decision waits for less
            emit("approval_required", payload)
        try:
            with answering(pending):
                decision = _answer(config, payload)
        except ValidationError as exc:
            raise ApprovalConflict(
                f"the decision is not valid for this approval, nothing ran: {exc}"
            ) from exc
        emit("approval_decided", {"by": "person", **decision.model_dump(mode="json")})
        return apply_decision(state, plan, decision, deps.settings)

    return approve


def _answer(config: RunnableConfig, payload: dict[str, Any] | None) -> Decision:
    """Ask (or take the answer), validating the answer before LangGraph saves it.

    With the answer already in the task's scratchpad it is validated first and only then
    taken with a plain ``interrupt()``; this skips the JSON schema LangGraph would build
    for ``response_schema`` on every approval (≈ 2 ms). Without a scratchpad (an internal
    that moved), ``response_schema`` does the same validation, just slower.
    """
    scratchpad = config["configurable"].get(_SCRATCHPAD)
    if scratchpad is None or not hasattr(scratchpad, "resume"):
        answer = interrupt(payload, response_schema=PendingDecision)
    else:
        waiting = scratchpad.resume[0] if scratchpad.resume else scratchpad.get_null_resume(False)
        if waiting is not None:
            PendingDecision.model_validate(waiting)
        answer = PendingDecision.model_validate(interrupt(payload))
    return Decision.model_validate(answer.model_dump())


def _resuming(config: RunnableConfig) -> bool:
    """True when this run of the node carries the answer (so the question was already asked).

    Reads LangGraph's per-task scratchpad; if that internal changes, the worst case is a
    repeated ``approval_required`` event, which a test catches.
    """
    scratchpad = config["configurable"].get(_SCRATCHPAD)
    if scratchpad is None:
        return False
    return bool(scratchpad.resume) or scratchpad.get_null_resume(False) is not None


def apply_decision(state: AgentState, plan: Plan, decision: Decision, settings: Settings) -> dict[str, Any]:
    """The state update a decision makes: what runs, what is re-proposed, what goes back."""
    outcomes = get_outcomes(state)
    calls = {call.step_id: call for call in get_calls(state)}
    done = {outcome.step_id for outcome in outcomes if outcome.status != "uncertain"}
    open_steps = [step for step in plan.steps if step.id not in done]
    update: dict[str, Any] = {"decision": decision.model_dump(mode="json"), "note": None}

    def closed(step_id: str, status: str, detail: str) -> StepOutcome:
        step = plan.step(step_id)
        return StepOutcome.model_validate(
            {
                "step_id": step_id,
                "call_id": calls[step_id].call_id if step_id in calls else step_id,
                "description": step.describe(),
                "status": status,
                "change": step.to_change(),
                "detail": detail,
            }
        )

    kept = [outcome for outcome in outcomes if outcome.status != "uncertain"]
    uncertain = {outcome.step_id: outcome for outcome in outcomes if outcome.status == "uncertain"}
    if decision.action == "approve":
        chosen = set(decision.steps or plan.step_ids)
        update["approved"] = [step.id for step in open_steps if step.id in chosen]
        for step in open_steps:
            if step.id not in chosen:
                kept.append(
                    uncertain.get(step.id) or closed(step.id, "not_approved", "left out by the person")
                )
        update["outcomes"] = dump(kept)
    elif decision.action == "edit":
        edits = decision.edits or {}
        update["calls"] = dump(
            [
                PendingCall(
                    step_id=step.id,
                    call_id=calls[step.id].call_id if step.id in calls else step.id,
                    name=step.tool,
                    args=edits.get(step.id, step.args),
                )
                for step in open_steps
            ]
        )
        update["outcomes"] = dump(kept)
    else:
        reason = decision.reason.strip()
        status = "rejected" if decision.action == "reject" else "not_approved"
        detail = reason if decision.action == "reject" else "the person answered instead"
        for step in open_steps:
            kept.append(uncertain.get(step.id) or closed(step.id, status, detail))
        update["outcomes"] = dump(kept)
        update["approved"] = []
        if decision.action == "reject":
            update.update(replan_update(state, settings))
        else:
            update["feedback"] = reason
    return update
