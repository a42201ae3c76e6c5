"""A matrix of real kubectl commands against the fake API server.

Each case seeds a small cluster, runs one unmodified kubectl command and checks what a
person would see (output, exit code) and, for changes, what the cluster now holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import configmap, deployment, job, pod, service
from tests.fakes.kubectl import kubectl

Obj = dict[str, Any]
Check = Callable[[KubeApi], None]

WEB = deployment("web", replicas=2)
SEED = (WEB, service("web"), configmap("settings", {"mode": "fast"}))
NEW_DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "ghcr.io/acme/api:1.0"}]}
"""


@dataclass(frozen=True)
class Case:
    """One kubectl invocation and what it must show."""

    argv: tuple[str, ...]
    expect: tuple[str, ...] = ()
    code: int = 0
    stdin: str | None = None
    seed: tuple[Obj, ...] = SEED
    absent: tuple[str, ...] = ()
    seed_yaml: str = ""  # applied with kubectl first (client-side apply needs its annotation)
    prepare: Check | None = field(default=None, compare=False)
    check: Check | None = field(default=None, compare=False)


def _replicas(api: KubeApi, name: str) -> int:
    found = api.get("deployments", name, "default")
    assert found is not None
    return int(found["spec"]["replicas"])


def _pods(api: KubeApi, app: str) -> list[Obj]:
    return [p for p in api.list("pods", "default") if p["metadata"].get("labels", {}).get("app") == app]


def _image(api: KubeApi, name: str) -> str:
    found = api.get("deployments", name, "default")
    assert found is not None
    return str(found["spec"]["template"]["spec"]["containers"][0]["image"])


def _json_items(out: str) -> int:
    return len(json.loads(out)["items"])


def _assert(condition: bool, message: str = "") -> None:
    assert condition, message


def _roll_out_bad_image(api: KubeApi) -> None:
    api.mark_image_bad("nginx:bad")
    api.apply(deployment("web", image="nginx:bad"))


CASES: dict[str, Case] = {
    # reads
    "version": Case(("version",), ("Server Version: v1.37.0",)),
    "get-nodes-wide": Case(("get", "nodes", "-o", "wide"), ("INTERNAL-IP", "192.168.1.12", "containerd://")),
    "get-pods-all-ns": Case(("get", "pods", "-A"), ("NAMESPACE", "default", "Running", "1/1")),
    "get-deploy-yaml": Case(("get", "deploy", "web", "-o", "yaml"), ("kind: Deployment", "readyReplicas: 2")),
    "get-deploy-json": Case(("get", "deployments", "-o", "json"), ('"kind": "List"', '"name": "web"')),
    "get-name-label-selector": Case(("get", "pods", "-l", "app=web", "-o", "name"), ("pod/web-",)),
    "get-label-selector-none": Case(
        ("get", "pods", "-l", "app=nope"), ("No resources found in default namespace.",)
    ),
    "get-set-selector": Case(
        ("get", "deploy", "-l", "app in (web,api)", "-o", "name"), ("deployment.apps/web",)
    ),
    "get-field-selector-phase": Case(
        ("get", "pods", "--field-selector=status.phase=Running", "-o", "name"), ("pod/web-",)
    ),
    "get-field-selector-node": Case(
        ("get", "pods", "--field-selector=spec.nodeName=pi-2", "-o", "name"), ("pod/",)
    ),
    "get-jsonpath": Case(("get", "deploy", "web", "-o", "jsonpath={.status.availableReplicas}"), ("2",)),
    "get-custom-columns": Case(
        ("get", "pods", "-o", "custom-columns=NAME:.metadata.name,NODE:.spec.nodeName"), ("NODE", "pi-")
    ),
    "get-show-labels": Case(("get", "deploy", "--show-labels"), ("LABELS", "app=web")),
    "get-many-kinds": Case(
        ("get", "deploy,rs,svc,cm"), ("deployment.apps/web", "replicaset.apps/web-", "service/web")
    ),
    "get-all": Case(
        ("get", "all"), ("pod/web-", "service/web", "deployment.apps/web", "replicaset.apps/web-")
    ),
    "get-rs-wide": Case(("get", "rs", "-o", "wide"), ("pod-template-hash=", "nginx:1.27")),
    "get-svc-wide": Case(("get", "svc", "-o", "wide"), ("CLUSTER-IP", "10.43.", "80/TCP", "app=web")),
    "get-endpoints": Case(("get", "endpoints", "web"), ("10.42.",)),
    "get-unknown-kind": Case(
        ("get", "widgets"), ('the server doesn\'t have a resource type "widgets"',), code=1
    ),
    "get-missing": Case(
        ("get", "deploy", "missing"),
        ('Error from server (NotFound): deployments.apps "missing" not found',),
        code=1,
    ),
    "get-missing-namespace": Case(
        ("get", "pods", "-n", "nowhere"), ("No resources found in nowhere namespace.",)
    ),
    "get-events": Case(("get", "events"), ("LAST SEEN", "Scheduled", "pod/web-")),
    "events-cmd": Case(("events",), ("Started", "Pod/web-")),
    "describe-deploy": Case(
        ("describe", "deploy", "web"), ("Replicas:", "2 desired", "NewReplicaSet:", "Events:")
    ),
    "describe-pod": Case(
        ("describe", "pod", "solo"),
        ("Node:", "pi-", "Status:", "Running", "Events:", "Started container solo"),
        seed=(pod("solo"),),
    ),
    "describe-node": Case(
        ("describe", "node", "pi-1"), ("Conditions:", "MemoryPressure", "Non-terminated Pods")
    ),
    "describe-service": Case(("describe", "svc", "web"), ("Selector:", "app=web", "Endpoints:", "10.42.")),
    "describe-namespace": Case(("describe", "ns", "ai-agents"), ("Status:", "Active")),
    "api-resources": Case(
        ("api-resources",), ("deployments", "deploy", "apps/v1", "cronjobs", "clusterrolebindings")
    ),
    "api-resources-namespaced": Case(
        ("api-resources", "--namespaced=false", "-o", "name"), ("nodes", "namespaces")
    ),
    "api-versions": Case(("api-versions",), ("apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1")),
    "explain-field": Case(
        ("explain", "deployment.spec.replicas"), ("FIELD: replicas <integer>", "Number of desired")
    ),
    "explain-kind": Case(("explain", "pods"), ("KIND:       Pod", "spec\t<PodSpec>")),
    "auth-can-i": Case(("auth", "can-i", "delete", "pods"), ("yes",)),
    "auth-can-i-list": Case(("auth", "can-i", "--list"), ("*.*",)),
    "auth-whoami": Case(("auth", "whoami"), ("system:serviceaccount:ai-agents:binks",)),
    # writes
    "apply-create": Case(
        ("apply", "-f", "-"),
        ("deployment.apps/api created",),
        stdin=NEW_DEPLOYMENT,
        check=lambda api: _assert(len(_pods(api, "api")) == 3),
    ),
    "apply-unchanged": Case(
        ("apply", "-f", "-"),
        ("deployment.apps/api unchanged",),
        stdin=NEW_DEPLOYMENT,
        seed_yaml=NEW_DEPLOYMENT,
        check=lambda api: _assert(not api.mutations()),
    ),
    "apply-configured": Case(
        ("apply", "-f", "-"),
        ("deployment.apps/api configured",),
        stdin=NEW_DEPLOYMENT.replace("replicas: 3", "replicas: 1"),
        seed_yaml=NEW_DEPLOYMENT,
        check=lambda api: _assert(_replicas(api, "api") == 1),
    ),
    "apply-dry-run-server": Case(
        ("apply", "--dry-run=server", "-f", "-"),
        ("deployment.apps/api created (server dry run)",),
        stdin=NEW_DEPLOYMENT,
        check=lambda api: _assert(api.get("deployments", "api") is None and not api.mutations()),
    ),
    "apply-server-side": Case(
        ("apply", "--server-side", "-f", "-"),
        ("deployment.apps/api serverside-applied",),
        stdin=NEW_DEPLOYMENT,
        check=lambda api: _assert(_replicas(api, "api") == 3),
    ),
    "create-file": Case(("create", "-f", "-"), ("deployment.apps/api created",), stdin=NEW_DEPLOYMENT),
    "create-existing": Case(
        ("create", "-f", "-"),
        ('deployments.apps "web" already exists',),
        code=1,
        stdin=NEW_DEPLOYMENT.replace("name: api,", "name: web,"),
    ),
    "create-invalid": Case(
        ("create", "-f", "-"),
        ("is invalid", "`selector` does not match template `labels`"),
        code=1,
        stdin=NEW_DEPLOYMENT.replace("labels: {app: api}", "labels: {app: other}"),
    ),
    "create-unknown-field": Case(
        ("create", "-f", "-"),
        ('strict decoding error: unknown field "spec.replicaz"',),
        code=1,
        stdin=NEW_DEPLOYMENT.replace("replicas: 3", "replicaz: 3"),
    ),
    "create-namespace": Case(
        ("create", "namespace", "shop"),
        ("namespace/shop created",),
        check=lambda api: _assert(api.get("namespaces", "shop") is not None),
    ),
    "create-configmap": Case(
        ("create", "configmap", "cfg", "--from-literal=a=1"),
        ("configmap/cfg created",),
        check=lambda api: _assert((api.get("configmaps", "cfg") or {}).get("data") == {"a": "1"}),
    ),
    "create-deployment": Case(
        ("create", "deployment", "shop", "--image=nginx:1.27", "--replicas=2"),
        ("deployment.apps/shop created",),
        check=lambda api: _assert(len(_pods(api, "shop")) == 2),
    ),
    "create-job": Case(
        ("create", "job", "once", "--image=busybox", "--", "echo", "hi"), ("job.batch/once created",)
    ),
    "create-dry-run-server": Case(
        ("create", "configmap", "cfg", "--from-literal=a=1", "--dry-run=server"),
        ("configmap/cfg created (server dry run)",),
        check=lambda api: _assert(api.get("configmaps", "cfg") is None),
    ),
    "replace": Case(
        ("replace", "-f", "-"),
        ("deployment.apps/web replaced",),
        stdin=NEW_DEPLOYMENT.replace("name: api,", "name: web,").replace("app: api", "app: web"),
        check=lambda api: _assert(_image(api, "web") == "ghcr.io/acme/api:1.0"),
    ),
    "delete-deploy-cascades": Case(
        ("delete", "deploy", "web"),
        ('deployment.apps "web" deleted',),
        check=lambda api: _assert(not _pods(api, "web") and not api.list("replicasets", "default")),
    ),
    "delete-orphan": Case(
        ("delete", "deploy", "web", "--cascade=orphan"),
        ('deployment.apps "web" deleted',),
        check=lambda api: _assert(len(_pods(api, "web")) == 2),
    ),
    "delete-dry-run": Case(
        ("delete", "deploy", "web", "--dry-run=server"),
        ("(server dry run)",),
        check=lambda api: _assert(api.get("deployments", "web") is not None),
    ),
    "delete-missing": Case(("delete", "cm", "nope"), ('configmaps "nope" not found',), code=1),
    "delete-by-label": Case(("delete", "cm", "-l", "app=none"), ("No resources found",)),
    "delete-namespace": Case(
        ("delete", "namespace", "ai-agents"),
        ('namespace "ai-agents" deleted',),
        seed=(deployment("worker", namespace="ai-agents"),),
        check=lambda api: _assert(not api.list("pods", "ai-agents")),
    ),
    "scale": Case(
        ("scale", "deploy/web", "--replicas=4"),
        ("deployment.apps/web scaled",),
        check=lambda api: _assert(len(_pods(api, "web")) == 4),
    ),
    "scale-current-replicas-mismatch": Case(
        ("scale", "deploy/web", "--replicas=4", "--current-replicas=3"),
        ("Expected replicas to be 3, was 2",),
        code=1,
    ),
    "set-image": Case(
        ("set", "image", "deploy/web", "web=nginx:1.28"),
        ("image updated",),
        check=lambda api: _assert(_image(api, "web") == "nginx:1.28"),
    ),
    "label": Case(("label", "deploy", "web", "tier=front"), ("deployment.apps/web labeled",)),
    "label-conflict": Case(("label", "deploy", "web", "app=other"), ("already has a value (web)",), code=1),
    "annotate": Case(("annotate", "deploy", "web", "owner=binks"), ("deployment.apps/web annotated",)),
    "patch-strategic": Case(
        (
            "patch",
            "deploy",
            "web",
            "-p",
            '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"x:2"}]}}}}',
        ),
        ("patched",),
        check=lambda api: _assert(_image(api, "web") == "x:2"),
    ),
    "patch-merge": Case(
        ("patch", "deploy", "web", "--type=merge", "-p", '{"spec":{"replicas":1}}'),
        ("patched",),
        check=lambda api: _assert(_replicas(api, "web") == 1),
    ),
    "patch-json": Case(
        (
            "patch",
            "deploy",
            "web",
            "--type=json",
            "-p",
            '[{"op":"replace","path":"/spec/replicas","value":3}]',
        ),
        ("patched",),
        check=lambda api: _assert(_replicas(api, "web") == 3),
    ),
    "patch-json-bad-path": Case(
        ("patch", "deploy", "web", "--type=json", "-p", '[{"op":"replace","path":"/spec/nope/x","value":3}]'),
        ("missing",),
        code=1,
    ),
    "patch-dry-run": Case(
        (
            "patch",
            "deploy",
            "web",
            "--type=merge",
            "-p",
            '{"spec":{"replicas":5}}',
            "--dry-run=server",
            "-o",
            "jsonpath={.spec.replicas}",
        ),
        ("5",),
        check=lambda api: _assert(_replicas(api, "web") == 2),
    ),
    "diff": Case(
        ("diff", "-f", "-"),
        ("-  replicas: 2", "+  replicas: 3"),
        code=1,
        stdin=NEW_DEPLOYMENT.replace("name: api,", "name: web,").replace("app: api", "app: web"),
    ),
    "rollout-status": Case(
        ("rollout", "status", "deploy/web", "--timeout=10s"), ("successfully rolled out",)
    ),
    "rollout-history": Case(("rollout", "history", "deploy/web"), ("REVISION", "1 ")),
    "rollout-restart": Case(
        ("rollout", "restart", "deploy/web"),
        ("deployment.apps/web restarted",),
        check=lambda api: _assert(
            len(api.list("replicasets", "default")) == 2 and len(_pods(api, "web")) == 2
        ),
    ),
    "rollout-pause": Case(("rollout", "pause", "deploy/web"), ("deployment.apps/web paused",)),
    "cordon": Case(
        ("cordon", "pi-2"),
        ("node/pi-2 cordoned",),
        check=lambda api: _assert((api.get("nodes", "pi-2") or {})["spec"].get("unschedulable") is True),
    ),
    "drain": Case(
        ("drain", "pi-2", "--ignore-daemonsets", "--timeout=10s"),
        ("node/pi-2 drained",),
        check=lambda api: _assert(all(p["spec"]["nodeName"] == "pi-1" for p in _pods(api, "web"))),
    ),
    "drain-dry-run-server": Case(
        ("drain", "pi-2", "--ignore-daemonsets", "--dry-run=server"),
        ("node/pi-2 drained (server dry run)",),
        check=lambda api: _assert(
            len(_pods(api, "web")) == 2
            and not (api.get("nodes", "pi-2") or {})["spec"].get("unschedulable")
            and api.mutations() == []  # the Eviction's deleteOptions carry the dry run
        ),
    ),
    "wait-available": Case(
        ("wait", "--for=condition=Available", "deploy/web", "--timeout=5s"), ("condition met",)
    ),
    "wait-jsonpath": Case(
        ("wait", "--for=jsonpath={.status.readyReplicas}=2", "deploy/web", "--timeout=5s"), ("condition met",)
    ),
    # test-controlled behaviour
    "logs-pod": Case(
        ("logs", "solo"),
        ("line one\nline two",),
        seed=(pod("solo"),),
        prepare=lambda api: api.set_pod_log("default", "solo", "line one\nline two\n"),
    ),
    "logs-tail": Case(
        ("logs", "solo", "--tail=1"),
        ("line two",),
        absent=("line one",),
        seed=(pod("solo"),),
        prepare=lambda api: api.set_pod_log("default", "solo", "line one\nline two\n"),
    ),
    "logs-job": Case(
        ("logs", "job/report"),
        ('BINKS_RESULT {"ok": true}',),
        seed=(job("report"),),
        prepare=lambda api: api.set_job_outcome(
            "default", "report", "Succeeded", 'BINKS_RESULT {"ok": true}\n'
        ),
    ),
    "logs-missing-pod": Case(("logs", "ghost"), ('pods "ghost" not found',), code=1),
    "logs-image-pull-backoff": Case(
        ("logs", "solo"),
        ("is waiting to start: trying and failing to pull image",),
        code=1,
        seed=(pod("solo", image="nginx:bad"),),
        prepare=lambda api: api.mark_image_bad("nginx:bad"),
    ),
    "get-pods-image-pull-backoff": Case(
        ("get", "pods"),
        ("ImagePullBackOff", "0/1"),
        seed=(pod("solo", image="nginx:bad"),),
        prepare=lambda api: api.mark_image_bad("nginx:bad"),
    ),
    "wait-job-complete": Case(
        ("wait", "--for=condition=complete", "job/report", "--timeout=5s"),
        ("condition met",),
        seed=(job("report"),),
        prepare=lambda api: api.set_job_outcome("default", "report", "Succeeded"),
    ),
    "get-job-failed": Case(
        ("get", "job", "report"),
        ("Failed", "0/1"),
        seed=(job("report"),),
        prepare=lambda api: api.set_job_outcome("default", "report", "Failed"),
    ),
    "rollout-status-stuck-on-bad-image": Case(
        ("rollout", "status", "deploy/web", "--timeout=1s"),
        (
            'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated',
            "timed out waiting for the condition",
        ),
        code=1,
        prepare=lambda api: _roll_out_bad_image(api),
    ),
    "rollout-undo": Case(
        ("rollout", "undo", "deploy/web"),
        ("deployment.apps/web rolled back",),
        prepare=lambda api: api.apply(deployment("web", image="nginx:1.28")),
        check=lambda api: _assert(_image(api, "web") == "nginx:1.27"),
    ),
    "rollout-history-two": Case(
        ("rollout", "history", "deploy/web"),
        ("1         <none>", "2         <none>"),
        prepare=lambda api: api.apply(deployment("web", image="nginx:1.28")),
    ),
    "auth-can-i-denied": Case(
        ("auth", "can-i", "delete", "pods", "-n", "kube-system"),
        ("no",),
        code=1,
        prepare=lambda api: api.deny("delete", "pods", "kube-system"),
    ),
    "forbidden-list": Case(
        ("get", "secrets", "-n", "kube-system"),
        (
            "Error from server (Forbidden): secrets is forbidden: "
            'User "system:serviceaccount:ai-agents:binks" cannot list resource "secrets" '
            'in API group "" in the namespace "kube-system"',
        ),
        code=1,
        prepare=lambda api: api.deny("list", "secrets", "kube-system"),
    ),
    "forbidden-patch": Case(
        ("scale", "deploy/web", "--replicas=3"),
        (
            'deployments.apps "web" is forbidden: User "system:serviceaccount:ai-agents:binks" '
            'cannot patch resource "deployments/scale" in API group "apps" in the namespace "default"',
        ),
        code=1,
        prepare=lambda api: api.deny("patch", "deployments/scale"),
        check=lambda api: _assert(_replicas(api, "web") == 2),
    ),
    "server-error-injected": Case(
        ("get", "deploy", "web"),
        ("Error from server (InternalError)",),
        code=1,
        prepare=lambda api: api.fail_next("GET", r"/deployments/web$", 500),
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_kubectl(kube_api: KubeApi, case: Case) -> None:
    if case.seed_yaml:
        kubectl(kube_api, "apply", "-f", "-", stdin=case.seed_yaml)
    kube_api.apply(*case.seed)
    if case.prepare is not None:
        case.prepare(kube_api)
    kube_api.clear_requests()
    result = kubectl(kube_api, *case.argv, stdin=case.stdin)
    shown = result.out + result.err
    assert result.code == case.code, shown
    for text in case.expect:
        assert text in shown, f"{text!r} not in:\n{shown}"
    for text in case.absent:
        assert text not in shown
    if case.check is not None:
        case.check(kube_api)
