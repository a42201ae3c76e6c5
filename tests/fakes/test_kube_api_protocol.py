"""Wire-level behaviour of the fake API server: discovery, tables, watch, log, faults, auth."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
import yaml

from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import configmap, deployment
from tests.fakes.kubectl import kubectl, ok

TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"


@pytest.fixture
def http(kube_api: KubeApi) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=kube_api.url, timeout=10) as session:
        yield session


def test_kubeconfig_names_the_binks_test_context(kube_api: KubeApi) -> None:
    config = yaml.safe_load(kube_api.kubeconfig.read_text())
    assert config["current-context"] == "binks-test"
    assert config["clusters"][0]["cluster"]["server"] == kube_api.url
    assert config["contexts"][0]["context"]["namespace"] == "default"
    assert config["users"][0]["user"]["token"] == kube_api.token


def test_discovery_documents(http: httpx.Client) -> None:
    assert http.get("/version/").json()["gitVersion"].startswith("v1.37")
    assert http.get("/api").json()["versions"] == ["v1"]
    groups = {g["name"] for g in http.get("/apis").json()["groups"]}
    assert {"apps", "batch", "networking.k8s.io", "rbac.authorization.k8s.io"} <= groups
    apps = http.get("/apis/apps/v1").json()
    names = {r["name"] for r in apps["resources"]}
    assert {"deployments", "deployments/scale", "deployments/status", "statefulsets"} <= names
    scale = next(r for r in apps["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["kind"]) == ("autoscaling", "Scale")


def test_openapi_v3_documents_carry_gvk_and_query_parameters(http: httpx.Client) -> None:
    root = http.get("/openapi/v3").json()["paths"]
    doc = http.get(root["apis/apps/v1"]["serverRelativeURL"]).json()
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "version": "v1",
        "kind": "Deployment",
    }
    assert {"dryRun", "fieldValidation", "fieldManager"} <= {p["name"] for p in patch["parameters"]}
    schemas = doc["components"]["schemas"]
    spec = next(s for name, s in schemas.items() if name.endswith(".DeploymentSpec"))
    assert spec["properties"]["replicas"]["type"] == "integer"


def test_unknown_paths_answer_with_a_404_status(http: httpx.Client) -> None:
    for path in ("/apis/apps/v1/widgets", "/apis/nope.example.com/v1", "/nonsense"):
        reply = http.get(path)
        assert reply.status_code == 404
        assert reply.json() | {"message": ""} == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "",
            "reason": "NotFound",
            "details": {},
            "code": 404,
        }


def test_table_rows_carry_partial_metadata(kube_api: KubeApi, http: httpx.Client) -> None:
    kube_api.apply(deployment("web"))
    table = http.get("/apis/apps/v1/namespaces/default/deployments", headers={"Accept": TABLE}).json()
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == [
        "Name",
        "Ready",
        "Up-to-date",
        "Available",
        "Age",
    ]
    row = table["rows"][0]
    assert row["cells"][:4] == ["web", "2/2", 2, 2]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["name"] == "web"


def test_watch_list_sends_initial_events_then_the_end_bookmark(kube_api: KubeApi, http: httpx.Client) -> None:
    kube_api.apply(configmap("a", {"x": "1"}), configmap("b", {"x": "1"}))
    params = {
        "watch": "1",
        "sendInitialEvents": "true",
        "resourceVersionMatch": "NotOlderThan",
        "allowWatchBookmarks": "true",
        "timeoutSeconds": "1",
    }
    events = []
    with http.stream("GET", "/api/v1/namespaces/default/configmaps", params=params) as reply:
        for line in reply.iter_lines():
            events.append(json.loads(line))
            if events[-1]["type"] == "BOOKMARK":
                break
    assert [(e["type"], e["object"]["metadata"].get("name")) for e in events[:3]] == [
        ("ADDED", "a"),
        ("ADDED", "b"),
        ("BOOKMARK", None),
    ]
    assert events[2]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_watch_from_a_resource_version_replays_later_changes(kube_api: KubeApi, http: httpx.Client) -> None:
    since = http.get("/api/v1/namespaces/default/configmaps").json()["metadata"]["resourceVersion"]
    kube_api.apply(configmap("a", {"x": "1"}))
    kube_api.delete("configmaps", "a", "default")
    params = {"watch": "true", "resourceVersion": since, "timeoutSeconds": "10"}
    types = []
    with http.stream("GET", "/api/v1/namespaces/default/configmaps", params=params) as reply:
        for line in reply.iter_lines():
            types.append(json.loads(line)["type"])
            if types[-1] == "DELETED":
                break
    assert types == ["ADDED", "DELETED"]


def test_request_log_records_what_kubectl_did(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web"))
    ok(kube_api, "scale", "deploy/web", "--replicas=3")
    ok(kube_api, "get", "pods")
    (mutation,) = kube_api.mutations()
    assert (mutation.method, mutation.verb, mutation.resource, mutation.subresource) == (
        "PATCH",
        "patch",
        "deployments",
        "scale",
    )
    assert (mutation.namespace, mutation.name, mutation.status, mutation.dry_run) == (
        "default",
        "web",
        200,
        False,
    )
    lists = [r for r in kube_api.requests() if r.verb == "list" and r.resource == "pods"]
    assert len(lists) == 1 and not lists[0].mutating


def test_apply_from_the_fixture_is_not_in_the_request_log(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web"))
    assert kube_api.requests() == []


def test_fail_next_injects_errors_then_recovers(kube_api: KubeApi, http: httpx.Client) -> None:
    kube_api.fail_next("GET", r"/namespaces/default/pods$", 503, times=2)
    assert http.get("/api/v1/namespaces/default/pods").status_code == 503
    assert http.get("/api/v1/namespaces/default/pods").json()["reason"] == "ServiceUnavailable"
    assert http.get("/api/v1/namespaces/default/pods").status_code == 200
    kube_api.fail_next("*", r"/pods$", 0, delay_s=0.3)
    started = time.monotonic()
    assert http.get("/api/v1/namespaces/default/pods").status_code == 200
    assert time.monotonic() - started >= 0.3
    assert [r.status for r in kube_api.requests()] == [503, 503, 200, 200]


def test_deny_forbids_requests_and_can_i(kube_api: KubeApi, http: httpx.Client) -> None:
    kube_api.deny("delete", "deployments", "default")
    kube_api.apply(deployment("web"))
    reply = http.delete("/apis/apps/v1/namespaces/default/deployments/web")
    assert reply.status_code == 403
    assert reply.json()["message"] == (
        'deployments.apps "web" is forbidden: User "system:serviceaccount:ai-agents:binks" cannot delete '
        'resource "deployments" in API group "apps" in the namespace "default"'
    )
    assert kube_api.get("deployments", "web") is not None
    assert kubectl(kube_api, "auth", "can-i", "delete", "deployments").out.strip() == "no"
    assert kubectl(kube_api, "auth", "can-i", "delete", "deployments", "-n", "ai-agents").out.strip() == "yes"


def test_wrong_token_is_unauthorized(http: httpx.Client) -> None:
    reply = http.get("/api/v1/pods", headers={"Authorization": "Bearer wrong"})
    assert reply.status_code == 401 and reply.json()["reason"] == "Unauthorized"


def test_reset_restores_the_default_cluster(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web"))
    kube_api.deny("get", "*")
    kube_api.mark_image_bad("x")
    kube_api.reset()
    assert kube_api.list("pods") == [] and kube_api.requests() == []
    assert [n["metadata"]["name"] for n in kube_api.list("nodes")] == ["pi-1", "pi-2"]
    assert {ns["metadata"]["name"] for ns in kube_api.list("namespaces")} == {
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        "ai-agents",
        "ai-services",
    }
    assert "pi-1" in ok(kube_api, "get", "nodes")
