"""Changes through the toolbox: dry-run mutates nothing, execute mutates once, verify and reconcile."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from binks.errors import CommandRefused
from binks.tools.models import ProposedChange
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi

WEB = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}


async def _propose(box: KubeToolbox, command: str) -> ProposedChange:
    return await box.propose("run_kubectl", {"command": command}, thread_id="t1", step_id="s1")


async def test_scale_is_dry_run_then_executed_once_and_verified(
    toolbox: KubeToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply(WEB)
    change = await _propose(toolbox, "scale deploy web --replicas=3 -n default")
    assert change.dry_run.ok and change.dry_run.supported
    assert change.dry_run.diff is not None
    assert "-  replicas: 2" in change.dry_run.diff and "+  replicas: 3" in change.dry_run.diff
    assert change.argv == ["scale", "deploy", "web", "--replicas=3", "-n=default"]  # spelled canonically
    assert kube_api.mutations() == []
    assert await toolbox.reconcile(change) == "not_applied"

    result = await toolbox.execute(change)
    assert result.ok, result.error
    assert len(kube_api.mutations()) == 1
    verification = await toolbox.verify(change, result)
    assert verification.ok, verification.detail
    assert await toolbox.reconcile(change) == "applied"
    deployment = kube_api.get("deployments", "web", "default")
    assert deployment is not None and deployment["spec"]["replicas"] == 3


async def test_apply_creates_and_verifies(toolbox: KubeToolbox, kube_api: KubeApi, tmp_path: Path) -> None:
    manifest = tmp_path / "manifests" / "web.yaml"  # inside the allowed sources
    manifest.write_text(yaml.safe_dump(WEB))
    change = await _propose(toolbox, f"apply -f {manifest}")
    assert change.dry_run.ok
    assert [obj.action for obj in change.dry_run.objects] == ["create"]
    assert "creates deployment/web" in change.dry_run.message
    assert kube_api.mutations() == []
    assert await toolbox.reconcile(change) == "not_applied"
    result = await toolbox.execute(change)
    assert result.ok, result.error
    assert len(kube_api.mutations()) == 1
    verification = await toolbox.verify(change, result)
    assert verification.ok, verification.detail
    assert await toolbox.reconcile(change) == "applied"


async def test_set_image_waits_for_the_rollout(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    kube_api.apply(WEB)
    change = await _propose(toolbox, "set image deployment/web web=nginx:1.28 -n default")
    assert change.dry_run.diff is not None
    added = [line for line in change.dry_run.diff.splitlines() if line.startswith("+")]
    assert any("image: nginx:1.28" in line for line in added)
    assert kube_api.mutations() == []
    result = await toolbox.execute(change)
    verification = await toolbox.verify(change, result)
    assert verification.ok, verification.detail
    assert "rollout" in verification.check


async def test_bad_image_rollout_fails_verification(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    kube_api.apply(WEB)
    kube_api.mark_image_bad("nginx:broken")
    box = KubeToolbox(toolbox.settings.model_copy(update={"verify_timeout_s": 1.0}))
    change = await _propose(box, "set image deployment/web web=nginx:broken -n default")
    result = await box.execute(change)
    verification = await box.verify(change, result)
    assert not verification.ok
    assert "available" in verification.detail


async def test_delete_shows_what_goes_and_verifies_it_is_gone(
    toolbox: KubeToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply(WEB)
    change = await _propose(toolbox, "delete deployment web -n default")
    assert change.dry_run.message == "deletes deployment.apps/web"
    assert [obj.kind for obj in change.dry_run.objects] == ["Deployment"]
    # The dry-run DELETE carries dryRun in its DeleteOptions body, which the fake server's
    # request log does not read (it honours it, though): prove nothing was deleted instead.
    assert [record for record in kube_api.mutations() if record.method != "DELETE"] == []
    assert kube_api.get("deployments", "web", "default") is not None
    kube_api.clear_requests()
    result = await toolbox.execute(change)
    assert result.ok
    assert (await toolbox.verify(change, result)).ok
    assert await toolbox.reconcile(change) == "applied"
    assert kube_api.get("deployments", "web", "default") is None


async def test_restart_is_dry_run_as_a_patch(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    kube_api.apply(WEB)
    change = await _propose(toolbox, "rollout restart deployment/web -n default")
    assert change.dry_run.ok
    assert change.dry_run.diff is not None and "kubectl.kubernetes.io/restartedAt" in change.dry_run.diff
    assert kube_api.mutations() == []


async def test_rejected_dry_run_is_shown_as_such(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    change = await _propose(toolbox, "scale deploy missing --replicas=2 -n default")
    assert not change.dry_run.ok
    assert "rejected" in change.dry_run.message and "not found" in change.dry_run.message
    assert kube_api.mutations() == []


async def test_no_dry_run_is_said_plainly(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    change = await _propose(toolbox, "exec web -n default -- ls /")
    assert change.dry_run.ok and not change.dry_run.supported
    assert "no server-side dry-run" in change.dry_run.message
    assert kube_api.mutations() == []


async def test_reads_cannot_be_proposed_and_refusals_hold_at_execute(toolbox: KubeToolbox) -> None:
    with pytest.raises(ValueError, match="is a read"):
        await _propose(toolbox, "get pods")
    change = await _propose(toolbox, "exec web -n default -- ls /")
    tampered = change.model_copy(update={"argv": ["get", "pods", "--token=abc"]})
    with pytest.raises(CommandRefused):
        await toolbox.execute(tampered)


async def test_spawn_is_idempotent_and_checked(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    args = {"agent_type": "echo", "task_params": {"question": "why?"}}
    change = await toolbox.propose("spawn_worker_agent", args, thread_id="thread-9", step_id="step-1")
    assert change.dry_run.ok, change.dry_run.message
    assert change.dry_run.diff is not None and "BINKS_TASK" in change.dry_run.diff
    assert change.template == "manifests/agents/echo-job.yaml"
    assert kube_api.mutations() == []
    assert await toolbox.reconcile(change) == "not_applied"
    job_name = change.name
    assert job_name is not None and job_name.startswith("binks-echo-")

    first = await toolbox.execute(change)
    again = await toolbox.execute(change)  # a retry after a crash
    assert first.ok and again.ok
    assert "already existed" in again.output
    assert len(kube_api.list("jobs", "ai-agents")) == 1
    assert (await toolbox.verify(change, first)).ok
    assert await toolbox.reconcile(change) == "applied"

    retried = await toolbox.propose("spawn_worker_agent", args, thread_id="thread-9", step_id="step-1")
    assert retried.name == job_name
    assert "already exists" in retried.dry_run.message


async def test_check_agent_status_reads_the_result(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    args = {"agent_type": "echo", "task_params": {}}
    change = await toolbox.propose("spawn_worker_agent", args, thread_id="t", step_id="s")
    assert change.name is not None
    kube_api.set_job_outcome(
        "ai-agents", change.name, "Succeeded", log='working\nBINKS_RESULT {"answer": 42}\n'
    )
    await toolbox.execute(change)
    status = await toolbox.read("check_agent_status", {"job_name": change.name})
    assert status.ok
    assert status.data is not None
    assert status.data["phase"] == "Succeeded"
    assert status.data["result"] == {"answer": 42}
    assert "result: " in status.output and "42" in status.output


async def test_check_agent_status_reports_a_broken_result(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    change = await toolbox.propose("spawn_worker_agent", {"agent_type": "echo"}, thread_id="t", step_id="s2")
    assert change.name is not None
    kube_api.set_job_outcome("ai-agents", change.name, "Failed", log="BINKS_RESULT {not json\n")
    await toolbox.execute(change)
    status = await toolbox.read("check_agent_status", {"job_name": change.name})
    assert status.data is not None
    assert status.data["phase"] == "Failed"
    assert status.data["result"] is None
    assert "not valid JSON" in status.data["result_error"]


async def test_cordon_is_verified_and_reconciled(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    change = await _propose(toolbox, "cordon pi-2")
    assert change.dry_run.diff is not None and "+  unschedulable: true" in change.dry_run.diff
    assert kube_api.mutations() == []
    assert await toolbox.reconcile(change) == "not_applied"
    result = await toolbox.execute(change)
    assert (await toolbox.verify(change, result)).ok
    assert await toolbox.reconcile(change) == "applied"
    node = kube_api.get("nodes", "pi-2")
    assert node is not None and node["spec"]["unschedulable"] is True


@pytest.mark.parametrize(
    "command",
    [
        "label configmap keep a=b --field-manager",
        "create configmap made --from-literal",
        "annotate configmap keep a=b --field-manager",
    ],
)
async def test_a_flag_missing_its_value_never_turns_the_dry_run_real(
    toolbox: KubeToolbox, kube_api: KubeApi, command: str
) -> None:
    kube_api.apply(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "keep", "namespace": "default"}}
    )
    change = await _propose(toolbox, command)
    assert not change.dry_run.ok
    assert "missing its value" in change.dry_run.message
    assert kube_api.mutations() == []
    assert kube_api.get("configmaps", "made", "default") is None


async def test_reconcile_asks_when_a_reapplied_change_would_still_change(
    toolbox: KubeToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply(WEB)
    patch = '[{"op":"add","path":"/metadata/labels","value":{"x":"1"}}]'
    change = await _propose(toolbox, f"patch deploy web -n default --type=json -p '{patch}'")
    assert change.dry_run.ok
    # Not proven either way (a JSON patch may not be idempotent): the person is asked again.
    assert await toolbox.reconcile(change) == "unknown"
