"""execute: run one approved step per invocation, crash-safe.

Each step is its own super-step, so a crash re-runs at most one step's node. Before a
step runs its intent is recorded, after it its result. On re-entry a step with an intent
but no result is never run blindly: the cluster is asked (``Toolbox.reconcile``) whether
it landed; ``applied`` is recorded as done, ``not_applied`` runs, ``unknown`` goes back to
the person as a new approval. The plan's hash is re-checked against the approved one.
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import RunnableConfig

from binks.graph.auditing import audit_change
from binks.graph.deps import ConfigNode, GraphDeps, run_of, thread_of
from binks.graph.events import emit
from binks.graph.plan import Plan, Step
from binks.graph.state import (
    AgentState,
    StepOutcome,
    dump,
    get_calls,
    get_outcomes,
    get_plan,
    intent_key,
    next_step_id,
)
from binks.tools.models import ChangeResult

APPLIED_BEFORE = "applied before Binks was interrupted (confirmed against the cluster); not run again"


def make_execute(deps: GraphDeps) -> ConfigNode:
    """The execute node bound to the toolbox and intent log in ``deps``."""

    async def execute(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        plan = get_plan(state)
        plan_hash = str(state.get("plan_hash"))
        step_id = next_step_id(state)
        if step_id is None:
            return {}
        outcomes = get_outcomes(state)
        calls = {call.step_id: call.call_id for call in get_calls(state)}
        step = plan.step(step_id)
        approved_hash = (state.get("decision") or {}).get("plan_hash")
        if plan.plan_hash() != plan_hash or approved_hash != plan_hash:
            refused = [
                _outcome(plan.step(sid), calls, "refused", detail="the plan differs from the approved one")
                for sid in state.get("approved") or []
                if sid not in {outcome.step_id for outcome in outcomes}
            ]
            return {"outcomes": dump(outcomes + refused)}

        thread_id = thread_of(config)
        attempts = dict(state.get("attempts") or {})
        attempt = attempts.get(step_id, 1)
        key = intent_key(step_id, attempt, state.get("plan_id"))
        change = step.to_change()
        emit("step_started", {"step_id": step_id, "description": step.describe(), "attempt": attempt})

        change_json = change.model_dump_json()
        record = await deps.intents.claim(thread_id, key, plan_hash, change_json, run_id=run_of(config))
        result: ChangeResult | None = None
        fresh = record is None
        audit_args: dict[str, Any] = {
            "thread_id": thread_id,
            "step_id": step_id,
            "attempt": attempt,
            "plan_hash": plan_hash,
            "change": change,
        }
        if record is not None and record.result is not None:
            result = ChangeResult.model_validate(record.result)
        elif record is not None:
            verdict = await deps.toolbox.reconcile(change)
            if verdict == "applied":
                result = ChangeResult(ok=True, output=APPLIED_BEFORE)
                await audit_change(deps, reconciled=True, **audit_args, result=result)
                await deps.intents.record_result(thread_id, key, plan_hash, result.model_dump_json())
            elif verdict == "unknown":
                return _ask_again(state, plan, step, calls, outcomes, attempts)
        if result is None:
            if not fresh:  # reconciled as not applied: record the new attempt before it runs
                await deps.intents.record_intent(thread_id, key, plan_hash, change_json)
            result = await deps.toolbox.execute(change)
            # Audit first: a crash between the two leaves an intent without a result, so the
            # resumed step is reconciled and audited again (flagged) rather than never audited.
            await audit_change(deps, **audit_args, result=result)
            await deps.intents.record_result(thread_id, key, plan_hash, result.model_dump_json())

        status = "executed" if result.ok else "failed"
        outcomes.append(_outcome(step, calls, status, result=result))
        emit(
            "step_finished",
            {"step_id": step_id, "ok": result.ok, "output": result.output, "error": result.error},
        )
        if not result.ok:
            done = {outcome.step_id for outcome in outcomes}
            outcomes.extend(
                _outcome(plan.step(sid), calls, "skipped", detail=f"step {step_id} failed before it")
                for sid in state.get("approved") or []
                if sid not in done
            )
        return {"outcomes": dump(outcomes)}

    return execute


def _outcome(
    step: Step, calls: dict[str, str], status: str, *, result: ChangeResult | None = None, detail: str = ""
) -> StepOutcome:
    return StepOutcome.model_validate(
        {
            "step_id": step.id,
            "call_id": calls.get(step.id, step.id),
            "description": step.describe(),
            "status": status,
            "change": step.to_change(),
            "result": result,
            "detail": detail,
        }
    )


def _ask_again(
    state: AgentState,
    plan: Plan,
    step: Step,
    calls: dict[str, str],
    outcomes: list[StepOutcome],
    attempts: dict[str, int],
) -> dict[str, Any]:
    """An uncertain step: ask the person again, with it and the steps that had not run yet."""
    done = {outcome.step_id for outcome in outcomes}
    remaining = [plan.step(sid) for sid in state.get("approved") or [] if sid not in done and sid != step.id]
    detail = "Binks was interrupted while running it and the cluster cannot tell whether it landed"
    outcomes.append(_outcome(step, calls, "uncertain", detail=detail))
    attempts[step.id] = attempts.get(step.id, 1) + 1
    again = Plan(
        steps=[step, *remaining],
        summary=f"Run {step.id} again? It may or may not have been applied: {step.describe()}",
    )
    note = (
        f"{detail}: {step.id} `{step.describe()}`. Check the cluster, then approve to run it again"
        " (with the steps that had not run yet), or reject to leave it."
    )
    return {
        "outcomes": dump(outcomes),
        "plan": again.model_dump(mode="json"),
        "plan_hash": again.plan_hash(),
        "note": note,
        "attempts": attempts,
        "decision": None,
        "approved": [],
    }
