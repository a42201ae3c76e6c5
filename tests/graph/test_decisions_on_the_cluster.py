"""A person's answer decides what reaches the cluster: proven with real kubectl, not a fake.

The graph runs with KubeToolbox, real kubectl and the in-memory API server, whose request
log shows every write. Whatever command a model writes (generated below: kubectl's verbs
with flags and words in odd places), nothing is written before a person says yes; a
partial approval writes only the chosen steps; an edited step is dry-run again and only
the edited command runs.
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from binks.tools.toolbox import KubeToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import configmap, deployment
from tests.graph.harness import open_harness
from tests.tools.conftest import tool_settings


def kubectl(command: str) -> dict[str, Any]:
    return {"name": "run_kubectl", "args": {"command": command}}


def _seed(kube_api: KubeApi) -> None:
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    kube_api.apply(deployment("web", replicas=1, namespace="shop"), deployment("api", namespace="shop"))
    kube_api.apply(configmap("settings", {"mode": "fast"}, namespace="shop"))
    kube_api.clear_requests()


@pytest.fixture
def cluster(kube_api: KubeApi) -> KubeApi:
    _seed(kube_api)
    return kube_api


@pytest.fixture
def toolbox(cluster: KubeApi, tmp_path: Path) -> Iterator[KubeToolbox]:
    (tmp_path / "manifests" / "agents").mkdir(parents=True)
    box = KubeToolbox(tool_settings(cluster.kubeconfig, tmp_path / "manifests"))
    yield box
    box.close()


def _writes(cluster: KubeApi) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(r.method, r.namespace, r.name, r.subresource) for r in cluster.mutations()]


async def test_partial_approval_writes_only_the_chosen_step(
    cluster: KubeApi, toolbox: KubeToolbox, tmp_path: Path
) -> None:
    script = [
        {
            "tool_calls": [
                kubectl("scale deployment web --replicas=3 -n shop"),
                kubectl("delete deploy api -n shop"),
            ]
        },
        {"content": "Scaled web; api stays."},
    ]
    async with open_harness(tmp_path / "state", script, toolbox) as h:
        await h.ask("scale web and delete api")
        assert (await h.pending()).plan.step_ids == ["s1", "s2"]
        assert cluster.mutations() == []
        await h.decide("approve", steps=["s1"])
    assert _writes(cluster) == [("PATCH", "shop", "web", "scale")]
    assert cluster.get("deployments", "api", "shop") is not None


async def test_an_edited_step_is_dry_run_again_and_only_the_edit_runs(
    cluster: KubeApi, toolbox: KubeToolbox, tmp_path: Path
) -> None:
    script = [{"tool_calls": [kubectl("scale deployment web --replicas=3 -n shop")]}, {"content": "Scaled."}]
    async with open_harness(tmp_path / "state", script, toolbox) as h:
        await h.ask("scale web to 3")
        first = await h.pending()
        cluster.clear_requests()
        await h.decide("edit", edits={"s1": {"command": "kubectl scale deployment web --replicas=5 -n shop"}})
        second = await h.pending()
        assert cluster.mutations() == [], "an edited step is never executed unseen"
        assert [r.name for r in cluster.requests() if r.dry_run] == ["web"]  # the edit's own dry-run
        assert second.plan_hash != first.plan_hash
        assert "+  replicas: 5" in (second.plan.steps[0].dry_run.diff or "")
        await h.decide("approve")
    assert _writes(cluster) == [("PATCH", "shop", "web", "scale")]
    assert cluster.get("deployments", "web", "shop")["spec"]["replicas"] == 5  # type: ignore[index]


# Commands a model might write: kubectl's verbs, with flags and extra words in odd places
# (words that are themselves verbs included), so kubectl's own parsing decides what runs.
VERBS = [
    "scale deploy web --replicas=2",
    "delete deploy api",
    "delete pods --all",
    "delete cm settings",
    "label deploy web tier=front",
    "annotate cm settings note=x",
    "set image deploy/web web=nginx:1.28",
    "rollout restart deploy/web",
    "rollout undo deploy/web",
    'patch deploy web -p {"spec":{"replicas":4}}',
    "create configmap extra --from-literal=a=b",
    "create deployment other --image=nginx",
    "cordon pi-2",
    "drain pi-2 --ignore-daemonsets",
    "taint node pi-2 k=v:NoSchedule",
    "expose deploy web --port=80",
    "autoscale deploy web --max=3",
    "get deploy web",
    "describe cm settings",
    "rollout status deploy/web",
]
EXTRAS = [
    "-n shop",
    "--namespace=shop",
    "-n",
    "get",
    "delete",
    "status",
    "--dry-run",
    "--dry-run=server",
    "--dry-run=none",
    "-o name",
    "--all",
    "-l app=web",
    "--force",
    "--field-manager",
    "--wait",
    "--",
]


def _unapproved_writes(kube_api: KubeApi, state_dir: Path, command: str, answer: str) -> list[Any]:
    """Run the model's ``command`` through the graph, answer no (or in words) if asked."""
    (state_dir / "manifests" / "agents").mkdir(parents=True, exist_ok=True)
    toolbox = KubeToolbox(tool_settings(kube_api.kubeconfig, state_dir / "manifests"))
    script = [{"tool_calls": [kubectl(f"kubectl {command}")]}, {"content": "ok"}, {"content": "ok"}]

    async def run() -> list[Any]:
        async with open_harness(state_dir, script, toolbox) as h:
            await h.ask(command)
            before_any_answer = kube_api.mutations()
            if "approval_required" in h.names():  # still nothing is written after a no
                await h.decide(answer, reason="not now")
            return before_any_answer

    try:
        before_any_answer = asyncio.run(run())
    finally:
        toolbox.close()
    return [*before_any_answer, *kube_api.mutations()]


@pytest.mark.parametrize("verb", VERBS)
def test_no_verb_writes_before_a_yes(cluster: KubeApi, tmp_path: Path, verb: str) -> None:
    """Every verb once: reads run, dry-runs run, nothing is written."""
    assert _unapproved_writes(cluster, tmp_path / "state", verb, "reject") == []


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    verb=st.sampled_from(VERBS),
    before=st.lists(st.sampled_from(EXTRAS), max_size=2),
    after=st.lists(st.sampled_from(EXTRAS), max_size=3),
    answer=st.sampled_from(["reject", "respond"]),
)
@pytest.mark.slow
def test_nothing_a_model_writes_reaches_the_cluster_before_a_yes(
    kube_api: KubeApi,
    tmp_path_factory: pytest.TempPathFactory,
    verb: str,
    before: list[str],
    after: list[str],
    answer: str,
) -> None:
    """The verbs with flags and words around them, so kubectl's own parsing decides what runs."""
    kube_api.reset()
    _seed(kube_api)
    command = shlex.join([*" ".join(before).split(), *shlex.split(verb), *" ".join(after).split()])
    assert _unapproved_writes(kube_api, tmp_path_factory.mktemp("state"), command, answer) == [], command
