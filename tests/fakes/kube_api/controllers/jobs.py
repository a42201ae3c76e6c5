"""The job controller: one pod per job, finishing the way the test decided.

A job whose outcome the test has not set keeps its pod Running; ``set_job_outcome`` then
completes it (Complete with ``completionTime``) or fails it (Failed, BackoffLimitExceeded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.kube_api import events
from tests.fakes.kube_api.controllers.common import (
    PODS,
    kind,
    owned_by,
    pod_from_template,
    pod_ready,
    set_condition,
)
from tests.fakes.kube_api.defaults import now

if TYPE_CHECKING:
    from tests.fakes.kube_api.cluster import Cluster

Obj = dict[str, Any]
JOBS = kind("batch", "jobs")


def _finished(job: Obj) -> bool:
    return any(
        c.get("type") in ("Complete", "Failed") and c.get("status") == "True"
        for c in (job.get("status") or {}).get("conditions") or []
    )


def reconcile_jobs(cluster: Cluster) -> None:
    """Create each job's pod and turn pod outcomes into job status."""
    from tests.fakes.kube_api.cluster import random_suffix

    for job in cluster.list(JOBS, None):
        spec = job["spec"]
        if spec.get("suspend") or _finished(job):
            continue
        ns = job["metadata"]["namespace"]
        pods = [p for p in cluster.list(PODS, ns) if owned_by(p, job)]
        status: Obj = dict(job.get("status") or {})
        if not pods:
            name = f"{job['metadata']['name']}-{random_suffix()}"
            pods = [cluster.save(PODS, pod_from_template(job, spec["template"], name))]
            events.record(
                cluster, job, "Normal", "SuccessfulCreate", f"Created pod: {name}", "job-controller"
            )
            status.setdefault("startTime", now())
        phases = [(p.get("status") or {}).get("phase") for p in pods]
        succeeded = phases.count("Succeeded")
        failed = phases.count("Failed")
        active = len(pods) - succeeded - failed
        conditions = list(status.get("conditions") or [])
        status.update(
            {
                "active": active,
                "ready": sum(1 for p in pods if pod_ready(p)),
                "terminating": 0,
                "uncountedTerminatedPods": {},
            }
        )
        for key, value in (("succeeded", succeeded), ("failed", failed)):
            if value:
                status[key] = value
        completions = int(spec.get("completions") or 1)
        if succeeded >= completions:
            conditions = set_condition(
                conditions,
                "SuccessCriteriaMet",
                "True",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            )
            conditions = set_condition(
                conditions,
                "Complete",
                "True",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            )
            status["completionTime"] = now()
            events.record(cluster, job, "Normal", "Completed", "Job completed", "job-controller")
        elif failed:
            conditions = set_condition(
                conditions,
                "FailureTarget",
                "True",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            )
            conditions = set_condition(
                conditions,
                "Failed",
                "True",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
            )
            events.record(
                cluster,
                job,
                "Warning",
                "BackoffLimitExceeded",
                "Job has reached the specified backoff limit",
                "job-controller",
            )
        for cond in conditions:
            cond.setdefault("lastProbeTime", cond["lastTransitionTime"])
        if conditions:
            status["conditions"] = conditions
        if _finished({"status": status}):
            status["active"] = 0
            status["ready"] = 0
        if status != job.get("status"):
            job["status"] = status
            cluster.save(JOBS, job)
