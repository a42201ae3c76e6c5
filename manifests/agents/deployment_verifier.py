"""Worker agent ``deployment-verifier``: tells whether a Deployment is rolled out, ready and healthy.

Task parameters (``BINKS_TASK``, JSON):

- ``namespace`` (required) and ``deployment`` (required; ``name`` is accepted too);
- ``timeout_seconds`` (default 300): how long to wait for the rollout;
- ``health_url`` (optional): an HTTP URL that must answer 2xx once the rollout is done, e.g.
  ``http://web.demo.svc:8080/healthz``; ``health_timeout_seconds`` (default 30);
- ``stuck_after_seconds`` (default 60): a new pod waiting that long in ImagePullBackOff,
  CrashLoopBackOff, a config error or Unschedulable makes the verdict ``stuck`` before the
  timeout, because waiting the full timeout on a Pi for a typo in an image tag helps no one;
- ``poll_seconds`` (default 2).

The result reports ``verdict`` (``ready``, ``stuck``, ``timeout``, ``missing`` or
``unhealthy``), the replica counts, total container restarts and each pod's state. The
verdict is data read from the API (the rollout rules ``kubectl rollout status`` uses), not a
model's opinion, so this worker never calls the model.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.parse
from typing import Any

from binks_worker import (
    JsonObject,
    WorkerError,
    http_request,
    log,
    number,
    optional_str,
    require_str,
    run,
    time_left,
)
from worker_kube import KubeApi, label_selector

AGENT = "deployment-verifier"
STUCK_REASONS = frozenset(
    {
        "ImagePullBackOff",
        "ErrImagePull",
        "ErrImageNeverPull",
        "InvalidImageName",
        "CrashLoopBackOff",
        "CreateContainerConfigError",
        "CreateContainerError",
        "Unschedulable",
    }
)
MAX_PODS_REPORTED = 20
REVISION = "deployment.kubernetes.io/revision"


def _labels(obj: JsonObject) -> dict[str, str]:
    labels: dict[str, str] = (obj.get("metadata") or {}).get("labels") or {}
    return labels


def rollout_state(deployment: JsonObject) -> tuple[str, str]:
    """``("done" | "waiting" | "failed", message)`` by the rules of ``kubectl rollout status``."""
    metadata, spec, status = (deployment.get(key) or {} for key in ("metadata", "spec", "status"))
    name = metadata.get("name", "?")
    if metadata.get("generation", 0) > status.get("observedGeneration", 0):
        return "waiting", f"waiting for the deployment spec update of {name} to be observed"
    for condition in status.get("conditions") or []:
        if condition.get("type") == "Progressing" and condition.get("reason") == "ProgressDeadlineExceeded":
            return "failed", f"deployment {name} exceeded its progress deadline"
    desired = spec.get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    if updated < desired:
        return "waiting", f"{updated} of {desired} updated replicas are available"
    if status.get("replicas", 0) > updated:
        old = status.get("replicas", 0) - updated
        return "waiting", f"{old} old replicas are pending termination"
    if status.get("availableReplicas", 0) < updated:
        return "waiting", f"{status.get('availableReplicas', 0)} of {updated} updated replicas are available"
    return "done", f"deployment {name} successfully rolled out"


def pod_summary(pod: JsonObject) -> JsonObject:
    """Name, phase, readiness, restarts and why a pod is waiting, if it is."""
    status = pod.get("status") or {}
    containers = status.get("containerStatuses") or []
    waiting: list[JsonObject] = []
    for container in containers:
        state = (container.get("state") or {}).get("waiting") or {}
        if state.get("reason"):
            waiting.append(
                {
                    "container": container.get("name"),
                    "reason": state["reason"],
                    "message": state.get("message", ""),
                }
            )
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            reason = condition.get("reason") or "Unschedulable"
            waiting.append({"container": None, "reason": reason, "message": condition.get("message", "")})
    return {
        "name": (pod.get("metadata") or {}).get("name"),
        "phase": status.get("phase"),
        "ready": bool(containers) and all(c.get("ready") for c in containers),
        "restarts": sum(int(c.get("restartCount", 0)) for c in containers),
        "waiting": waiting,
    }


def stuck_reason(summary: JsonObject) -> str | None:
    """Why a pod counts as stuck (``container: Reason message``), if it does."""
    for waiting in summary["waiting"]:
        if waiting["reason"] in STUCK_REASONS:
            where = f"{waiting['container']}: " if waiting["container"] else ""
            return f"{where}{waiting['reason']} {waiting['message']}".strip()
    return None


class Verifier:
    """One verification: polls the Deployment and its pods until a verdict."""

    def __init__(self, api: KubeApi, task: JsonObject) -> None:
        self.api = api
        self.namespace = require_str(task, "namespace")
        self.name = require_str(task, "deployment", "name")
        self.ref = f"{self.namespace}/{self.name}"
        self.timeout = number(task, "timeout_seconds", 300, low=1, high=3600)
        self.stuck_after = number(task, "stuck_after_seconds", 60, low=0, high=3600)
        self.poll = number(task, "poll_seconds", 2, low=0.05, high=60)
        self.health_url = optional_str(task, "health_url")
        self.health_timeout = number(task, "health_timeout_seconds", 30, low=0, high=600)
        if self.health_url and urllib.parse.urlsplit(self.health_url).scheme not in ("http", "https"):
            raise WorkerError(f"health_url must be an http:// or https:// URL, got {self.health_url!r}")
        self.started = time.monotonic()
        # Leave room for the health check and the result line before the Job's deadline.
        self.timeout = max(1.0, min(self.timeout, time_left() - self.health_timeout - 5))
        self.first_stuck: dict[str, float] = {}

    def deployment_path(self) -> str:
        """The API path of the Deployment under verification."""
        ns, name = (urllib.parse.quote(part, safe="") for part in (self.namespace, self.name))
        return f"/apis/apps/v1/namespaces/{ns}/deployments/{name}"

    def new_pods(self, deployment: JsonObject, pods: list[JsonObject]) -> list[JsonObject]:
        """The pods of the Deployment's newest ReplicaSet (all pods when that cannot be told)."""
        revision = ((deployment.get("metadata") or {}).get("annotations") or {}).get(REVISION)
        selector = label_selector((deployment.get("spec") or {}).get("selector") or {})
        sets = self.api.get(
            f"/apis/apps/v1/namespaces/{urllib.parse.quote(self.namespace)}/replicasets",
            {"labelSelector": selector},
        )
        for replica_set in (sets or {}).get("items") or []:
            meta = replica_set.get("metadata") or {}
            if not revision or (meta.get("annotations") or {}).get(REVISION) != revision:
                continue
            pod_hash = (meta.get("labels") or {}).get("pod-template-hash")
            matching = [pod for pod in pods if _labels(pod).get("pod-template-hash") == pod_hash]
            if pod_hash and matching:
                return matching
        return pods

    def pods(self, deployment: JsonObject) -> list[JsonObject]:
        """Every pod the Deployment's selector matches."""
        selector = label_selector((deployment.get("spec") or {}).get("selector") or {})
        if not selector:
            return []
        listing = self.api.get(
            f"/api/v1/namespaces/{urllib.parse.quote(self.namespace)}/pods", {"labelSelector": selector}
        )
        return [pod for pod in (listing or {}).get("items") or [] if isinstance(pod, dict)]

    def check_stuck(self, new_pods: list[JsonObject]) -> str | None:
        """A reason when a new pod has been stuck for ``stuck_after`` seconds."""
        now = time.monotonic()
        for pod in new_pods:
            summary = pod_summary(pod)
            reason = stuck_reason(summary)
            key = str(summary["name"])
            if reason is None:
                self.first_stuck.pop(key, None)
                continue
            since = self.first_stuck.setdefault(key, now)
            if now - since >= self.stuck_after:
                return f"pod {key} is stuck: {reason}"
        return None

    def health(self) -> JsonObject:
        """Ask ``health_url`` until it answers 2xx or ``health_timeout`` passes."""
        assert self.health_url is not None
        deadline = time.monotonic() + self.health_timeout
        while True:
            try:
                status, _ = http_request("GET", self.health_url, timeout=10.0, what="the health URL")
                outcome: JsonObject = {"url": self.health_url, "status": status, "ok": 200 <= status < 300}
            except WorkerError as exc:
                outcome = {"url": self.health_url, "status": None, "ok": False, "error": str(exc)}
            if outcome["ok"] or time.monotonic() >= deadline:
                return outcome
            time.sleep(min(2.0, self.poll * 4))

    def verify(self) -> JsonObject:
        """Wait for a verdict and return the result object."""
        deadline = self.started + self.timeout
        log(f"verifying deployment {self.ref} (timeout {self.timeout:.0f}s)")
        last_message = ""
        while True:
            deployment = self.api.get(self.deployment_path())
            if deployment is None:
                if time.monotonic() >= min(deadline, self.started + max(self.stuck_after, self.poll)):
                    return self.result(
                        "missing",
                        f"deployment {self.ref} does not exist: check the name and namespace",
                        None,
                        [],
                    )
                time.sleep(self.poll)
                continue
            state, message = rollout_state(deployment)
            if message != last_message:
                log(message)
                last_message = message
            pods = self.pods(deployment)
            if state == "failed":
                return self.result("stuck", message, deployment, pods)
            if state == "done":
                return self.finish(deployment, pods)
            stuck = self.check_stuck(self.new_pods(deployment, pods))
            if stuck is not None:
                reason = f"deployment {self.ref} is not rolling out: {stuck}"
                return self.result("stuck", reason, deployment, pods)
            if time.monotonic() >= deadline:
                reason = f"rollout of {self.ref} not finished after {self.timeout:.0f}s: {message}"
                return self.result("timeout", reason, deployment, pods)
            time.sleep(self.poll)

    def finish(self, deployment: JsonObject, pods: list[JsonObject]) -> JsonObject:
        """The rollout is done: check the health URL when there is one."""
        if not self.health_url:
            return self.result("ready", f"deployment {self.ref} is rolled out and ready", deployment, pods)
        health = self.health()
        verdict = "ready" if health["ok"] else "unhealthy"
        reason = (
            f"deployment {self.ref} is ready and {self.health_url} answered {health['status']}"
            if health["ok"]
            else f"deployment {self.ref} rolled out but {self.health_url} is not healthy: "
            + str(health.get("error") or f"HTTP {health['status']}")
        )
        return self.result(verdict, reason, deployment, pods, health)

    def result(
        self,
        verdict: str,
        reason: str,
        deployment: JsonObject | None,
        pods: list[JsonObject],
        health: JsonObject | None = None,
    ) -> JsonObject:
        """The result object for ``verdict``."""
        spec: Any = (deployment or {}).get("spec") or {}
        status: Any = (deployment or {}).get("status") or {}
        summaries = [pod_summary(pod) for pod in pods]
        ok = verdict == "ready"
        log(f"verdict {verdict}: {reason}")
        result: JsonObject = {
            "ok": ok,
            "verdict": verdict,
            "reason": reason,
            "namespace": self.namespace,
            "deployment": self.name,
            "desired_replicas": spec.get("replicas") if deployment else None,
            "ready_replicas": status.get("readyReplicas", 0),
            "updated_replicas": status.get("updatedReplicas", 0),
            "available_replicas": status.get("availableReplicas", 0),
            "restarts": sum(int(summary["restarts"]) for summary in summaries),
            "pods": summaries[:MAX_PODS_REPORTED],
            "health": health,
            "elapsed_seconds": round(time.monotonic() - self.started, 2),
        }
        if not ok:
            result["error"] = reason
        return result


def work(task: JsonObject) -> JsonObject:
    """Verify the Deployment the task names."""
    verifier = Verifier(KubeApi.from_env(os.environ), task)
    return verifier.verify()


if __name__ == "__main__":
    sys.exit(run(AGENT, work))
