"""Destructive steps in protected namespaces, classified by the real tools, are refused outright.

The real KubeToolbox, real kubectl and the in-memory API server: the request log proves
that nothing was dry-run, mutated or put to a person.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
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
