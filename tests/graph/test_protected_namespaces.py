"""Destructive steps in protected namespaces, classified by the real tools, are refused outright.

The real KubeToolbox, real kubectl and the in-memory API server: the request log proves
that nothing was dry-run, mutated or put to a person.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.fixture import write_kubeconfig
from tests.fakes.kube_api.objects import deployment, pod
from tests.graph.harness import open_harness
from tests.tools.conftest import tool_settings


@pytest.mark.parametrize(
    ("command", "where"),
    [
        ("delete namespace kube-system", "the protected namespace kube-system"),
        ("scale deployment coredns --replicas=0 -n kube-system", "the protected namespace kube-system"),
        ("delete pods --all -n kube-public", "the protected namespace kube-public"),
        ("delete pods -l app=web -A", "every namespace, including the protected ones"),
        ("delete secret token -n vault", "the protected namespace vault"),
    ],
)
async def test_refused_before_any_dry_run_or_question(
    kube_api: KubeApi, tmp_path: Path, command: str, where: str
) -> None:
    kube_api.apply(deployment("coredns", namespace="kube-system"))
    kube_api.clear_requests()
    (tmp_path / "manifests" / "agents").mkdir(parents=True)
    toolbox = KubeToolbox(tool_settings(kube_api.kubeconfig, tmp_path / "manifests"))
    script = [
        {"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]},
        {"content": "Binks refused that."},
    ]
    try:
        async with open_harness(tmp_path / "state", script, toolbox, protected_namespaces=["vault"]) as h:
            state = await h.ask(command)
            result = str(h.model.received[1][-1].content)
            assert f"refused by policy: `{command.split()[0]}` is destructive and acts on {where}" in result
            assert "approval_required" not in h.names()
            assert state["final_answer"] == "Binks refused that."
    finally:
        toolbox.close()
    assert kube_api.mutations() == []
    assert not [request for request in kube_api.requests() if request.dry_run]


async def test_a_protected_namespace_the_kubeconfig_chose_is_found_in_the_dry_run(
    kube_api: KubeApi, tmp_path: Path
) -> None:
    """No ``-n``: only the API server's dry-run shows that the pods live in kube-system."""
    for name in ("dns-1", "dns-2"):
        dns = pod(name, namespace="kube-system")
        dns["metadata"]["labels"] = {"k8s-app": "dns"}
        kube_api.apply(dns)
    other = pod("dns-3")  # the same label in default: the kubeconfig's choice decides
    other["metadata"]["labels"] = {"k8s-app": "dns"}
    kube_api.apply(other)
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", kube_api.url, kube_api.token, "kube-system")
    kube_api.clear_requests()
    (tmp_path / "manifests" / "agents").mkdir(parents=True)
    toolbox = KubeToolbox(tool_settings(kubeconfig, tmp_path / "manifests"))
    command = "delete pods -l k8s-app=dns"
    script = [
        {"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]},
        {"content": "Binks refused that."},
    ]
    try:
        async with open_harness(tmp_path / "state", script, toolbox) as h:
            await h.ask("delete the dns pods")
            result = str(h.model.received[1][-1].content)
            refused = [e["data"] for e in h.events if e["event"] == "tool_result"]
            assert "approval_required" not in h.names() and "plan_proposed" not in h.names()
    finally:
        toolbox.close()
    assert (
        "refused by policy: `delete` is destructive and acts on the protected namespace kube-system" in result
    )
    assert refused[0]["refused_by"] == "protected_namespace"
    assert kube_api.mutations() == []
    dry_runs = [r for r in kube_api.requests() if r.dry_run]
    assert dry_runs and {r.namespace for r in dry_runs} == {"kube-system"}  # how Binks found out
    assert {p["metadata"]["name"] for p in kube_api.list("pods", "kube-system")} >= {"dns-1", "dns-2"}
