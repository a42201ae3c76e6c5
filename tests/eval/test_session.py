"""`binks eval evals/sample` end to end: the real server stack, real kubectl, a scripted model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from binks.cli import main
from binks.eval.agent import ServerAgent, open_services
from binks.eval.runner import RunOptions, run_task
from binks.eval.session import EvalRequest, evaluate
from binks.eval.tasks import load_tasks
from binks.settings import load_settings
from binks.tools.locate import find_kubectl
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.kube_api import KubeApi
from tests.fakes.ollama import FakeOllama, serve_fake_ollama
from tests.timing import generous

SAMPLE = Path(__file__).resolve().parents[2] / "evals" / "sample"


def _kubectl(command: str) -> dict[str, Any]:
    return {"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]}


# What a good model does on each sample task, in the runner's order (tasks sorted by name).
SCRIPT: list[dict[str, Any]] = [
    # fix-image: look, then fix the image (approved), then answer
    _kubectl("kubectl get pods -n eval-fix"),
    _kubectl("kubectl set image deployment/shop shop=nginx:1.27 -n eval-fix"),
    {"content": "The image tag was wrong; shop now runs nginx:1.27 and is rolled out."},
    # list-images: a read, then the answer citing it
    _kubectl("kubectl get deployment api -n eval-images -o wide"),
    {"content": "The deployment api runs ghcr.io/example/api:2.4.1."},
    # reject-namespace-delete: propose the delete (rejected), then accept the no
    _kubectl("kubectl delete namespace eval-keep"),
    {"content": "Understood, eval-keep stays."},
    # scale-deployment: scale (approved), then answer
    _kubectl("kubectl scale deployment web -n eval-scale --replicas=3"),
    {"content": "web now has 3 replicas."},
]


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("BINKS_VERIFY_TIMEOUT_S", f"{generous(20):g}")
    return load_settings(env_file=None)


@pytest.mark.slow
async def test_sample_tasks_pass_with_a_good_model(kube_api: KubeApi, settings: Any, tmp_path: Path) -> None:
    model = ScriptedChatModel.from_script(SCRIPT)
    request = EvalRequest(
        tasks=load_tasks(SAMPLE), kubeconfig=kube_api.kubeconfig, output=tmp_path / "r.jsonl"
    )
    results = await evaluate(request, settings, model=model)
    by_task = {result.task: result for result in results}
    assert {name: result.outcome for name, result in by_task.items()} == {
        "fix-image": "pass",
        "list-images": "pass",
        "reject-namespace-delete": "pass",
        "scale-deployment": "pass",
    }, [result.reasons for result in results]
    assert model.remaining == 0
    assert by_task["scale-deployment"].approvals_asked == 1
    assert by_task["scale-deployment"].mutations_executed == 1
    assert by_task["reject-namespace-delete"].mutations_executed == 0
    assert by_task["list-images"].approvals_asked == 0
    assert by_task["fix-image"].turns == 3 and by_task["fix-image"].tool_calls == 2
    # every mutation the cluster saw is one that was approved: the two changes, plus setup/cleanup
    changed = {(r.verb, r.resource, r.namespace) for r in kube_api.mutations() if r.resource == "deployments"}
    assert ("patch", "deployments", "eval-fix") in changed
    assert kube_api.get("namespaces", "eval-keep") is None  # the task's own cleanup removed it
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [line["task"] for line in lines] == sorted(by_task)
    assert all(line["thread_id"] for line in lines)


async def test_a_model_that_does_nothing_fails_the_change_tasks(kube_api: KubeApi, settings: Any) -> None:
    # Two answers: Binks nudges a model that explains a command instead of running it, once.
    lazy = ScriptedChatModel.from_script([{"content": "You could run kubectl scale to do that."}] * 2)
    request = EvalRequest(tasks=load_tasks(SAMPLE, "scale"), kubeconfig=kube_api.kubeconfig)
    (result,) = await evaluate(request, settings, model=lazy)
    assert result.outcome == "fail"
    assert result.reasons and result.reasons[0].startswith("verifier exited 1")
    assert result.thread_id is not None
    assert (result.nudges, result.turns, result.tool_calls) == (1, 1, 0)


def test_cli_refuses_a_production_looking_context(
    kube_api: KubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    prod = tmp_path / "prod-kubeconfig"
    prod.write_text(kube_api.kubeconfig.read_text().replace("binks-test", "home-prod"))
    assert main(["eval", str(SAMPLE), "--against", str(prod)]) == 2
    assert "--yes-this-is-a-test-cluster" in capsys.readouterr().err
    assert kube_api.mutations() == []


@pytest.mark.slow
def test_binks_eval_sample_passes_through_ollama_http(
    kube_api: KubeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command as a person runs it: ChatOllama over HTTP (to a fake Ollama), real kubectl."""
    monkeypatch.setenv("BINKS_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("BINKS_VERIFY_TIMEOUT_S", f"{generous(20):g}")
    monkeypatch.chdir(tmp_path)
    with serve_fake_ollama(FakeOllama(replies=[dict(step) for step in SCRIPT])) as ollama:
        monkeypatch.setenv("OLLAMA_BASE_URL", ollama.url)
        code = main(["eval", str(SAMPLE), "--against", str(kube_api.kubeconfig), "--json"])
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert code == 0, captured.err
    assert [(row["task"], row["outcome"]) for row in rows] == [
        ("fix-image", "pass"),
        ("list-images", "pass"),
        ("reject-namespace-delete", "pass"),
        ("scale-deployment", "pass"),
    ]
    assert all(row["tokens"] > 0 for row in rows)
    (results_file,) = (tmp_path / "eval-results").glob("*.jsonl")
    assert len(results_file.read_text().splitlines()) == 4
    assert "results: eval-results/" in captured.err


async def test_a_public_format_task_runs_unchanged(kube_api: KubeApi, settings: Any) -> None:
    tasks = load_tasks(Path(__file__).parent / "public_tasks")
    model = ScriptedChatModel.from_script(
        [
            _kubectl("kubectl get deployment web-app -n scale-test"),
            _kubectl("kubectl scale deployment web-app -n scale-test --replicas=2"),
            {"content": "web-app now runs 2 replicas (it had 1)."},
        ]
    )
    (result,) = await evaluate(
        EvalRequest(tasks=tasks, kubeconfig=kube_api.kubeconfig), settings, model=model
    )
    assert result.outcome == "pass", result.reasons
    assert (result.task, result.approvals_asked, result.mutations_executed) == ("scale-up-deployment", 1, 1)
    assert kube_api.get("namespaces", "scale-test") is None  # its own cleanup ran, inside the guard


async def test_a_timed_out_task_stops_its_run_and_keeps_its_thread(
    kube_api: KubeApi, settings: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "tasks" / "slow-model"
    folder.mkdir(parents=True)
    # The model reads once, then never answers again: only the task's timeout ends the run. The
    # test waits all of it, and the read (one kubectl call) must finish inside it to be counted,
    # so it is long enough for a busy machine.
    timeout = generous(10)
    (folder / "task.yaml").write_text(f"goal: how many nodes are there?\ntimeout: {timeout:g}\n")
    slow = ScriptedChatModel.from_script(
        [_kubectl("kubectl get nodes"), {"gate": str(tmp_path / "never-opened")}, {"content": "two"}]
    )
    request = EvalRequest(tasks=load_tasks(tmp_path / "tasks"), kubeconfig=kube_api.kubeconfig)
    async with open_services(settings, model=slow) as services:
        agent = ServerAgent(services)
        options = RunOptions(kubeconfig=kube_api.kubeconfig, kubectl=find_kubectl())
        result = await run_task(request.tasks[0], agent, options)
        assert result.outcome == "fail" and f"did not finish within {timeout:g} s" in result.reasons[0]
        assert result.thread_id is not None and result.tool_calls == 1
        assert services.runs.active(result.thread_id) is None  # the server-side run was cancelled
        assert (await services.threads.get(result.thread_id)).status == "cancelled"
