"""Typed tools and find on the real kubectl path: compiled argv, the same gate, the cluster changed."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binks.graph.nodes.propose import changes_nothing
from binks.tools.actions import ACTIONS, compile_argv, parse_action
from binks.tools.argv import parse_argv
from binks.tools.classify import classify_argv
from binks.tools.models import ProposedChange
from binks.tools.typed import TypedToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import configmap, deployment


async def _run(box: TypedToolbox, name: str, args: dict[str, Any]) -> ProposedChange:
    """Propose, execute and verify a typed call as the graph does; return the proposed change."""
    assert box.assess(name, args).mutating
    change = await box.propose(name, args, thread_id="t1", step_id="s1")
    assert change.tool == "run_kubectl" and change.dry_run.ok, change.dry_run.message
    result = await box.execute(change)
    assert result.ok, result.error
    verified = await box.verify(change, result)
    assert verified.ok, verified
    return change


async def test_scale_finds_the_namespace_and_goes_through_the_gate(
    typed: TypedToolbox, kube_api: KubeApi
) -> None:
    change = await typed.propose("scale", {"name": "web", "replicas": 3}, thread_id="t1", step_id="s1")
    assert change.argv == ["scale", "deployment/web", "-n=shop", "--replicas=3"]
    assert change.namespace == "shop" and change.verb == "scale"
    assert "replicas: 1" in (change.dry_run.diff or "") and "replicas: 3" in (change.dry_run.diff or "")
    assert kube_api.mutations() == [], "proposing is a dry-run"
    await _run(typed, "scale", {"name": "web", "replicas": 3})
    assert kube_api.get("deployments", "web", "shop")["spec"]["replicas"] == 3  # type: ignore[index]


async def test_image_resources_restart_and_rollback(typed: TypedToolbox, kube_api: KubeApi) -> None:
    change = await _run(typed, "set_image", {"name": "web", "image": "nginx:1.27"})
    assert change.argv == ["set", "image", "deployment/web", "web=nginx:1.27", "-n=shop"]
    await _run(typed, "set_resources", {"name": "web", "namespace": "shop", "memory_limit": "256Mi"})
    web = kube_api.get("deployments", "web", "shop")
    assert web is not None
    container = web["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.27", "the image survived the resources change"
    assert container["resources"]["limits"]["memory"] == "256Mi"
    restart = await _run(typed, "restart", {"name": "web"})
    assert restart.argv == ["rollout", "restart", "deployment/web", "-n=shop"]
    await _run(typed, "rollback", {"name": "web"})


async def test_selector_and_configmap_mount(typed: TypedToolbox, kube_api: KubeApi) -> None:
    await _run(typed, "set_selector", {"name": "web", "selector": {"app": "web", "tier": "front"}})
    svc = kube_api.get("services", "web", "shop")
    assert svc is not None and svc["spec"]["selector"] == {"app": "web", "tier": "front"}
    created = await _run(
        typed, "create_configmap", {"name": "web-conf", "namespace": "shop", "data": {"mode": "fast"}}
    )
    assert created.verb == "create"
    found = kube_api.get("configmaps", "web-conf", "shop")
    assert found is not None and found["data"] == {"mode": "fast"}
    await _run(typed, "mount_configmap", {"name": "web", "configmap": "web-conf", "path": "/etc/web"})
    spec = kube_api.get("deployments", "web", "shop")["spec"]["template"]["spec"]  # type: ignore[index]
    assert {"name": "cm-web-conf", "configMap": {"name": "web-conf"}} in spec["volumes"]
    assert spec["containers"][0]["volumeMounts"] == [{"name": "cm-web-conf", "mountPath": "/etc/web"}]
    assert spec["containers"][0]["image"] == "nginx:1.25"


async def test_a_name_that_is_nowhere_lists_what_exists(typed: TypedToolbox, kube_api: KubeApi) -> None:
    with pytest.raises(ValueError, match=r"no deployment is named shp-web in any namespace") as caught:
        await typed.propose("scale", {"name": "shp-web", "replicas": 2}, thread_id="t", step_id="s1")
    assert "web -n shop" in str(caught.value), "the error names what does exist"
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "blog"}})
    kube_api.apply(deployment("web", namespace="blog"))
    with pytest.raises(ValueError, match=r"several namespaces \(blog, shop\)"):
        await typed.propose("scale", {"name": "web", "replicas": 2}, thread_id="t", step_id="s1")
    with pytest.raises(ValueError, match="create_configmap needs a namespace: the namespaces are"):
        await typed.propose(
            "create_configmap", {"name": "x", "data": {"a": "b"}}, thread_id="t", step_id="s1"
        )
    assert kube_api.mutations() == []


async def test_two_containers_need_a_name(typed: TypedToolbox, kube_api: KubeApi) -> None:
    two = deployment("api", namespace="shop")
    two["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": "busybox:1.36"})
    kube_api.apply(two)
    with pytest.raises(ValueError, match=r"several containers \(api, sidecar\): give container"):
        await typed.propose("set_image", {"name": "api", "image": "x:1"}, thread_id="t", step_id="s1")
    change = await typed.propose(
        "set_image", {"name": "api", "image": "x:1", "container": "sidecar"}, thread_id="t", step_id="s1"
    )
    assert change.argv is not None and "sidecar=x:1" in change.argv


async def test_find_matches_names_and_labels_or_lists_what_exists(
    typed: TypedToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply(configmap("checkout-settings", {"a": "b"}, namespace="shop"))
    assert not typed.assess("find", {"text": "web"}).mutating
    found = await typed.read("find", {"text": "checkout"})
    assert found.ok and "configmap checkout-settings -n shop" in found.output
    by_kind = await typed.read("find", {"text": "web", "kind": "deploy"})
    first, besides = by_kind.output.split("Other kinds matching 'web':")
    assert "deployment web -n shop (app=web)" in first and "service" not in first
    assert "service web -n shop" in besides, "the kind asked for first, the others named after it"
    other_kind = await typed.read("find", {"text": "checkout", "kind": "deployment"})
    assert other_kind.output.startswith("No deployment matches 'checkout'; other kinds do:")
    assert "configmap checkout-settings -n shop" in other_kind.output
    nothing = await typed.read("find", {"text": "payments"})
    assert nothing.output.startswith("Nothing matches 'payments'. What exists")
    assert "web -n shop" in nothing.output and "kube-root-ca.crt" not in nothing.output
    assert kube_api.mutations() == []


async def test_actions_are_never_reads(typed: TypedToolbox) -> None:
    with pytest.raises(Exception, match="needs approval"):
        await typed.read("scale", {"name": "web", "replicas": 2})


def test_the_model_sees_the_typed_tools_and_the_real_worker_types(typed: TypedToolbox) -> None:
    names = [spec["function"]["name"] for spec in typed.specs()]
    assert names[:4] == ["run_kubectl", "get_cluster_status", "spawn_worker_agent", "check_agent_status"]
    assert set(names[4:]) == {"find", *ACTIONS}
    spawn = next(spec for spec in typed.specs() if spec["function"]["name"] == "spawn_worker_agent")
    assert spawn["function"]["parameters"]["properties"]["agent_type"]["enum"] == ["echo"]
    basic = TypedToolbox(typed.inner, typed.settings.model_copy(update={"tool_set": "basic"}))
    assert len(basic.specs()) == 4


NAMES = st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9]", fullmatch=True)
QUANTITIES = st.sampled_from(["100m", "1", "0.5", "64Mi", "1Gi", "250m"])
TEXT = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x2FFF), min_size=1, max_size=30)
CALLS = st.one_of(
    st.builds(lambda n, r: ("scale", {"name": n, "replicas": r}), NAMES, st.integers(0, 1000)),
    st.builds(lambda n, i: ("set_image", {"name": n, "image": i}), NAMES, TEXT),
    st.builds(lambda n, q: ("set_resources", {"name": n, "cpu_limit": q}), NAMES, QUANTITIES),
    st.builds(lambda n, r: ("rollback", {"name": n, "revision": r}), NAMES, st.none() | st.integers(1, 99)),
    st.builds(lambda n: ("restart", {"name": n}), NAMES),
    st.builds(lambda n, k, v: ("set_selector", {"name": n, "selector": {k: v}}), NAMES, NAMES, NAMES),
    st.builds(lambda n, k, v: ("create_configmap", {"name": n, "data": {k: v}}), NAMES, NAMES, TEXT),
    st.builds(lambda n, c: ("mount_configmap", {"name": n, "configmap": c, "path": "/etc/x"}), NAMES, NAMES),
    st.builds(lambda n, k, v: ("label", {"name": n, "labels": {k: v}}), NAMES, NAMES, NAMES),
)


@given(call=CALLS, namespace=NAMES, container=NAMES)
def test_every_action_compiles_to_one_change_the_classifier_judges(
    call: tuple[str, dict[str, Any]], namespace: str, container: str
) -> None:
    name, args = call
    argv = compile_argv(parse_action(name, {**args, "namespace": namespace}), container)
    assert shlex.split(shlex.join(argv)) == argv, "the command survives the trip through run_kubectl"
    judged = classify_argv(argv)
    assert judged.mutating and judged.namespace == namespace
    assert parse_argv(argv).positionals[0] in (
        f"deployment/{args['name']}",
        f"{args.get('kind', 'deployment')}/{args['name']}",
        f"service/{args['name']}",
        args["name"],
    )
    if name == "mount_configmap":
        patch = json.loads(argv[argv.index("-p") + 1])
        assert patch["spec"]["template"]["spec"]["containers"][0]["name"] == container


async def test_a_wrong_namespace_is_replaced_by_the_one_that_holds_the_object(typed: TypedToolbox) -> None:
    change = await typed.propose(
        "scale", {"name": "web", "namespace": "ai-agents", "replicas": 2}, thread_id="t", step_id="s1"
    )
    assert change.argv == ["scale", "deployment/web", "-n=shop", "--replicas=2"], "the plan shows where"


async def test_an_empty_read_says_what_empty_means(typed: TypedToolbox) -> None:
    jsonpath = "jsonpath={.spec.template.spec.containers[0].livenessProbe.httpGet.port}"
    result = await typed.read("run_kubectl", {"command": f"get deployment web -n shop -o {jsonpath}"})
    assert result.ok and result.output.startswith("(kubectl printed nothing: no object matched")


async def test_a_namespace_given_as_the_name_means_its_one_object(typed: TypedToolbox) -> None:
    change = await typed.propose(
        "set_resources",
        {"name": "shop", "namespace": "shop", "cpu_request": "100m"},
        thread_id="t",
        step_id="s1",
    )
    assert change.argv is not None and change.argv[2] == "deployment/web", "the plan names the real object"


async def test_label_adds_labels_through_the_gate(typed: TypedToolbox, kube_api: KubeApi) -> None:
    change = await _run(typed, "label", {"name": "deployment/Web", "labels": "team=payments"})
    assert sorted(change.argv or []) == sorted(
        ["label", "deployment/web", "-n=shop", "team=payments", "--overwrite"]
    )
    web = kube_api.get("deployments", "web", "shop")
    assert web is not None and web["metadata"]["labels"]["team"] == "payments"
    assert web["spec"]["replicas"] == 1, "a label is not a scale"
    await _run(typed, "label", {"name": "web", "kind": "service", "labels": {"tier": "front"}})
    svc = kube_api.get("services", "web", "shop")
    assert svc is not None and svc["metadata"]["labels"]["tier"] == "front"


async def test_a_change_that_changes_nothing_is_seen_as_such(typed: TypedToolbox) -> None:
    """The API server's dry-run, not Binks, says the object stays as it is (scale to its count)."""
    same = await typed.propose("scale", {"name": "web", "replicas": 1}, thread_id="t", step_id="s1")
    assert same.dry_run.ok and changes_nothing(same)
    other = await typed.propose("scale", {"name": "web", "replicas": 2}, thread_id="t", step_id="s1")
    assert not changes_nothing(other)
    labelled = await typed.propose(
        "label", {"name": "web", "labels": {"a": "b"}}, thread_id="t", step_id="s1"
    )
    assert not changes_nothing(labelled)
    undo = await typed.propose("rollback", {"name": "web"}, thread_id="t", step_id="s1")
    assert not changes_nothing(undo), "rollout undo's dry-run prints the object as it is now"


async def test_a_name_close_to_one_object_is_that_object(typed: TypedToolbox, kube_api: KubeApi) -> None:
    kube_api.apply(deployment("catalog-api", namespace="shop"))
    change = await typed.propose("scale", {"name": "catalog", "replicas": 4}, thread_id="t", step_id="s1")
    assert change.argv == ["scale", "deployment/catalog-api", "-n=shop", "--replicas=4"], "the plan names it"
    kube_api.apply(deployment("catalog-web", namespace="shop"))
    with pytest.raises(ValueError, match="no deployment is named catalog") as caught:
        await typed.propose("scale", {"name": "catalog", "replicas": 4}, thread_id="t", step_id="s1")
    assert "catalog-api -n shop" in str(caught.value) and "catalog-web -n shop" in str(caught.value)
    assert kube_api.mutations() == []


async def test_a_jsonpath_over_a_list_is_read_next_to_its_names(
    typed: TypedToolbox, kube_api: KubeApi
) -> None:
    kube_api.apply(deployment("cart", namespace="shop", replicas=2))
    kube_api.apply(deployment("catalog", namespace="shop", replicas=5))
    command = "get deployments -n shop -o jsonpath='{.items[*].spec.replicas}'"
    result = await typed.read("run_kubectl", {"command": command})
    assert result.ok
    rows = {line.split()[1]: line.split()[2] for line in result.output.splitlines()[2:] if line.strip()}
    assert rows == {"cart": "2", "catalog": "5", "web": "1"}, result.output
    assert not typed.assess("run_kubectl", {"command": command}).mutating


async def test_a_container_that_is_not_there_is_the_only_one(typed: TypedToolbox, kube_api: KubeApi) -> None:
    """The 1.5B model gave the namespace as the container: one container has one answer."""
    args = {"name": "shop", "namespace": "shop", "container": "shop", "memory_limit": "256Mi"}
    change = await typed.propose("set_resources", args, thread_id="t", step_id="s1")
    assert change.argv is not None and "-c=web" in change.argv and change.dry_run.ok, change.dry_run.message
    two = deployment("api", namespace="shop")
    two["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": "busybox:1.36"})
    kube_api.apply(two)
    with pytest.raises(
        ValueError, match=r"several containers \(api, sidecar\): give container \(shop is not"
    ):
        await typed.propose(
            "set_image", {"name": "api", "image": "x:1", "container": "shop"}, thread_id="t", step_id="s1"
        )
