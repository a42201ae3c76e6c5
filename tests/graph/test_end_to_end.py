"""The graph with the real KubeToolbox, real kubectl and the in-memory Kubernetes API server.

The API server's request log is the proof: an approved change mutates exactly once, a
rejected one never, and a crash inside execute does not repeat the change on resume.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from binks.errors import ClusterError
from binks.tools.models import ChangeResult, ProposedChange
from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.graph.harness import open_harness
from tests.tools.conftest import tool_settings

WEB: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    },
}
NAMESPACE: dict[str, Any] = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
GET = {"name": "run_kubectl", "args": {"command": "kubectl get deployment web -n shop"}}
SCALE = {"name": "run_kubectl", "args": {"command": "kubectl scale deployment web --replicas=3 -n shop"}}


class CrashingToolbox(KubeToolbox):
    """Executes for real, then fails as if the process died before recording the result."""

    crashes = 1

    async def execute(self, change: ProposedChange) -> ChangeResult:
        result = await super().execute(change)
        if self.crashes:
            self.crashes -= 1
            raise ClusterError("lost the connection after the change (simulated crash)")
        return result


@pytest.fixture
def manifests_dir(tmp_path: Path) -> Path:
    """No worker templates are needed here; the toolbox only wants the folder."""
    agents = tmp_path / "manifests" / "agents"
    agents.mkdir(parents=True)
    return agents.parent


@pytest.fixture
def cluster(kube_api: KubeApi) -> Iterator[KubeApi]:
    kube_api.apply(NAMESPACE, WEB)
    kube_api.clear_requests()
    yield kube_api


def replicas(kube_api: KubeApi) -> int:
    found = kube_api.get("deployments", "web", "shop")
    assert found is not None
    return int(found["spec"]["replicas"])


@pytest.mark.slow
async def test_approved_scale_mutates_exactly_once_and_is_verified(
    cluster: KubeApi, manifests_dir: Path, tmp_path: Path
) -> None:
    toolbox = KubeToolbox(tool_settings(cluster.kubeconfig, manifests_dir))
    script = [{"tool_calls": [GET, SCALE]}, {"content": "web now runs 3 replicas."}]
    try:
        async with open_harness(tmp_path, script, toolbox) as h:
            await h.ask("scale web in shop to 3")
            pending = await h.pending()
            assert pending.plan.steps[0].dry_run.ok
            assert "+  replicas: 3" in (pending.plan.steps[0].dry_run.diff or "")
            assert cluster.mutations() == [], "dry-run and reads only before the yes"
            state = await h.decide("approve")
    finally:
        toolbox.close()
    assert len(cluster.mutations()) == 1
    assert replicas(cluster) == 3
    assert "executed and verified" in state["final_answer"]


@pytest.mark.slow
async def test_rejected_plan_never_mutates(cluster: KubeApi, manifests_dir: Path, tmp_path: Path) -> None:
    toolbox = KubeToolbox(tool_settings(cluster.kubeconfig, manifests_dir))
    script = [{"tool_calls": [SCALE]}, {"content": "Left web alone."}]
    try:
        async with open_harness(tmp_path, script, toolbox) as h:
            await h.ask("scale web in shop to 3")
            state = await h.decide("reject", reason="not during the sale")
    finally:
        toolbox.close()
    assert cluster.mutations() == []
    assert replicas(cluster) == 1
    assert "rejected: not during the sale" in state["final_answer"]


@pytest.mark.slow
async def test_crash_in_execute_then_resume_does_not_repeat_the_change(
    cluster: KubeApi, manifests_dir: Path, tmp_path: Path
) -> None:
    settings = tool_settings(cluster.kubeconfig, manifests_dir)
    crashing = CrashingToolbox(settings)
    try:
        async with open_harness(tmp_path, [{"tool_calls": [SCALE]}], crashing) as h:
            await h.ask("scale web in shop to 3")
            with pytest.raises(ClusterError, match="simulated crash"):
                await h.decide("approve")
    finally:
        crashing.close()
    assert len(cluster.mutations()) == 1

    fresh = KubeToolbox(settings)  # a new process: fresh toolbox, checkpointer and graph
    try:
        async with open_harness(tmp_path, [{"content": "Scaled."}], fresh) as h:
            state = await h.run(None)
    finally:
        fresh.close()
    assert len(cluster.mutations()) == 1, "reconcile found the change applied; it did not run again"
    assert replicas(cluster) == 3
    assert "executed and verified" in state["final_answer"]
