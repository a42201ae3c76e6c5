"""Every answer a person can give: reject, a subset, edit, respond, and stale answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, ToolMessage
from langgraph.types import Command

from binks.errors import ApprovalConflict
from binks.graph.approval import check_decision, resume_command
from binks.graph.decision import Decision
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness


def kubectl(command: str) -> dict[str, Any]:
    return {"name": "run_kubectl", "args": {"command": command}}


SCALE3 = kubectl("kubectl scale deployment web --replicas=3 -n shop")
SCALE2 = kubectl("kubectl scale deployment web --replicas=2 -n shop")
DELETE_API = kubectl("kubectl delete deployment api -n shop")


def tool_results(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        json.loads(str(m.content))
        for m in state["messages"]
        if isinstance(m, ToolMessage) and str(m.content).startswith("{")
    ]


async def test_reject_sends_the_reason_back_and_the_model_may_replan(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [SCALE3]}, {"tool_calls": [SCALE2]}, {"content": "Scaled to 2 instead."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale web up")
        first = await h.pending()
        await h.decide("reject", reason="3 is too many, use 2")
        assert toolbox.mutations == []
        seen_by_model = h.model.received[1]
        rejection = json.loads(str(seen_by_model[-1].content))
        assert rejection["status"] == "rejected"
        assert rejection["detail"] == "3 is too many, use 2"
        second = await h.pending()
        assert second.interrupt_id != first.interrupt_id
        assert second.plan.steps[0].argv is not None and "--replicas=2" in second.plan.steps[0].argv
        state = await h.decide("approve")
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=2", "-n", "shop"]]
        assert (
            "s1 `kubectl scale deployment web --replicas=3 -n shop`: not run (rejected: 3 is too many"
            in (state["final_answer"])
        )
        assert "--replicas=2 -n shop`: executed and verified" in state["final_answer"]
        assert state["replans"] == 1


async def test_partial_approval_runs_only_the_chosen_steps(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    toolbox.deployments[("shop", "api")] = toolbox.deployments[("shop", "web")].__class__()
    script = [{"tool_calls": [SCALE3, DELETE_API]}, {"content": "Done."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale web and delete api")
        pending = await h.pending()
        assert pending.plan.step_ids == ["s1", "s2"]
        state = await h.decide("approve", steps=["s1"])
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=3", "-n", "shop"]]
        assert ("shop", "api") in toolbox.deployments
        results = {r["step"]: r for r in tool_results(state)}
        assert results["s1"]["status"] == "executed"
        assert results["s2"]["status"] == "not_approved"
        assert "s2 `kubectl delete deployment api -n shop`: not run (not approved" in state["final_answer"]


async def test_edit_is_dry_run_again_and_asked_again_before_it_runs(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [SCALE3]}, {"content": "Scaled."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale web to 3")
        first = await h.pending()
        edited = {"s1": {"command": "kubectl scale deployment web --replicas=5 -n shop"}}
        await h.decide("edit", edits=edited)
        assert toolbox.mutations == [], "an edited step is never executed unseen"
        second = await h.pending()
        assert second.plan_hash != first.plan_hash
        assert second.plan.steps[0].dry_run.diff == "-  replicas: 1\n+  replicas: 5"
        assert h.names().count("plan_proposed") == 2
        await h.decide("approve")
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=5", "-n", "shop"]]


async def test_respond_sends_free_text_to_the_model_and_runs_nothing(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [SCALE3]}, {"content": "OK, I will leave it."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale web to 3")
        state = await h.decide("respond", reason="wait until the sale is over")
        assert toolbox.mutations == []
        last_seen = h.model.received[-1]
        assert isinstance(last_seen[-1], HumanMessage)
        assert last_seen[-1].content == "wait until the sale is over"
        assert isinstance(last_seen[-2], ToolMessage)
        assert state["final_answer"].startswith("OK, I will leave it.")
        assert state.get("replans", 0) == 0  # a reply is no replan


async def test_stale_decisions_are_refused_and_nothing_runs(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [SCALE3]}, {"tool_calls": [SCALE2]}, {"content": "Done."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale web")
        first = await h.pending()
        await h.decide("reject", reason="no")
        current = await h.pending()
        stale = Decision(interrupt_id=first.interrupt_id, plan_hash=first.plan_hash, action="approve")
        with pytest.raises(ApprovalConflict, match="pending approval is"):
            check_decision(current, stale)
        wrong_hash = Decision(interrupt_id=current.interrupt_id, plan_hash=first.plan_hash, action="approve")
        with pytest.raises(ApprovalConflict, match="made for plan"):
            check_decision(current, wrong_hash)
        with pytest.raises(ApprovalConflict, match="not in the plan"):
            check_decision(
                current,
                Decision(
                    interrupt_id=current.interrupt_id,
                    plan_hash=current.plan_hash,
                    action="approve",
                    steps=["s7"],
                ),
            )
        with pytest.raises(ApprovalConflict, match="not waiting"):
            check_decision(None, stale)

        # Even if a caller skips the check, nothing runs and the approval stays pending:
        # an answer for another interrupt is not delivered (LangGraph asks again) ...
        await h.run(resume_command(stale))
        assert toolbox.mutations == []
        assert (await h.pending()).interrupt_id == current.interrupt_id
        # ... and one for another plan, or not a decision at all, is refused by the node.
        with pytest.raises(ApprovalConflict, match="made for plan"):
            await h.run(resume_command(wrong_hash))
        with pytest.raises(ApprovalConflict, match="not valid"):
            await h.run(Command(resume={"action": "approve"}))
        assert toolbox.mutations == []
        assert (await h.pending()).interrupt_id == current.interrupt_id

        state = await h.decide("approve")
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=2", "-n", "shop"]]
        assert "executed and verified" in state["final_answer"]


def test_decision_shape_is_validated() -> None:
    base = {"interrupt_id": "i", "plan_hash": "h"}
    with pytest.raises(ValueError, match="needs edits"):
        Decision.model_validate({**base, "action": "edit"})
    with pytest.raises(ValueError, match="only with action 'approve'"):
        Decision.model_validate({**base, "action": "reject", "steps": ["s1"]})
    with pytest.raises(ValueError, match="needs the answer"):
        Decision.model_validate({**base, "action": "respond"})
    with pytest.raises(ValueError):
        Decision.model_validate({**base, "action": "yolo"})
    assert Decision.model_validate({**base, "action": "approve", "steps": ["s1"]}).steps == ["s1"]
