"""The main path: a read, a proposed change, a person's yes, execution, verification, answer."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import HumanMessage, ToolMessage

from binks.checkpoints.db import SqliteDatabase
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness

SCALE: dict[str, Any] = {
    "name": "run_kubectl",
    "args": {"command": "kubectl scale deployment web --replicas=3 -n shop"},
}
GET: dict[str, Any] = {"name": "run_kubectl", "args": {"command": "kubectl get deployment web -n shop"}}


async def test_read_only_task_answers_without_approval(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script: list[dict[str, Any]] = [{"tool_calls": [GET]}, {"content": "web runs 1 replica."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("how many replicas does web have?")
        assert state["final_answer"] == "web runs 1 replica."
        assert toolbox.mutations == []
        snapshot = await h.graph.aget_state(h.config)
        assert snapshot.next == () and snapshot.interrupts == (), "the thread ended; nothing waits"
        tool_results = [m for m in state["messages"] if isinstance(m, ToolMessage)]
        assert "replicas=1" in str(tool_results[0].content)
        assert h.names() == ["tool_call", "tool_result", "message"]
        assert "".join(h.tokens).strip().endswith("web runs 1 replica.")
    async with open_harness(tmp_path, [], toolbox) as reopened:  # the answer is on disk
        stored = await reopened.graph.aget_state(reopened.config)
        assert stored.values["final_answer"] == "web runs 1 replica."


async def test_a_run_nobody_listens_to_runs_the_same(tmp_path: Path) -> None:
    """Events go to the run's sink; a run started without one (LangGraph's own API) loses only them."""
    script: list[dict[str, Any]] = [{"tool_calls": [GET]}, {"content": "web runs 1 replica."}]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        task = {"messages": [HumanMessage("how many replicas does web have?")]}
        state = await h.graph.ainvoke(task, {"configurable": {"thread_id": "unheard"}})
        assert state["final_answer"] == "web runs 1 replica."
        assert h.events == []


async def test_approved_change_runs_once_and_is_verified(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script: list[dict[str, Any]] = [{"tool_calls": [GET, SCALE]}, {"content": "Scaled web to 3."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("scale web to 3")
        pending = await h.pending()
        assert [step.id for step in pending.plan.steps] == ["s1"]
        assert pending.plan.steps[0].argv == ["scale", "deployment", "web", "--replicas=3", "-n", "shop"]
        assert pending.plan_hash == pending.plan.plan_hash()
        assert toolbox.mutations == [], "nothing runs before the person says yes"
        assert not state.get("final_answer")
        required = [e for e in h.events if e["event"] == "approval_required"]
        assert required[0]["data"]["interrupt_id"] == pending.interrupt_id

        state = await h.decide("approve")
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=3", "-n", "shop"]]
        assert toolbox.deployments[("shop", "web")].replicas == 3
        assert "Scaled web to 3." in state["final_answer"]
        assert (
            "s1 `kubectl scale deployment web --replicas=3 -n shop`: executed and verified"
            in state["final_answer"]
        )
        assert h.names().count("approval_required") == 1
        assert h.names() == [
            "tool_call",
            "tool_result",
            "tool_call",
            "plan_proposed",
            "approval_required",
            "approval_decided",
            "step_started",
            "step_finished",
            "verified",
            "message",
        ]
        snapshot = await h.graph.aget_state(h.config)
        assert snapshot.next == () and snapshot.interrupts == ()


async def test_the_log_is_flushed_while_the_person_decides_and_not_again_on_the_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's checkpoints go to disk while Binks waits.

    Execute's durable intent, after the decision, then waits only for what was written since.
    """
    asked: list[int] = []
    flush_ahead = SqliteDatabase.flush_ahead

    def counted(self: SqliteDatabase) -> Future[None] | None:
        asked.append(len(asked))
        return flush_ahead(self)

    monkeypatch.setattr(SqliteDatabase, "flush_ahead", counted)
    toolbox = FakeToolbox()
    async with open_harness(tmp_path, [{"tool_calls": [SCALE]}, {"content": "Scaled."}], toolbox) as h:
        await h.ask("scale web to 3")
        assert asked == [0]
        state = await h.decide("approve")
        assert asked == [0]
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=3", "-n", "shop"]]
        assert "executed and verified" in state["final_answer"]
