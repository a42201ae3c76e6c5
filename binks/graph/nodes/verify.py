"""verify: deterministic checks of what ran, then the results go back to the model as data.

This node also closes the plan: every mutating call of the turn gets its answer (executed
and verified, failed, rejected, not approved), the outcomes move to the task's history
(the final answer is built from it), and a failed plan counts toward ``max_replans``.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage

from binks.errors import ClusterError
from binks.graph.deps import GraphDeps, Node
from binks.graph.events import emit
from binks.graph.nodes.agent import FEEDBACK_PREFIX
from binks.graph.prompts import tool_result_text
from binks.graph.state import AgentState, StepOutcome, dump, get_calls, get_outcomes
from binks.graph.stops import replan_update
from binks.tools.models import Verification


def make_verify(deps: GraphDeps) -> Node:
    """The verify node bound to the toolbox in ``deps``."""

    async def verify(state: AgentState) -> dict[str, Any]:
        outcomes = get_outcomes(state)
        for outcome in outcomes:
            if outcome.status != "executed" or outcome.verification is not None:
                continue
            if outcome.change is None or outcome.result is None:
                continue
            try:
                outcome.verification = await deps.toolbox.verify(outcome.change, outcome.result)
            except ClusterError as exc:
                outcome.verification = Verification(
                    ok=False, check="the check could not run", detail=str(exc)
                )
            emit("verified", {"step_id": outcome.step_id, **outcome.verification.model_dump(mode="json")})

        by_call = {outcome.call_id: outcome for outcome in outcomes}
        messages: list[BaseMessage] = []
        for call in get_calls(state):
            found = by_call.get(call.call_id)
            data = _result_data(found) if found else {"step": call.step_id, "status": "not run"}
            ok = (
                found is not None
                and found.status == "executed"
                and bool(found.verification and found.verification.ok)
            )
            messages.append(
                ToolMessage(
                    content=tool_result_text(data),
                    tool_call_id=call.call_id,
                    name=call.name,
                    status="success" if ok else "error",
                )
            )
        feedback = state.get("feedback")
        if feedback:
            messages.append(HumanMessage(content=feedback, id=f"{FEEDBACK_PREFIX}{uuid.uuid4().hex}"))
        update: dict[str, Any] = {
            "messages": messages,
            "history": [*(state.get("history") or []), *dump(outcomes)],
            "outcomes": [],
            "calls": [],
            "plan": None,
            "plan_hash": None,
            "decision": None,
            "approved": [],
            "note": None,
            "feedback": None,
            "attempts": {},
        }
        if any(outcome.status == "executed" for outcome in outcomes):
            update["seen"] = {}  # a change can change any read's answer: reads may run again
        if any(_failed(outcome) for outcome in outcomes):
            update.update(replan_update(state, deps.settings))
        return update

    return verify


def _failed(outcome: StepOutcome) -> bool:
    if outcome.status in ("failed", "refused", "uncertain"):
        return True
    return outcome.status == "executed" and outcome.verification is not None and not outcome.verification.ok


def _result_data(outcome: StepOutcome) -> dict[str, Any]:
    data: dict[str, Any] = {"step": outcome.step_id, "command": outcome.description, "status": outcome.status}
    if outcome.result is not None:
        data["ok"] = outcome.result.ok
        data["output"] = outcome.result.output
        if outcome.result.error:
            data["error"] = outcome.result.error
    if outcome.detail:
        data["detail"] = outcome.detail
    if outcome.verification is not None:
        data["verified"] = outcome.verification.model_dump(mode="json")
    return data
