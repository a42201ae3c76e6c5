"""The kubernetes Python client (v37, pydantic models) against the fake API server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client, config, watch
from kubernetes.client.exceptions import ApiException

from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import configmap, deployment, job

Obj = dict[str, Any]


def _api(name: str, api_client: Any) -> Any:
    """A client API group, typed loosely: the tests read optional fields they know are set."""
    return getattr(client, name)(api_client)


@pytest.fixture
def api_client(kube_api: KubeApi) -> Iterator[Any]:
    new_client: Any = config.new_client_from_config  # untyped in the client package
    api = new_client(config_file=str(kube_api.kubeconfig))
    yield api
    api.close()


def test_lists_parse_into_complete_models(kube_api: KubeApi, api_client: Any) -> None:
    kube_api.apply(deployment("web"), job("report"))
    core, apps = _api("CoreV1Api", api_client), _api("AppsV1Api", api_client)
    nodes = core.list_node().items
    assert [n.metadata.name for n in nodes] == ["pi-1", "pi-2"]
    assert nodes[0].status.node_info.architecture == "arm64"
    pods = core.list_pod_for_all_namespaces().items
    assert len(pods) == 3
    assert all(p.metadata.uid and p.metadata.creation_timestamp and p.metadata.resource_version for p in pods)
    web = apps.read_namespaced_deployment("web", "default")
    assert web.status.available_replicas == 2
    assert {c.type for c in web.status.conditions} == {"Available", "Progressing"}
    assert web.metadata.managed_fields[0].manager == "test-seed"
    rs = apps.list_namespaced_replica_set("default").items[0]
    assert rs.metadata.owner_references[0].uid == web.metadata.uid
    assert rs.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    events = core.list_namespaced_event("default").items
    assert any(e.reason == "Scheduled" for e in events)
    batch = _api("BatchV1Api", api_client)
    assert batch.read_namespaced_job("report", "default").status.active == 1


def test_label_and_field_selectors(kube_api: KubeApi, api_client: Any) -> None:
    kube_api.apply(deployment("web"), deployment("api", replicas=1))
    core = _api("CoreV1Api", api_client)
    assert len(core.list_namespaced_pod("default", label_selector="app=web").items) == 2
    assert len(core.list_namespaced_pod("default", label_selector="app in (web,api)").items) == 3
    assert len(core.list_namespaced_pod("default", label_selector="app!=web").items) == 1
    assert len(core.list_namespaced_pod("default", label_selector="!app").items) == 0
    running = core.list_pod_for_all_namespaces(field_selector="status.phase=Running").items
    assert len(running) == 3
    named = core.list_namespaced_pod(
        "default", field_selector=f"metadata.name={running[0].metadata.name}"
    ).items
    assert [p.metadata.name for p in named] == [running[0].metadata.name]


def test_paging_with_limit_and_continue(kube_api: KubeApi, api_client: Any) -> None:
    kube_api.apply(*[configmap(f"cm-{n}", {"n": str(n)}) for n in range(5)])
    core = _api("CoreV1Api", api_client)
    first = core.list_namespaced_config_map("default", limit=2)
    assert len(first.items) == 2 and first.metadata._continue
    rest = core.list_namespaced_config_map("default", limit=10, _continue=first.metadata._continue)
    assert [c.metadata.name for c in first.items + rest.items] == [f"cm-{n}" for n in range(5)]


def test_create_patch_replace_delete(kube_api: KubeApi, api_client: Any) -> None:
    apps = _api("AppsV1Api", api_client)
    created = apps.create_namespaced_deployment("default", deployment("web"))
    assert created.metadata.generation == 1
    patched = apps.patch_namespaced_deployment("web", "default", {"spec": {"replicas": 3}})
    assert patched.spec.replicas == 3 and patched.metadata.generation == 2
    merged = apps.patch_namespaced_deployment(
        "web",
        "default",
        {"metadata": {"labels": {"tier": "front"}}},
        _content_type="application/merge-patch+json",
    )
    assert merged.metadata.labels == {"app": "web", "tier": "front"}
    jsonpatched = apps.patch_namespaced_deployment(
        "web",
        "default",
        [{"op": "replace", "path": "/spec/replicas", "value": 1}],
        _content_type="application/json-patch+json",
    )
    assert jsonpatched.spec.replicas == 1
    current = apps.read_namespaced_deployment("web", "default")
    current.spec.template.spec.containers[0].image = "nginx:1.28"
    replaced = apps.replace_namespaced_deployment("web", "default", current)
    assert replaced.spec.template.spec.containers[0].image == "nginx:1.28"
    assert len(kube_api.list("replicasets", "default")) == 2
    apps.delete_namespaced_deployment("web", "default")
    assert kube_api.list("pods", "default") == [] and kube_api.list("replicasets", "default") == []


def test_stale_resource_version_conflicts(kube_api: KubeApi, api_client: Any) -> None:
    kube_api.apply(deployment("web"))
    apps = _api("AppsV1Api", api_client)
    stale = apps.read_namespaced_deployment("web", "default")
    apps.patch_namespaced_deployment("web", "default", {"spec": {"replicas": 3}})
    stale.spec.replicas = 5
    with pytest.raises(ApiException) as caught:
        apps.replace_namespaced_deployment("web", "default", stale)
    assert caught.value.status == 409
    assert "the object has been modified" in str(caught.value.body)
    assert (kube_api.get("deployments", "web") or {})["spec"]["replicas"] == 3


def test_dry_run_on_every_mutating_verb_stores_nothing(kube_api: KubeApi, api_client: Any) -> None:
    kube_api.apply(deployment("web"))
    before = kube_api.get("deployments", "web")
    apps, core = _api("AppsV1Api", api_client), _api("CoreV1Api", api_client)
    would = apps.create_namespaced_deployment("default", deployment("api"), dry_run="All")
    assert would.metadata.uid and would.spec.strategy.type == "RollingUpdate"
    assert (
        apps.patch_namespaced_deployment(
            "web", "default", {"spec": {"replicas": 9}}, dry_run="All"
        ).spec.replicas
        == 9
    )
    current = apps.read_namespaced_deployment("web", "default")
    current.spec.replicas = 7
    assert apps.replace_namespaced_deployment("web", "default", current, dry_run="All").spec.replicas == 7
    assert (
        apps.patch_namespaced_deployment_scale(
            "web", "default", {"spec": {"replicas": 4}}, dry_run="All"
        ).spec.replicas
        == 4
    )
    apps.delete_namespaced_deployment("web", "default", dry_run="All")
    core.delete_collection_namespaced_pod("default", dry_run="All")
    core.patch_namespaced_config_map(
        "cm",
        "default",
        configmap("cm", {"a": "1"}),
        dry_run="All",
        field_manager="binks",
        _content_type="application/apply-patch+yaml",
    )
    assert kube_api.get("deployments", "web") == before
    assert kube_api.get("deployments", "api") is None and kube_api.get("configmaps", "cm") is None
    assert len(kube_api.list("pods", "default")) == 2
    assert kube_api.mutations() == []
    assert {r.verb for r in kube_api.requests() if r.dry_run} == {
        "create",
        "patch",
        "update",
        "delete",
        "deletecollection",
    }


def test_server_side_apply_creates_then_updates_with_manager(kube_api: KubeApi, api_client: Any) -> None:
    core = _api("CoreV1Api", api_client)
    body = configmap("settings", {"mode": "fast"})
    created = core.patch_namespaced_config_map(
        "settings", "default", body, field_manager="binks", _content_type="application/apply-patch+yaml"
    )
    assert created.data == {"mode": "fast"}
    body["data"] = {"mode": "slow", "extra": "1"}
    updated = core.patch_namespaced_config_map(
        "settings", "default", body, field_manager="binks", _content_type="application/apply-patch+yaml"
    )
    assert updated.data == {"mode": "slow", "extra": "1"}
    assert [(m.manager, m.operation) for m in updated.metadata.managed_fields] == [("binks", "Apply")]


def test_not_found_is_a_real_status(kube_api: KubeApi, api_client: Any) -> None:
    apps = _api("AppsV1Api", api_client)
    with pytest.raises(ApiException) as caught:
        apps.read_namespaced_deployment("ghost", "default")
    assert caught.value.status == 404
    status: Any = client.V1Status.from_json(str(caught.value.body))
    assert status.reason == "NotFound"
    assert status.message == 'deployments.apps "ghost" not found'
    assert status.details.name == "ghost" and status.details.group == "apps"


def test_watch_sees_changes_made_by_another_writer(kube_api: KubeApi, api_client: Any) -> None:
    core = _api("CoreV1Api", api_client)
    seen: list[tuple[str, str]] = []
    watch_class: Any = watch.Watch
    w = watch_class()
    since = core.list_namespaced_config_map("default").metadata.resource_version

    def consume() -> None:
        stream = w.stream(
            core.list_namespaced_config_map, "default", resource_version=since, timeout_seconds=5
        )
        for event in stream:
            seen.append((event["type"], event["object"].metadata.name))
            if event["type"] == "DELETED":
                w.stop()

    reader = threading.Thread(target=consume)
    reader.start()
    kube_api.apply(configmap("a", {"x": "1"}))
    kube_api.apply(configmap("a", {"x": "2"}))
    kube_api.delete("configmaps", "a", "default")
    reader.join(10)
    assert not reader.is_alive()
    assert ("ADDED", "a") in seen and ("MODIFIED", "a") in seen and seen[-1] == ("DELETED", "a")


def test_pod_log_and_status_subresource(kube_api: KubeApi, api_client: Any) -> None:
    kube_api.apply(job("report"))
    kube_api.set_job_outcome("default", "report", "Succeeded", log='step 1\nBINKS_RESULT {"ok": true}\n')
    core, batch = _api("CoreV1Api", api_client), _api("BatchV1Api", api_client)
    done = batch.read_namespaced_job_status("report", "default")
    assert [c.type for c in done.status.conditions] == ["SuccessCriteriaMet", "Complete"]
    assert done.status.succeeded == 1 and done.status.completion_time is not None
    pod = core.list_namespaced_pod("default", label_selector="job-name=report").items[0]
    assert (
        core.read_namespaced_pod_log(pod.metadata.name, "default", tail_lines=1)
        == 'BINKS_RESULT {"ok": true}\n'
    )
