"""The fake API server answers real kubectl for the everyday read, write and rollout paths."""

from __future__ import annotations

from tests.fakes.kube_api import KubeApi
from tests.fakes.kubectl import kubectl, ok

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
"""


def test_default_seed_has_two_ready_nodes_and_binks_namespaces(kube_api: KubeApi) -> None:
    nodes = ok(kube_api, "get", "nodes")
    assert "pi-1   Ready    control-plane" in nodes
    assert "pi-2   Ready    worker" in nodes
    namespaces = ok(kube_api, "get", "namespaces", "-o", "name")
    assert "namespace/ai-agents" in namespaces and "namespace/ai-services" in namespaces


def test_apply_then_rollout_status_completes(kube_api: KubeApi) -> None:
    assert "deployment.apps/web created" in ok(kube_api, "apply", "-f", "-", stdin=DEPLOYMENT)
    assert 'deployment "web" successfully rolled out' in ok(
        kube_api, "rollout", "status", "deployment/web", "--timeout=10s"
    )
    pods = kube_api.list("pods", "default")
    assert len(pods) == 2
    assert all(p["status"]["phase"] == "Running" for p in pods)


def test_server_dry_run_changes_nothing(kube_api: KubeApi) -> None:
    result = kubectl(kube_api, "apply", "--dry-run=server", "-f", "-", stdin=DEPLOYMENT)
    assert result.code == 0, result.err
    assert "(server dry run)" in result.out
    assert kube_api.get("deployments", "web", "default") is None
    assert kube_api.mutations() == []
    assert any(r.dry_run and r.verb == "create" for r in kube_api.requests())
