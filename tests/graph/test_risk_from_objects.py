"""A step that takes a workload to zero is destructive, however it is spelled (real kubectl).

The model writes the change its way (``--replicas=00``, ``0x0``, a patch, a manifest
from the allowed folder); the real toolbox dry-runs it against the test API server and the
objects say what it does. Such a step is never auto-approved, and in a protected namespace
it is refused before anyone is asked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.graph.harness import open_harness
from tests.tools.conftest import tool_settings

ZERO_WAYS = [
    "scale deployment web --replicas=00 -n shop",
    "scale deployment web --replicas 0x0 -n shop",
    "-n shop scale deploy/web --replicas=-0",
    'patch deployment web -n shop --type=merge -p \'{"spec":{"replicas":0}}\'',
    'patch deployment web -n shop --type=json -p \'[{"op":"replace","path":"/spec/replicas","value":0}]\'',
    "apply -f manifests/web-zero.yaml",
]


def _cluster(kube_api: KubeApi, tmp_path: Path, namespace: str) -> KubeToolbox:
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    kube_api.apply(deployment("web", replicas=2, namespace=namespace))
    manifests = tmp_path / "manifests"
    (manifests / "agents").mkdir(parents=True, exist_ok=True)
    (manifests / "web-zero.yaml").write_text(
        yaml.safe_dump(deployment("web", replicas=0, namespace=namespace))
    )
    return KubeToolbox(tool_settings(kube_api.kubeconfig, manifests))


@pytest.mark.parametrize("command", ZERO_WAYS)
async def test_scaling_to_zero_is_asked_even_with_an_auto_approve_rule(
    kube_api: KubeApi, tmp_path: Path, command: str
) -> None:
    toolbox = _cluster(kube_api, tmp_path, "shop")
    rules = ["scale:shop", "patch:shop", "apply:shop"]
    script = [{"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]}]
    try:
        async with open_harness(tmp_path / "state", script, toolbox, auto_approve=rules) as h:
            await h.ask("stop the web app in shop")
            pending = await h.pending()
            assert [step.risk for step in pending.plan.steps] == ["destructive"], command
            assert "approval_required" in h.names()
    finally:
        toolbox.close()
    live = kube_api.get("deployments", "web", "shop")
    assert live is not None and live["spec"]["replicas"] == 2, "nothing ran without a person"


@pytest.mark.parametrize("command", [way.replace("shop", "vault") for way in ZERO_WAYS])
async def test_scaling_to_zero_in_a_protected_namespace_is_refused(
    kube_api: KubeApi, tmp_path: Path, command: str
) -> None:
    toolbox = _cluster(kube_api, tmp_path, "vault")
    script = [
        {"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]},
        {"content": "Refused."},
    ]
    try:
        async with open_harness(tmp_path / "state", script, toolbox, protected_namespaces=["vault"]) as h:
            await h.ask("stop the vault app")
            assert "approval_required" not in h.names(), command
            assert "refused by policy" in str(h.model.received[1][-1].content)
    finally:
        toolbox.close()
    assert kube_api.mutations() == []


async def test_an_ordinary_scale_is_still_auto_approved(kube_api: KubeApi, tmp_path: Path) -> None:
    toolbox = _cluster(kube_api, tmp_path, "shop")
    script = [
        {
            "tool_calls": [
                {"name": "run_kubectl", "args": {"command": "scale deployment web --replicas=0x3 -n shop"}}
            ]
        },
        {"content": "Scaled."},
    ]
    try:
        async with open_harness(tmp_path / "state", script, toolbox, auto_approve=["scale:shop"]) as h:
            await h.ask("scale web in shop to 3")
            assert "approval_required" not in h.names()
    finally:
        toolbox.close()
    live = kube_api.get("deployments", "web", "shop")
    assert live is not None and live["spec"]["replicas"] == 3


async def test_rollout_restart_of_several_targets_dry_runs_each(kube_api: KubeApi, tmp_path: Path) -> None:
    toolbox = _cluster(kube_api, tmp_path, "shop")
    kube_api.apply(deployment("api", replicas=1, namespace="shop"))
    try:
        for command in (
            "rollout restart deployment web api -n shop",
            "rollout restart deploy/web deploy/api -n shop",
        ):
            change = await toolbox.propose("run_kubectl", {"command": command}, thread_id="t", step_id="s1")
            assert sorted(obj.name for obj in change.dry_run.objects) == ["api", "web"], command
    finally:
        toolbox.close()
