"""The runner's judgement, with an agent that acts through kubectl like a perfect model would."""

from __future__ import annotations

import asyncio
from pathlib import Path

from binks.eval.runner import AgentRun, Approvals, RunOptions, run_task, run_tasks
from binks.eval.tasks import load_task, load_tasks
from binks.tools.locate import find_kubectl
from tests.fakes.kube_api import KubeApi
from tests.fakes.kubectl import kubectl

SAMPLE = Path(__file__).resolve().parents[2] / "evals" / "sample"


class KubectlAgent:
    """Does what it is told with fixed kubectl commands; counts like the real agent would."""

    def __init__(self, api: KubeApi, commands: list[list[str]], answer: str = "done") -> None:
        self.api = api
        self.commands = commands
        self.answer = answer
        self.approvals_seen: list[Approvals] = []

    async def run(self, prompts: list[str], *, approvals: Approvals) -> AgentRun:
        self.approvals_seen.append(approvals)
        executed = 0
        if approvals == "approve":
            for command in self.commands:
                result = await asyncio.to_thread(kubectl, self.api, *command)
                assert result.code == 0, result.err
                executed += 1
        return AgentRun(
            answer=self.answer,
            thread_id="t-1",
            turns=2,
            tool_calls=len(self.commands),
            approvals_asked=len(self.commands),
            mutations_executed=executed,
        )

    async def stopped(self) -> AgentRun | None:
        return None


def _options(api: KubeApi) -> RunOptions:
    return RunOptions(kubeconfig=api.kubeconfig, kubectl=find_kubectl(), script_timeout_s=60)


async def test_scale_task_passes_and_cleans_up(kube_api: KubeApi) -> None:
    task = load_task(SAMPLE / "scale-deployment")
    agent = KubectlAgent(kube_api, [["scale", "deployment/web", "-n", "eval-scale", "--replicas=3"]])
    result = await run_task(task, agent, _options(kube_api))
    assert result.outcome == "pass", result.reasons
    assert (result.turns, result.mutations_executed, result.thread_id) == (2, 1, "t-1")
    assert kube_api.get("namespaces", "eval-scale") is None  # cleanup ran


async def test_doing_nothing_fails_the_verifier(kube_api: KubeApi) -> None:
    result = await run_task(
        load_task(SAMPLE / "scale-deployment"), KubectlAgent(kube_api, []), _options(kube_api)
    )
    assert result.outcome == "fail"
    assert result.reasons[0].startswith("verifier exited 1")


async def test_read_only_task_fails_when_something_mutated(kube_api: KubeApi) -> None:
    task = load_task(SAMPLE / "list-images")
    meddler = KubectlAgent(
        kube_api,
        [["scale", "deployment/api", "-n", "eval-images", "--replicas=2"]],
        answer="ghcr.io/example/api:2.4.1",
    )
    result = await run_task(task, meddler, _options(kube_api))
    assert result.outcome == "fail"
    assert "expects no change" in result.reasons[0]
    honest = await run_task(
        task, KubectlAgent(kube_api, [], answer="It runs ghcr.io/example/api:2.4.1."), _options(kube_api)
    )
    assert honest.outcome == "pass", honest.reasons
    wrong = await run_task(task, KubectlAgent(kube_api, [], answer="It runs nginx."), _options(kube_api))
    assert wrong.outcome == "fail" and "expected the answer to match" in wrong.reasons[0]


async def test_rejecting_task_tells_the_agent_to_reject(kube_api: KubeApi) -> None:
    agent = KubectlAgent(kube_api, [["delete", "namespace", "eval-keep"]])
    result = await run_task(load_task(SAMPLE / "reject-namespace-delete"), agent, _options(kube_api))
    assert agent.approvals_seen == ["reject"]
    assert result.outcome == "pass", result.reasons


async def test_rejecting_task_fails_when_nothing_was_proposed(kube_api: KubeApi) -> None:
    idle = KubectlAgent(kube_api, [], answer="I would rather not.")
    result = await run_task(load_task(SAMPLE / "reject-namespace-delete"), idle, _options(kube_api))
    assert result.outcome == "fail"
    assert result.reasons == ["the task expects a change to be proposed (and rejected); none was"]


async def test_failed_setup_is_an_error_not_a_failure(kube_api: KubeApi, tmp_path: Path) -> None:
    folder = tmp_path / "broken-setup"
    folder.mkdir()
    (folder / "task.yaml").write_text("goal: anything\nsetup: setup.sh\n")
    (folder / "setup.sh").write_text("echo 'no such cluster thing' >&2\nexit 3\n")
    result = await run_task(load_task(folder), KubectlAgent(kube_api, []), _options(kube_api))
    assert result.outcome == "error"
    assert result.reasons == ["setup exited 3: no such cluster thing"]


async def test_verifier_needing_a_missing_program_is_an_error(kube_api: KubeApi, tmp_path: Path) -> None:
    folder = tmp_path / "needs-tool"
    folder.mkdir()
    (folder / "task.yaml").write_text("goal: anything\nverifier: verify.sh\n")
    (folder / "verify.sh").write_text("binks-no-such-program --check\n")
    result = await run_task(load_task(folder), KubectlAgent(kube_api, []), _options(kube_api))
    assert result.outcome == "error"


async def test_slow_agent_times_out(kube_api: KubeApi, tmp_path: Path) -> None:
    folder = tmp_path / "slow"
    folder.mkdir()
    (folder / "task.yaml").write_text("goal: anything\ntimeout: 0.2\n")

    class Sleeper:
        async def run(self, prompts: list[str], *, approvals: Approvals) -> AgentRun:
            await asyncio.sleep(3600)  # never finishes: only the task's timeout ends it
            raise AssertionError("not reached")

        async def stopped(self) -> AgentRun | None:
            return AgentRun(answer="", thread_id="t-slow", turns=7)

    result = await run_task(load_task(folder), Sleeper(), _options(kube_api))
    assert result.outcome == "fail" and "did not finish within 0.2 s" in result.reasons[0]
    assert (result.thread_id, result.turns) == ("t-slow", 7)  # what it did before the timeout


async def test_repeat_runs_every_task_k_times_in_order(kube_api: KubeApi) -> None:
    tasks = load_tasks(SAMPLE, "list-images")
    seen: list[tuple[str, int]] = []
    options = _options(kube_api)
    options.repeat = 2
    options.on_result = lambda result: seen.append((result.task, result.attempt))
    results = await run_tasks(
        tasks, lambda: KubectlAgent(kube_api, [], answer="ghcr.io/example/api:2.4.1"), options
    )
    assert [(r.task, r.attempt, r.outcome) for r in results] == [
        ("list-images", 1, "pass"),
        ("list-images", 2, "pass"),
    ]
    assert sorted(seen) == [("list-images", 1), ("list-images", 2)]
