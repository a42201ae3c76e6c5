"""A run started from a given tool call: the same plan, approval and checks, and no model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binks.errors import CommandRefused
from binks.graph.direct import direct_input
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import Harness, open_harness

SCALE = "kubectl scale deployment web --replicas=3 -n shop"


async def propose(h: Harness, command: str, thread_id: str = "t1") -> dict[str, Any]:
    h.thread_id = thread_id
    return await h.run(direct_input("scale for the load test", "run_kubectl", {"command": command}))


async def test_a_direct_change_waits_then_runs_exactly_as_approved_without_the_model(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    async with open_harness(tmp_path, [], toolbox) as h:
        await propose(h, SCALE)
        pending = await h.pending()
        assert pending.plan.steps[0].argv == ["scale", "deployment", "web", "--replicas=3", "-n", "shop"]
        assert pending.plan.steps[0].dry_run.ok
        assert toolbox.mutations == [], "nothing runs before the person says yes"

        state = await h.decide("approve")
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=3", "-n", "shop"]]
        assert (
            "s1 `kubectl scale deployment web --replicas=3 -n shop`: executed and verified"
            in (state["final_answer"])
        )
        assert h.model.received == [], "the model never ran in a direct run"
        assert h.names()[:3] == ["tool_call", "plan_proposed", "approval_required"]
        assert h.names()[-1] == "message"


async def test_a_rejected_direct_change_ends_with_the_reason_and_no_replan(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    async with open_harness(tmp_path, [], toolbox) as h:
        await propose(h, SCALE)
        state = await h.decide("reject", reason="not during the sale")
        assert toolbox.mutations == []
        assert "not run (rejected: not during the sale)" in state["final_answer"]
        assert h.model.received == []


async def test_the_persons_words_instead_of_a_yes_end_up_in_the_answer(tmp_path: Path) -> None:
    async with open_harness(tmp_path, [], FakeToolbox()) as h:
        await propose(h, SCALE)
        state = await h.decide("respond", reason="use 2 replicas instead")
        assert "The person answered instead of approving: use 2 replicas instead" in state["final_answer"]
        assert h.model.received == []


async def test_a_refused_or_failing_call_ends_with_why_and_never_reaches_a_person(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    async with open_harness(tmp_path, [], toolbox) as h:
        state = await propose(h, "kubectl get pods -n shop | grep web", thread_id="refused")
        assert "No plan was made for the proposed call: Refused: shell syntax" in state["final_answer"]
        state = await propose(h, "kubectl scale deployment nope --replicas=3 -n shop", thread_id="dry-run")
        assert "No plan was made for the proposed call:" in state["final_answer"]
        assert "dry-run" in state["final_answer"]
        for thread in ("refused", "dry-run"):
            h.thread_id = thread
            assert (await h.graph.aget_state(h.config)).interrupts == ()
        assert toolbox.mutations == [] and h.model.received == []


async def test_auto_approve_rules_apply_to_a_direct_change_as_to_any_other(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    async with open_harness(tmp_path, [], toolbox, auto_approve=["scale:shop"]) as h:
        state = await propose(h, SCALE)
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=3", "-n", "shop"]]
        assert "executed and verified" in state["final_answer"]
        decided = [e["data"] for e in h.events if e["event"] == "approval_decided"]
        assert decided == [
            {
                "action": "approve",
                "by": "policy",
                "rules": ["scale:shop"],
                "plan_hash": decided[0]["plan_hash"],
            }
        ]


async def test_a_later_task_on_the_thread_is_an_ordinary_model_task(tmp_path: Path) -> None:
    get = {"name": "run_kubectl", "args": {"command": "kubectl get deployment web -n shop"}}
    script = [{"tool_calls": [get]}, {"content": "web runs 3 replicas."}]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        await propose(h, SCALE)
        await h.decide("approve")
        state = await h.ask("how many replicas now?")
        assert state["final_answer"] == "web runs 3 replicas."
        assert len(h.model.received) == 2
        assert state["direct"] is False


VERBS = st.sampled_from(["scale", "delete", "patch", "label", "rollout", "frobnicate", "get", "describe"])
TAILS = st.sampled_from(
    ["deployment web -n shop", "deployment web --replicas=0 -n shop", "ns shop", "pods -n shop", "node pi-1"]
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    verb=VERBS, tail=TAILS, extra=st.sampled_from(["", " --context prod", " ; rm -rf /", " --dry-run=none"])
)
async def test_no_direct_call_changes_anything_before_a_decision(
    tmp_path_factory: Any, verb: str, tail: str, extra: str
) -> None:
    toolbox = FakeToolbox()
    async with open_harness(tmp_path_factory.mktemp("direct"), [], toolbox) as h:
        state = await propose(h, f"kubectl {verb} {tail}{extra}")
        assert toolbox.mutations == []
        assert h.model.received == []
        interrupts = (await h.graph.aget_state(h.config)).interrupts
        command = f"{verb} {tail}{extra}"
        try:
            mutating: bool | None = toolbox.assess("run_kubectl", {"command": command}).mutating
        except (CommandRefused, ValueError):
            mutating = None
        if interrupts:
            assert mutating, "only what the tools call a change waits for a person"
        else:
            assert state["final_answer"], "a call that was not proposed ends with the reason"
        if mutating is None:
            assert "No plan was made for the proposed call: Refused" in state["final_answer"]
        elif not mutating:
            assert not interrupts and "No plan was made for the proposed call" in state["final_answer"]
