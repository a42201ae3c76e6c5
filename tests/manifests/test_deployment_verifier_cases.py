"""deployment-verifier cases a real API server rarely shows on demand, against a stub API.

The end-to-end runs against the in-memory Kubernetes API server are in
``test_deployment_verifier.py``; here the stub answers exactly what each case needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.manifests.workers import (
    AGENTS,
    Reply,
    Request,
    closed_port_url,
    json_reply,
    run_script,
    stub_server,
    text_reply,
)
from tests.timing import generous

SCRIPT = AGENTS / "deployment_verifier.py"
FAST = {"poll_seconds": 0.05, "timeout_seconds": generous(30), "stuck_after_seconds": 0.2}
DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/demo/deployments/web"


def deployment(**status: Any) -> dict[str, Any]:
    return {
        "metadata": {
            "name": "web",
            "generation": 1,
            "annotations": {"deployment.kubernetes.io/revision": "2"},
        },
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"observedGeneration": 1, **status},
    }


def pod(
    name: str, pod_hash: str, *, ready: bool, restarts: int = 0, waiting: str | None = None
) -> dict[str, Any]:
    state = {"waiting": {"reason": waiting, "message": "details"}} if waiting else {"running": {}}
    container = {"name": "web", "ready": ready, "restartCount": restarts, "state": state}
    return {
        "metadata": {"name": name, "labels": {"app": "web", "pod-template-hash": pod_hash}},
        "status": {"phase": "Running" if ready else "Pending", "containerStatuses": [container]},
    }


READY = {"replicas": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}
NEW_SET = {
    "items": [
        {
            "metadata": {
                "name": "web-new",
                "annotations": {"deployment.kubernetes.io/revision": "2"},
                "labels": {"pod-template-hash": "new"},
            }
        }
    ]
}


@pytest.fixture
def token(tmp_path: Path) -> Path:
    path = tmp_path / "token"
    path.write_text("verifier-token\n")
    return path


def routes(deployments: list[dict[str, Any]], pods: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    """Serve the deployments in turn (the last one repeats), and always the same pods."""
    served = iter(deployments)
    last: list[dict[str, Any]] = []

    def get_deployment(_: Request) -> Reply:
        last[:] = [next(served, last[0] if last else deployments[-1])]
        return json_reply(last[0])

    return {
        ("GET", DEPLOYMENT_PATH): get_deployment,
        ("GET", "/apis/apps/v1/namespaces/demo/replicasets"): lambda _: json_reply(NEW_SET),
        ("GET", "/api/v1/namespaces/demo/pods"): lambda _: json_reply({"items": pods}),
    }


def verify(api_url: str, token: Path, **task: Any) -> Any:
    env = {"BINKS_KUBE_API_URL": api_url, "BINKS_KUBE_TOKEN_FILE": str(token)}
    return run_script(SCRIPT, env, task={"namespace": "demo", "deployment": "web", **FAST, **task})


def test_waits_through_a_rollout_and_counts_restarts(token: Path) -> None:
    rolling = deployment(replicas=3, updatedReplicas=1, readyReplicas=2, availableReplicas=2)
    pods = [
        pod("web-old", "old", ready=True, restarts=4, waiting=None),
        pod("web-new", "new", ready=True, restarts=1),
    ]
    with stub_server(routes([rolling, rolling, deployment(**READY)], pods)) as api:
        run = verify(api.url, token)
    result = run.result
    assert run.returncode == 0, run.stderr
    assert result["verdict"] == "ready"
    assert result["ready_replicas"] == 2
    assert result["restarts"] == 5
    assert api.requests[0].headers["Authorization"] == "Bearer verifier-token"
    assert sum(request.path == DEPLOYMENT_PATH for request in api.requests) == 3


def test_old_pods_crash_looping_do_not_make_a_new_rollout_stuck(token: Path) -> None:
    rolling = deployment(replicas=3, updatedReplicas=2, readyReplicas=2, availableReplicas=2)
    pods = [pod("web-old", "old", ready=False, waiting="CrashLoopBackOff"), pod("web-new", "new", ready=True)]
    states = [rolling] * 8 + [deployment(**READY)]
    with stub_server(routes(states, pods)) as api:
        run = verify(api.url, token)
    assert run.result["verdict"] == "ready", run.stderr


def test_a_new_pod_that_cannot_pull_its_image_is_stuck(token: Path) -> None:
    rolling = deployment(replicas=3, updatedReplicas=1, readyReplicas=2, availableReplicas=2)
    pods = [pod("web-old", "old", ready=True), pod("web-new", "new", ready=False, waiting="ImagePullBackOff")]
    with stub_server(routes([rolling], pods)) as api:
        run = verify(api.url, token)
    result = run.result
    assert run.returncode == 1
    assert result["ok"] is False
    assert result["verdict"] == "stuck"
    assert "web-new" in result["error"] and "ImagePullBackOff" in result["error"]
    assert result["updated_replicas"] == 1


def test_progress_deadline_exceeded_is_stuck_at_once(token: Path) -> None:
    condition = {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}
    failed = deployment(replicas=2, updatedReplicas=1, conditions=[condition])
    with stub_server(routes([failed], [])) as api:
        run = verify(api.url, token, stuck_after_seconds=60)
    assert run.result["verdict"] == "stuck"
    assert "progress deadline" in run.result["error"]


def test_gives_up_after_the_timeout(token: Path) -> None:
    unobserved = deployment(replicas=2) | {"metadata": {"name": "web", "generation": 5}}
    with stub_server(routes([unobserved], [])) as api:
        run = verify(api.url, token, timeout_seconds=0.3)
    assert run.result["verdict"] == "timeout"
    assert "not finished after" in run.result["error"]


def test_a_missing_deployment_is_reported_as_such(token: Path) -> None:
    with stub_server({}) as api:
        run = verify(api.url, token, stuck_after_seconds=0.1)
    assert run.result["verdict"] == "missing"
    assert "does not exist" in run.result["error"]


def test_the_health_url_decides_between_ready_and_unhealthy(token: Path) -> None:
    with stub_server(routes([deployment(**READY)], [])) as api:
        api.routes[("GET", "/healthz")] = lambda _: text_reply("ok")
        api.routes[("GET", "/broken")] = lambda _: text_reply("no", status=503)
        healthy = verify(api.url, token, health_url=api.url + "/healthz").result
        broken = verify(api.url, token, health_url=api.url + "/broken", health_timeout_seconds=0.2).result
    assert healthy["verdict"] == "ready"
    assert healthy["health"] == {"url": api.url + "/healthz", "status": 200, "ok": True}
    assert broken["verdict"] == "unhealthy"
    assert broken["ok"] is False
    assert "HTTP 503" in broken["error"]


def test_a_forbidden_service_account_says_to_apply_the_rbac(token: Path) -> None:
    forbidden = {("GET", DEPLOYMENT_PATH): lambda _: json_reply({"kind": "Status", "code": 403}, status=403)}
    with stub_server(forbidden) as api:
        run = verify(api.url, token)
    assert run.result["ok"] is False
    assert "403" in run.result["error"] and "manifests/rbac" in run.result["error"]


def test_an_unreachable_api_or_missing_token_is_a_failure_result(token: Path, tmp_path: Path) -> None:
    unreachable = verify(closed_port_url(), token).result
    assert unreachable["ok"] is False
    assert "cannot reach the Kubernetes API" in unreachable["error"]
    with stub_server(routes([deployment(**READY)], [])) as api:
        no_token = verify(api.url, tmp_path / "absent").result
    assert "service account token" in no_token["error"]
    outside = run_script(SCRIPT, {}, task={"namespace": "demo", "deployment": "web"}).result
    assert "KUBERNETES_SERVICE_HOST is unset" in outside["error"]


def test_bad_parameters_are_failure_results(token: Path) -> None:
    with stub_server({}) as api:
        assert "'deployment' is required" in verify(api.url, token, deployment="").result["error"]
        assert "must be a number" in verify(api.url, token, timeout_seconds="soon").result["error"]
        assert "http://" in verify(api.url, token, health_url="file:///etc/passwd").result["error"]
    assert not api.requests
