"""propose: the turn's mutating calls become one plan, each step dry-run by the API server.

A step the tools refuse, whose server-side dry-run fails, or that is destructive in a
protected namespace (seen from the objects the dry-run touches) never reaches a person:
the reasons go back to the model (a failed plan counts toward ``max_replans``).
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.messages import ToolMessage
from langchain_core.runnables import RunnableConfig

from binks.errors import ClusterError, CommandRefused
from binks.graph.deps import ConfigNode, GraphDeps, thread_of
from binks.graph.events import emit
from binks.graph.plan import Plan, Step, summarize
from binks.graph.policy import protected_refusal
from binks.graph.prompts import tool_result_text
from binks.graph.state import AgentState, get_calls
from binks.graph.stops import replan_update
from binks.tools.models import ProposedChange

NO_CHANGE = (
    "not proposed: the dry-run shows this call changes nothing, so it cannot be what was asked"
    " (if the object already is as asked, say so; else make the call that does the change, with"
    " run_kubectl for anything the typed tools do not cover). The dry-run: "
)


_BEFORE_ONLY = frozenset({"rollout undo"})
"""Changes whose dry-run prints the object as it is now, not as it would be: kubectl's
``rollout undo --dry-run=server`` patches on the server but prints the live Deployment."""


def changes_nothing(change: ProposedChange) -> bool:
    """Whether the server's dry-run shows every object the change touches left as it is.

    A small model reaches for the nearest-sounding tool: asked to add a label, it scaled the
    deployment to the replica count it already had. Such a step would be shown to a person,
    approved, "executed and verified", and reported as done. A change that changes nothing
    is never what was asked, so it goes back to the model instead of to a person.
    """
    dry_run = change.dry_run
    return (
        dry_run.ok
        and dry_run.supported
        and change.verb not in _BEFORE_ONLY
        and bool(dry_run.objects)
        and all(obj.action == "unchanged" for obj in dry_run.objects)
    )


def make_propose(deps: GraphDeps) -> ConfigNode:
    """The propose node bound to the toolbox in ``deps``."""

    async def propose(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        calls = get_calls(state)
        steps: list[Step] = []
        errors: dict[str, str] = {}
        for call in calls:
            try:
                change = await deps.toolbox.propose(
                    call.name, call.args, thread_id=thread_of(config), step_id=call.step_id
                )
            except (CommandRefused, ValueError, ClusterError) as exc:
                errors[call.step_id] = f"could not prepare the change: {exc}"
                continue
            objects = change.dry_run.objects
            where = [
                change.namespace,
                *(obj.namespace for obj in objects),
                *(obj.name for obj in objects if obj.kind == "Namespace"),  # deleting the namespace itself
            ]
            refusal = protected_refusal(change.verb, change.risk, where, deps.settings)
            if refusal:
                errors[call.step_id] = refusal
                emit(
                    "tool_result",
                    {
                        "id": call.call_id,
                        "name": call.name,
                        "ok": False,
                        "output": refusal,
                        "refused_by": "protected_namespace",
                    },
                )
            elif not change.dry_run.ok:
                message = change.dry_run.message
                prefix = "the API server rejected the dry-run: "
                errors[call.step_id] = message if message.startswith(prefix) else prefix + message
            elif changes_nothing(change):
                errors[call.step_id] = NO_CHANGE + change.dry_run.message
            steps.append(Step.from_change(call.step_id, change))
        if errors:
            first = next(iter(errors))
            for call in calls:  # the person sees why no plan came, not only the model
                reason = errors.get(call.step_id, f"not proposed because step {first} failed")
                emit("tool_result", {"id": call.call_id, "name": call.name, "ok": False, "output": reason})
            answers = [
                ToolMessage(
                    content=tool_result_text(
                        {
                            "step": call.step_id,
                            "status": "not proposed",
                            "error": errors.get(call.step_id, f"not proposed because step {first} failed"),
                        }
                    ),
                    tool_call_id=call.call_id,
                    name=call.name,
                    status="error",
                )
                for call in calls
            ]
            return {"messages": answers, "calls": [], "plan": None, **replan_update(state, deps.settings)}
        plan = Plan(steps=steps, summary=summarize(steps))
        plan_hash = plan.plan_hash()
        dumped = plan.model_dump(mode="json")  # the event gets a redacted copy (emit)
        emit("plan_proposed", {"plan": dumped, "plan_hash": plan_hash})
        return {
            "plan": dumped,
            "plan_hash": plan_hash,
            "plan_id": uuid.uuid4().hex[:16],
            "decision": None,
            "approved": [],
        }

    return propose
