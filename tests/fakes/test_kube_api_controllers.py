"""The simulated controllers: rollouts, bad images, jobs, sets, garbage collection."""

from __future__ import annotations

from typing import Any

from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment, job, pod, service

Obj = dict[str, Any]


def _condition(obj: Obj | None, type_: str) -> Obj:
    assert obj is not None
    return next(c for c in obj["status"]["conditions"] if c["type"] == type_)


def test_deployment_rolls_out_to_ready_pods_on_both_nodes(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web", replicas=4))
    web = kube_api.get("deployments", "web")
    assert web is not None
    assert web["status"] | {"conditions": None} == {
        "observedGeneration": 1,
        "replicas": 4,
        "updatedReplicas": 4,
        "readyReplicas": 4,
        "availableReplicas": 4,
        "conditions": None,
    }
    assert _condition(web, "Progressing")["reason"] == "NewReplicaSetAvailable"
    pods = kube_api.list("pods", "default")
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["pi-1", "pi-1", "pi-2", "pi-2"]
    assert all(p["metadata"]["labels"]["pod-template-hash"] for p in pods)


def test_new_template_makes_a_new_revision_and_scales_the_old_one_down(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web"))
    kube_api.apply(deployment("web", image="nginx:1.28"))
    replicasets = sorted(
        kube_api.list("replicasets", "default"),
        key=lambda rs: rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
    )
    assert [rs["spec"]["replicas"] for rs in replicasets] == [0, 2]
    assert (kube_api.get("deployments", "web") or {})["metadata"]["annotations"][
        "deployment.kubernetes.io/revision"
    ] == "2"
    images = {p["spec"]["containers"][0]["image"] for p in kube_api.list("pods", "default")}
    assert images == {"nginx:1.28"}


def test_bad_image_leaves_the_rollout_stuck_and_old_pods_serving(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web", replicas=3))
    kube_api.mark_image_bad("nginx:broken")
    kube_api.apply(deployment("web", image="nginx:broken", replicas=3))
    web = kube_api.get("deployments", "web")
    assert web is not None
    assert web["status"]["updatedReplicas"] == 1 and web["status"]["availableReplicas"] == 3
    assert _condition(web, "Progressing")["reason"] == "ReplicaSetUpdated"
    stuck = [p for p in kube_api.list("pods", "default") if p["status"]["phase"] == "Pending"]
    assert len(stuck) == 1
    waiting = stuck[0]["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "ImagePullBackOff"
    warnings = [e for e in kube_api.list("events", "default") if e["type"] == "Warning"]
    assert any('Failed to pull image "nginx:broken"' in e["message"] for e in warnings)


def test_new_deployment_with_bad_image_is_unavailable(kube_api: KubeApi) -> None:
    kube_api.mark_image_bad("nginx:broken")
    kube_api.apply(deployment("web", image="nginx:broken"))
    assert _condition(kube_api.get("deployments", "web"), "Available")["status"] == "False"


def test_job_runs_until_the_test_decides(kube_api: KubeApi) -> None:
    kube_api.apply(job("report"))
    running = kube_api.get("jobs", "report")
    assert running is not None and running["status"]["active"] == 1 and "startTime" in running["status"]
    kube_api.set_job_outcome("default", "report", "Succeeded", log="done\n")
    done = kube_api.get("jobs", "report")
    assert _condition(done, "Complete")["status"] == "True"
    assert done is not None and done["status"]["succeeded"] == 1 and "completionTime" in done["status"]
    (worker,) = kube_api.list("pods", "default")
    assert worker["status"]["phase"] == "Succeeded"
    assert worker["status"]["containerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"


def test_job_outcome_set_before_the_job_exists(kube_api: KubeApi) -> None:
    kube_api.set_job_outcome("ai-agents", "worker-1", "Failed", log="boom\n")
    kube_api.apply(job("worker-1", namespace="ai-agents"))
    failed = kube_api.get("jobs", "worker-1", "ai-agents")
    assert _condition(failed, "Failed")["reason"] == "BackoffLimitExceeded"
    (worker,) = kube_api.list("pods", "ai-agents")
    assert worker["status"]["phase"] == "Failed"
    assert kube_api.state.world.pod_logs[("ai-agents", worker["metadata"]["name"])] == "boom\n"


def test_deleting_a_deployment_collects_replicasets_and_pods(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web"), deployment("api"))
    kube_api.delete("deployments", "web", "default")
    names = {p["metadata"]["labels"]["app"] for p in kube_api.list("pods", "default")}
    assert names == {"api"}
    assert len(kube_api.list("replicasets", "default")) == 1


def test_deleted_pod_of_a_replicaset_is_replaced(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web"))
    first = kube_api.list("pods", "default")[0]["metadata"]["name"]
    kube_api.delete("pods", first, "default")
    names = [p["metadata"]["name"] for p in kube_api.list("pods", "default")]
    assert len(names) == 2 and first not in names


def test_statefulset_and_daemonset_have_pods_and_status(kube_api: KubeApi) -> None:
    template = {
        "metadata": {"labels": {"app": "db"}},
        "spec": {"containers": [{"name": "db", "image": "pg:16"}]},
    }
    kube_api.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "db", "namespace": "default"},
            "spec": {
                "replicas": 2,
                "serviceName": "db",
                "selector": {"matchLabels": {"app": "db"}},
                "template": template,
            },
        },
        {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": {"name": "agent", "namespace": "kube-system"},
            "spec": {"selector": {"matchLabels": {"app": "db"}}, "template": template},
        },
    )
    sts = kube_api.get("statefulsets", "db")
    assert sts is not None and sts["status"]["readyReplicas"] == 2
    assert sorted(p["metadata"]["name"] for p in kube_api.list("pods", "default")) == ["db-0", "db-1"]
    ds = kube_api.get("daemonsets", "agent", "kube-system")
    assert ds is not None and ds["status"]["numberReady"] == 2 and ds["status"]["desiredNumberScheduled"] == 2


def test_service_endpoints_follow_ready_pods(kube_api: KubeApi) -> None:
    kube_api.apply(deployment("web"), service("web"))
    endpoints = kube_api.get("endpoints", "web")
    assert endpoints is not None and len(endpoints["subsets"][0]["addresses"]) == 2
    assert (
        kube_api.list("endpointslices", "default")[0]["metadata"]["labels"]["kubernetes.io/service-name"]
        == "web"
    )


def test_seeded_pod_status_is_kept(kube_api: KubeApi) -> None:
    crash = {
        "phase": "Running",
        "containerStatuses": [
            {
                "name": "app",
                "image": "app:1",
                "imageID": "",
                "ready": False,
                "restartCount": 7,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off"}},
            }
        ],
    }
    body = pod("app", image="app:1", status=crash)
    body["spec"]["containers"][0]["name"] = "app"
    kube_api.apply(body)
    stored = kube_api.get("pods", "app")
    assert stored is not None
    assert stored["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    assert stored["spec"]["nodeName"] in ("pi-1", "pi-2")
