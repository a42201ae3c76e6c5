"""Reads through the toolbox: they run at once, changes never do, failures say what to check."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from binks.errors import ClusterError, CommandRefused
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.tools.conftest import tool_settings


@pytest.mark.real_cluster
async def test_reads_run(any_toolbox: KubeToolbox) -> None:
    result = await any_toolbox.read("run_kubectl", {"command": "get nodes"})
    assert result.ok
    assert "NAME" in result.output
    status = await any_toolbox.read("get_cluster_status", {})
    assert status.ok
    assert status.data is not None
    assert status.data["nodes"]


@pytest.mark.real_cluster
async def test_changes_are_refused_by_read(any_toolbox: KubeToolbox) -> None:
    for command in (
        "delete ns default",
        "scale deploy web --replicas=0",
        "apply -f manifests/agents/echo-job.yaml",
        "foo bar",
    ):
        with pytest.raises(CommandRefused, match="needs approval"):
            await any_toolbox.read("run_kubectl", {"command": command})
    with pytest.raises(CommandRefused, match="needs approval"):
        await any_toolbox.read("spawn_worker_agent", {"agent_type": "echo"})


async def test_reads_never_mutate(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    for command in ("get pods -A", "describe node pi-1", "get ns -o yaml", "events -A"):
        assert (await toolbox.read("run_kubectl", {"command": command})).ok, command
    with pytest.raises(CommandRefused):
        await toolbox.read("run_kubectl", {"command": "delete ns ai-agents"})
    assert kube_api.mutations() == []
    assert kube_api.get("namespaces", "ai-agents") is not None


def test_assess(toolbox: KubeToolbox) -> None:
    assert not toolbox.assess("get_cluster_status", {}).mutating
    assert not toolbox.assess("check_agent_status", {"job_name": "binks-echo-1"}).mutating
    spawn = toolbox.assess("spawn_worker_agent", {"agent_type": "echo", "task_params": {}})
    assert spawn.mutating and spawn.namespace == "ai-agents"
    with pytest.raises(ValueError, match="available types: echo"):
        toolbox.assess("spawn_worker_agent", {"agent_type": "nope"})
    with pytest.raises(ValueError, match="the tools are run_kubectl, get_cluster_status"):
        toolbox.assess("kubectl", {"command": "get pods"})
    with pytest.raises(ValueError, match="command"):
        toolbox.assess("run_kubectl", {})
    assert len(toolbox.specs()) == 4


async def test_secret_values_never_reach_the_model(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    value = "s3cr3t-passw0rd-value"
    encoded = base64.b64encode(value.encode()).decode()
    kube_api.apply(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "db", "namespace": "default"},
            "type": "Opaque",
            "data": {"password": encoded},
        }
    )
    for command in (
        "get secret db -o yaml",
        "get secret db -o json",
        "get secrets -o yaml",
        "get secret db -o jsonpath={.data.password}",
        "get --raw /api/v1/namespaces/default/secrets/db",
        "describe secret db",
    ):
        result = await toolbox.read("run_kubectl", {"command": command})
        assert result.ok, (command, result.output)
        assert value not in result.output and encoded not in result.output, command
    yaml_out = (await toolbox.read("run_kubectl", {"command": "get secret db -o yaml"})).output
    assert "password: <redacted>" in yaml_out


async def test_forbidden_says_which_verb_and_resource(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    kube_api.deny("list", "pods", "default")
    result = await toolbox.read("run_kubectl", {"command": "get pods -n default"})
    assert not result.ok
    assert "forbidden (403)" in result.output
    assert "list pods" in result.output


async def test_not_found_is_a_result_for_the_model(toolbox: KubeToolbox) -> None:
    result = await toolbox.read("run_kubectl", {"command": "get deploy nope -n default"})
    assert not result.ok
    assert "not found" in result.output
    status = await toolbox.read("check_agent_status", {"job_name": "binks-echo-missing"})
    assert not status.ok
    assert "spawn_worker_agent" in status.output


async def test_unreachable_cluster_raises(tmp_path: Path, manifests_dir: Path, kube_api: KubeApi) -> None:
    dead = tmp_path / "dead.yaml"
    dead.write_text(kube_api.kubeconfig.read_text().replace(kube_api.url, "http://127.0.0.1:9"))
    box = KubeToolbox(tool_settings(dead, manifests_dir))  # refused at once: no timeout involved
    with pytest.raises(ClusterError, match="is the cluster reachable"):
        await box.read("run_kubectl", {"command": "get pods"})
    with pytest.raises(ClusterError, match="is the cluster reachable"):
        await box.read("get_cluster_status", {})


async def test_slow_api_times_out(kube_api: KubeApi, manifests_dir: Path) -> None:
    box = KubeToolbox(tool_settings(kube_api.kubeconfig, manifests_dir, kubectl_timeout_s=1))
    # the API server never answers these (until released): only the timeout can end the reads
    holds = [kube_api.hold_next("GET", r"/api/v1/nodes$") for _ in range(3)]
    try:
        with pytest.raises(ClusterError, match=r"did not finish within 1 s|timed out"):
            await box.read("run_kubectl", {"command": "get nodes"})
        # the API client's reads say the same: slow, not unreachable (that would send you
        # hunting for network trouble)
        with pytest.raises(ClusterError, match=r"did not answer within 1 s") as slow:
            await box.read("get_cluster_status", {})
        assert "unreachable" not in str(slow.value)
        assert holds[0].reached.is_set() and holds[1].reached.is_set()
    finally:
        for hold in holds:
            hold.release()
        box.close()


async def test_cluster_status_explains_not_ready_pods(toolbox: KubeToolbox, kube_api: KubeApi) -> None:
    kube_api.mark_image_bad("nginx:does-not-exist")
    kube_api.apply(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "broken", "namespace": "default"},
            "spec": {"containers": [{"name": "web", "image": "nginx:does-not-exist"}]},
        }
    )
    result = await toolbox.read("get_cluster_status", {})
    assert "default/broken" in result.output
    assert "ImagePullBackOff" in result.output
    assert result.data is not None
    assert result.data["problems"][0]["name"] == "broken"
    assert {node["name"] for node in result.data["nodes"]} == {"pi-1", "pi-2"}
