"""The manifests against the in-memory Kubernetes API server, with the real kubectl.

Every kustomization and template passes a server-side dry-run; the worker templates render
and spawn through Binks' own tools; the deployment-verifier script, run as a pod would run
it, reads a real (fake) API with a service account token and reports on the example app.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from binks.settings import load_settings
from binks.tools.locate import find_kubectl
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.manifests.docs import load, objects
from tests.manifests.kubeconfig import worker_env
from tests.manifests.workers import AGENTS, MANIFESTS, run_script

KUSTOMIZATIONS = ["core", "rbac", "agents", "apps/example"]
FAST = {"poll_seconds": 0.05, "timeout_seconds": 10, "stuck_after_seconds": 0.3}


def kubectl(kube_api: KubeApi, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real kubectl against the fake cluster."""
    argv = [str(find_kubectl()), "--kubeconfig", str(kube_api.kubeconfig), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def namespaces() -> list[dict[str, Any]]:
    """Every Namespace the manifests create: a dry-run of their contents needs them to exist."""
    return [doc for doc in objects() if doc["kind"] == "Namespace"]


@pytest.mark.slow
@pytest.mark.parametrize("folder", KUSTOMIZATIONS)
def test_each_kustomization_passes_a_server_side_dry_run(kube_api: KubeApi, folder: str) -> None:
    kube_api.apply(*namespaces())
    done = kubectl(kube_api, "apply", "--dry-run=server", "-k", str(MANIFESTS / folder))
    assert done.returncode == 0, done.stderr
    assert "(server dry run)" in done.stdout
    assert kube_api.mutations() == []
    dry_runs = [record for record in kube_api.requests() if record.dry_run]
    assert len(dry_runs) >= len(done.stdout.strip().splitlines())


@pytest.mark.slow
def test_templates_and_the_optional_token_pass_a_server_side_dry_run(kube_api: KubeApi) -> None:
    kube_api.apply(*namespaces())
    for template in sorted(AGENTS.glob("*-job.yaml")):
        done = kubectl(kube_api, "create", "--dry-run=server", "-f", str(template))
        assert done.returncode == 0, (template.name, done.stderr)
    token = kubectl(
        kube_api, "apply", "--dry-run=server", "-f", str(MANIFESTS / "rbac" / "orchestrator-token.yaml")
    )
    assert token.returncode == 0, token.stderr
    assert kube_api.mutations() == []


SAMPLES = {
    "deployment-verifier": {
        "namespace": "demo",
        "deployment": "hello",
        "health_url": "http://hello.demo.svc/",
    },
    "code-reviewer": {"repo": "me/app", "base": "main", "head": "feature"},
}


@pytest.mark.parametrize("agent_type", sorted(SAMPLES))
async def test_templates_render_and_spawn_through_the_tools(kube_api: KubeApi, agent_type: str) -> None:
    settings = load_settings(env_file=None, kubeconfig_path=kube_api.kubeconfig, manifests_dir=MANIFESTS)
    box = KubeToolbox(settings)
    try:
        args = {"agent_type": agent_type, "task_params": SAMPLES[agent_type]}
        change = await box.propose("spawn_worker_agent", args, thread_id="thread-7", step_id="step-1")
        assert change.dry_run.ok, change.dry_run.message
        assert kube_api.mutations() == []
        job = (change.params or {})["job"]
        (template,) = load(AGENTS / f"{agent_type}-job.yaml")
        assert job["spec"]["ttlSecondsAfterFinished"] == template["spec"]["ttlSecondsAfterFinished"]
        assert job["spec"]["activeDeadlineSeconds"] == template["spec"]["activeDeadlineSeconds"]
        assert job["spec"]["backoffLimit"] == template["spec"]["backoffLimit"]
        pod = job["spec"]["template"]["spec"]
        assert pod["serviceAccountName"] == template["spec"]["template"]["spec"]["serviceAccountName"]
        env = {item["name"]: item.get("value") for item in pod["containers"][0]["env"]}
        assert json.loads(env["BINKS_TASK"]) == SAMPLES[agent_type]
        assert env["BINKS_AGENT_TYPE"] == agent_type
        assert env["BINKS_THREAD_ID"] == "thread-7"
        assert env["BINKS_STEP_ID"] == "step-1"
        assert env["BINKS_TIME_BUDGET_SECONDS"]  # the template's own env survives rendering
        result = await box.execute(change)
        assert result.ok, result.error
        created = kube_api.get("jobs", job["metadata"]["name"], "ai-agents")
        assert created is not None
        assert created["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    finally:
        box.close()


def hello_app(kube_api: KubeApi) -> dict[str, Any]:
    """The example app from manifests/apps/example, applied to the fake cluster."""
    example = objects("apps")
    kube_api.apply(*sorted(example, key=lambda doc: doc["kind"] != "Namespace"))
    deployment = kube_api.get("deployments", "hello", "demo")
    assert deployment is not None
    return deployment


def verify(kube_api: KubeApi, tmp_path: Path, **task: Any) -> Any:
    """Run the deployment-verifier script like its pod: API address, token file, task env."""
    env = worker_env(kube_api.kubeconfig, tmp_path)
    return run_script(AGENTS / "deployment_verifier.py", env, task={"namespace": "demo", **FAST, **task})


def test_the_verifier_reports_a_ready_deployment(kube_api: KubeApi, tmp_path: Path) -> None:
    hello_app(kube_api)
    run = verify(kube_api, tmp_path, deployment="hello")
    result = run.result
    assert run.returncode == 0, run.stderr
    assert result["ok"] is True
    assert result["verdict"] == "ready"
    assert result["desired_replicas"] == result["ready_replicas"] == 2
    assert result["restarts"] == 0
    assert [pod["ready"] for pod in result["pods"]] == [True, True]
    reads = [record for record in kube_api.requests() if record.namespace == "demo"]
    assert reads and all(record.verb in ("get", "list") for record in reads)
    assert kube_api.mutations() == []


def test_the_verifier_reports_a_rollout_stuck_on_a_bad_image(kube_api: KubeApi, tmp_path: Path) -> None:
    deployment = copy.deepcopy(hello_app(kube_api))
    bad_image = "nginxinc/nginx-unprivileged:9.99-typo"
    kube_api.mark_image_bad(bad_image)
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = bad_image
    kube_api.apply(deployment)
    run = verify(kube_api, tmp_path, deployment="hello")
    result = run.result
    assert run.returncode == 1
    assert result["ok"] is False
    assert result["verdict"] == "stuck"
    assert "ImagePullBackOff" in result["error"]
    assert result["ready_replicas"] >= 1  # the old pods keep serving
    waiting = [pod for pod in result["pods"] if pod["waiting"]]
    assert waiting and waiting[0]["waiting"][0]["reason"] == "ImagePullBackOff"


def test_the_verifier_explains_a_forbidden_read(kube_api: KubeApi, tmp_path: Path) -> None:
    hello_app(kube_api)
    kube_api.deny("get", "deployments", "demo")
    result = verify(kube_api, tmp_path, deployment="hello").result
    assert result["ok"] is False
    assert "403" in result["error"] and "manifests/rbac" in result["error"]


async def test_a_worker_result_travels_back_through_check_agent_status(
    kube_api: KubeApi, tmp_path: Path
) -> None:
    """Spawn the verifier with the tools, run its script on the rendered env, read it back."""
    hello_app(kube_api)
    settings = load_settings(env_file=None, kubeconfig_path=kube_api.kubeconfig, manifests_dir=MANIFESTS)
    box = KubeToolbox(settings)
    try:
        args = {
            "agent_type": "deployment-verifier",
            "task_params": {"namespace": "demo", "deployment": "hello"},
        }
        change = await box.propose("spawn_worker_agent", args, thread_id="t", step_id="s")
        job = (change.params or {})["job"]
        rendered = {
            item["name"]: item["value"] for item in job["spec"]["template"]["spec"]["containers"][0]["env"]
        }
        run = run_script(
            AGENTS / "deployment_verifier.py", {**rendered, **worker_env(kube_api.kubeconfig, tmp_path)}
        )
        assert run.result["verdict"] == "ready", run.stderr
        kube_api.set_job_outcome(
            "ai-agents", job["metadata"]["name"], "Succeeded", log=run.stderr + run.stdout
        )
        assert (await box.execute(change)).ok
        status = await box.read("check_agent_status", {"job_name": job["metadata"]["name"]})
    finally:
        box.close()
    assert status.ok, status.output
    assert status.data is not None
    assert status.data["result"]["verdict"] == "ready"
    assert status.data["result"]["agent"] == "deployment-verifier"
