"""Auto-approval rules on the real path: the real tools, real kubectl, the in-memory API server.

A ``verb:namespace`` rule may skip the question only for a step whose server-side dry-run
shows every object it touches inside that namespace. The fake toolbox's dry-run invents
objects in the step's own namespace, so only the real one can show the cases that matter:
a cluster-scoped object behind ``-n``, and a step whose namespace comes from the
kubeconfig's default rather than from ``-n``. The API server's request log is the proof of
what ran.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.fixture import write_kubeconfig
from tests.fakes.kube_api.objects import deployment
from tests.graph.harness import Harness, open_harness
from tests.tools.conftest import tool_settings


def _namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


@pytest.fixture
def cluster(kube_api: KubeApi) -> KubeApi:
    """``web`` (1 replica) in ``shop`` and in ``default``; the request log starts empty."""
    kube_api.apply(_namespace("shop"))
    kube_api.apply(deployment("web", replicas=1, namespace="shop"), deployment("web", replicas=1))
    kube_api.clear_requests()
    return kube_api


@pytest.fixture
def tools_for(tmp_path: Path) -> Iterator[Any]:
    """``tools_for(kubeconfig)``: a KubeToolbox on that kubeconfig, closed afterwards."""
    (tmp_path / "manifests" / "agents").mkdir(parents=True)
    made: list[KubeToolbox] = []

    def make(kubeconfig: Path) -> KubeToolbox:
        made.append(KubeToolbox(tool_settings(kubeconfig, tmp_path / "manifests")))
        return made[-1]

    yield make
    for box in made:
        box.close()


def _script(command: str) -> list[dict[str, Any]]:
    return [{"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]}, {"content": "done"}]


async def _asked(h: Harness, cluster: KubeApi, command: str) -> None:
    """The step went to a person: nothing changed, and the plan says what it touches."""
    await h.ask(command)
    assert "approval_required" in h.names(), h.names()
    assert not any(e["event"] == "approval_decided" for e in h.events)
    assert cluster.mutations() == [], "nothing runs before a person decides"
    pending = await h.pending()
    assert len(pending.plan.steps) == 1 and pending.plan.steps[0].dry_run.ok


async def test_a_rule_lets_its_own_namespace_through_on_the_real_path(
    cluster: KubeApi, tools_for: Any, tmp_path: Path
) -> None:
    """The control: without it, every "still asks" below could pass with the rules broken."""
    command = "kubectl -n shop scale deployment web --replicas=3"
    toolbox = tools_for(cluster.kubeconfig)
    async with open_harness(tmp_path / "state", _script(command), toolbox, auto_approve=["scale:shop"]) as h:
        state = await h.ask(command)
        assert "approval_required" not in h.names()
        decided = next(e for e in h.events if e["event"] == "approval_decided")
        assert decided["data"]["by"] == "policy" and decided["data"]["rules"] == ["scale:shop"]
        assert "executed and verified" in state["final_answer"]
        entries = await h.audit.entries(h.thread_id)
    changed = [(r.method, r.namespace, r.name, r.subresource) for r in cluster.mutations()]
    assert changed == [("PATCH", "shop", "web", "scale")]
    assert cluster.get("deployments", "web", "shop")["spec"]["replicas"] == 3  # type: ignore[index]
    assert cluster.get("deployments", "web")["spec"]["replicas"] == 1  # type: ignore[index]
    assert [(e.kind, e.key_id) for e in entries if e.kind == "decision"] == [("decision", "policy")]


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        ("kubectl -n shop label node pi-2 team=shop", "label:shop"),
        ("kubectl -n shop annotate namespace shop owner=shop-team", "annotate:shop"),
        ("kubectl -n shop create clusterrolebinding shop-view --clusterrole=view --user=bob", "create:shop"),
    ],
    ids=["node", "namespace-object", "clusterrolebinding"],
)
async def test_a_cluster_scoped_object_behind_n_is_never_auto_approved(
    cluster: KubeApi, tools_for: Any, tmp_path: Path, command: str, rule: str
) -> None:
    toolbox = tools_for(cluster.kubeconfig)
    async with open_harness(tmp_path / "state", _script(command), toolbox, auto_approve=[rule]) as h:
        await _asked(h, cluster, command)
        (step,) = (await h.pending()).plan.steps
        assert step.namespace == "shop" and step.verb == rule.partition(":")[0]  # the rule's scope...
        assert [obj.namespace for obj in step.dry_run.objects] == [None]  # ...but not where it acts


@pytest.mark.parametrize(
    ("kubeconfig_namespace", "rule", "acts_in"),
    [
        ("shop", "scale:shop", "shop"),  # the rule's own namespace, known only from the kubeconfig
        ("default", "scale:shop", "default"),  # a rule for another namespace
        ("default", "scale:default", "default"),
    ],
)
async def test_a_namespace_from_the_kubeconfig_always_asks(
    cluster: KubeApi, tools_for: Any, tmp_path: Path, kubeconfig_namespace: str, rule: str, acts_in: str
) -> None:
    """Without ``-n`` the argv does not say where it acts; a person sees it on the card."""
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", cluster.url, cluster.token, kubeconfig_namespace)
    command = "kubectl scale deployment web --replicas=3"
    toolbox = tools_for(kubeconfig)
    async with open_harness(tmp_path / "state", _script(command), toolbox, auto_approve=[rule]) as h:
        await _asked(h, cluster, command)
        (step,) = (await h.pending()).plan.steps
        assert step.namespace is None
        assert [(obj.kind, obj.namespace) for obj in step.dry_run.objects] == [("Deployment", acts_in)]
        await h.decide("approve")
    changed = [(r.method, r.namespace, r.name) for r in cluster.mutations()]
    assert changed == [("PATCH", acts_in, "web")]  # approved, it ran where the card said
