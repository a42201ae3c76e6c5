"""``evals/everyday``: every task passes with its reference solution, and fails without one.

The reference solution (``solution.json`` beside each ``task.yaml``, ignored by k8s-ai-bench)
is what a good model answers, turn by turn. Run through the real server stack, real kubectl
and the in-memory API server, it proves each task is solvable as written: its setup works,
its verifier or expectations accept a right answer, its cleanup stays inside the task. It
also proves Binks' guards leave a good model alone: a solution that is asked again (a
nudge, a review, a repeat) runs out of answers and fails the task.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import BaseMessage, HumanMessage
from pydantic import Field

from binks.eval.runner import AgentRun, Approvals, RunOptions, run_task
from binks.eval.session import EvalRequest, evaluate
from binks.eval.tasks import Task, load_tasks
from binks.settings import load_settings
from binks.tools.locate import find_kubectl
from tests.fakes.chat_model import ScriptedChatModel, ScriptExhausted
from tests.fakes.kube_api import KubeApi
from tests.timing import generous

EVERYDAY = Path(__file__).resolve().parents[2] / "evals" / "everyday"
TASKS = load_tasks(EVERYDAY)


class Solutions(ScriptedChatModel):
    """Answers each task with its own solution, whatever order the tasks run in."""

    solutions: dict[str, list[dict[str, Any]]]
    positions: dict[str, int] = Field(default_factory=dict)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
        self.received.append(list(messages))
        prompt = str(next(m for m in messages if isinstance(m, HumanMessage)).content)
        steps = self.solutions[prompt]
        position = self.positions.get(prompt, 0)
        self.positions[prompt] = position + 1
        if position >= len(steps):
            raise ScriptExhausted(f"the solution of {prompt!r} has only {len(steps)} answers")
        return steps[position]


def _solutions(tasks: list[Task]) -> dict[str, list[dict[str, Any]]]:
    return {task.prompts[0]: json.loads((task.folder / "solution.json").read_text()) for task in tasks}


def test_the_set_covers_what_people_ask() -> None:
    assert len(TASKS) >= 30
    kinds = {"read": 0, "change": 0, "worker": 0, "refusal": 0}
    for task in TASKS:
        if task.binks.approvals == "reject" or (task.expect and task.binks.pass_rule == "all"):
            kinds["refusal"] += 1
        elif "ai-agents" in task.binks.namespaces:
            kinds["worker"] += 1
        elif task.binks.expect_mutation:
            kinds["change"] += 1
        else:
            kinds["read"] += 1
        assert task.verifier is not None or task.expect, f"{task.name} judges nothing"
    assert min(kinds.values()) >= 2, kinds


@pytest.mark.timeout(900)  # 33 tasks of real kubectl: about a minute on a quiet machine
async def test_every_task_passes_with_its_reference_solution(
    kube_api: KubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("BINKS_VERIFY_TIMEOUT_S", f"{generous(20):g}")
    model = Solutions(script=[], solutions=_solutions(TASKS))
    request = EvalRequest(tasks=TASKS, kubeconfig=kube_api.kubeconfig, parallel=3)
    results = await evaluate(request, load_settings(env_file=None), model=model)
    failed = {r.task: r.reasons for r in results if r.outcome != "pass"}
    assert not failed, failed
    unused = {
        prompt: len(steps) - model.positions.get(prompt, 0) for prompt, steps in model.solutions.items()
    }
    assert not any(unused.values()), f"solutions not used up: {unused}"
    assert sum(r.mutations_executed for r in results if r.approvals == "reject") == 0
    assert kube_api.get("namespaces", "kube-system") is not None


class Idle:
    """An agent that does nothing and says so."""

    async def run(self, prompts: list[str], *, approvals: Approvals) -> AgentRun:
        return AgentRun(answer="I did nothing.", thread_id="idle", turns=1)

    async def stopped(self) -> AgentRun | None:
        return None


@pytest.mark.parametrize("task", [t for t in TASKS if t.binks.expect_mutation], ids=lambda t: t.name)
async def test_a_change_task_fails_when_nothing_changes(kube_api: KubeApi, task: Task) -> None:
    options = RunOptions(kubeconfig=kube_api.kubeconfig, kubectl=find_kubectl(), script_timeout_s=60)
    result = await run_task(task, Idle(), options)
    assert result.outcome == "fail" and result.verifier_ok is False, result.reasons
