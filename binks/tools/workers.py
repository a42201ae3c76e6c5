"""Worker agents on the cluster: propose, spawn and check the Jobs rendered by :mod:`worker_job`.

Spawning is a change like any other: :meth:`Workers.propose` renders the Job and asks the API
server for a dry-run create (no ``generateName``: the name is deterministic, so ``create``
is used rather than ``apply``); :meth:`Workers.spawn` creates exactly the rendered Job that
was approved, and a Job that already exists under that name (a retry after a crash) counts
as spawned. :meth:`Workers.status` reads the Job, its pods, the tail of the log and the
worker's final ``BINKS_RESULT {json}`` line.
"""

from __future__ import annotations

import json
from typing import Any

from binks.settings import Settings
from binks.tools.client import KubeApiError, KubeClient
from binks.tools.diffing import object_diff
from binks.tools.failures import Failure
from binks.tools.models import ChangeResult, DryRun, ObjectRef, Verification
from binks.tools.redact import redact_text
from binks.tools.worker_job import LABEL_STEP, LABEL_THREAD, NAMESPACE, label_value

RESULT_PREFIX = "BINKS_RESULT "
LOG_TAIL_LINES = 40


def job_phase(job: dict[str, Any]) -> str:
    """Succeeded, Failed, Running or Pending, from the Job's conditions and counters."""
    status = job.get("status") or {}
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    if conditions.get("Complete") == "True" or conditions.get("SuccessCriteriaMet") == "True":
        return "Succeeded"
    if conditions.get("Failed") == "True" or conditions.get("FailureTarget") == "True":
        return "Failed"
    return "Running" if status.get("active") else "Pending"


def parse_result(log: str) -> tuple[dict[str, Any] | None, str | None]:
    """The worker's last ``BINKS_RESULT {json}`` line: (result, None) or (None, what is wrong)."""
    for line in reversed(log.splitlines()):
        if line.startswith(RESULT_PREFIX):
            try:
                value = json.loads(line[len(RESULT_PREFIX) :])
            except ValueError as exc:
                return None, f"the BINKS_RESULT line is not valid JSON ({exc})"
            if not isinstance(value, dict):
                return None, "the BINKS_RESULT line is JSON but not an object"
            return value, None
    return None, None


class Workers:
    """Spawns and inspects worker Jobs in ``ai-agents`` through the Python client."""

    def __init__(self, kube: KubeClient, settings: Settings) -> None:
        self.kube = kube
        self.settings = settings

    async def propose(self, job: dict[str, Any]) -> DryRun:
        """Dry-run the create of the rendered Job; an existing Job of that name will be reused."""
        name = job["metadata"]["name"]
        batch = self.kube.batch()
        ref = ObjectRef(api_version="batch/v1", kind="Job", name=name, namespace=NAMESPACE, action="create")
        try:
            after = await self.kube.raw(
                "dry-run create job", batch.create_namespaced_job, NAMESPACE, job, dry_run="All"
            )
        except KubeApiError as exc:
            if exc.failure is Failure.CONFLICT:
                return DryRun(
                    ok=True,
                    message=f"Job {name} already exists (an earlier try): executing reuses it",
                    objects=[ref.model_copy(update={"action": "unchanged"})],
                )
            return DryRun(ok=False, message=f"the API server rejected the dry-run: {exc}")
        return DryRun(
            ok=True,
            message=f"creates job/{name} -n {NAMESPACE}",
            diff=redact_text(object_diff(None, after)),
            objects=[ref],
        )

    async def spawn(self, job: dict[str, Any]) -> ChangeResult:
        """Create the approved Job; if it already exists (a retry), that Job counts as spawned."""
        name = job["metadata"]["name"]
        try:
            await self.kube.raw("create job", self.kube.batch().create_namespaced_job, NAMESPACE, job)
        except KubeApiError as exc:
            if exc.failure is Failure.CONFLICT:
                return ChangeResult(ok=True, output=f"job/{name} already existed in {NAMESPACE}: reusing it")
            return ChangeResult(ok=False, output="", error=str(exc))
        return ChangeResult(ok=True, output=f"job/{name} created in {NAMESPACE}")

    async def read_job(self, name: str) -> dict[str, Any] | None:
        """The Job, or None if there is none of that name."""
        batch = self.kube.batch()
        return await self.kube.get_raw("read job", batch.read_namespaced_job, name, NAMESPACE)

    async def verify(
        self, name: str, thread_id: str | None = None, step_id: str | None = None
    ) -> Verification:
        """The Job exists (and belongs to this thread and step, when given)."""
        job = await self.read_job(name)
        if job is None:
            return Verification(ok=False, check=f"job/{name} exists in {NAMESPACE}", detail="not found")
        labels = (job.get("metadata") or {}).get("labels") or {}
        if thread_id and labels.get(LABEL_THREAD) != label_value(thread_id):
            return Verification(ok=False, check=f"job/{name} belongs to this thread", detail=str(labels))
        if step_id and labels.get(LABEL_STEP) != label_value(step_id):
            return Verification(ok=False, check=f"job/{name} belongs to this step", detail=str(labels))
        return Verification(ok=True, check=f"job/{name} exists in {NAMESPACE}", detail=job_phase(job))

    async def status(self, name: str) -> tuple[str, dict[str, Any]]:
        """Text for the model and the same facts as data; ``KubeApiError`` if there is no such Job."""
        job = await self.read_job(name)
        if job is None:
            raise KubeApiError(
                f"no Job {name!r} in {NAMESPACE}: use the name spawn_worker_agent returned",
                Failure.NOT_FOUND,
                404,
            )
        status = job.get("status") or {}
        core = self.kube.core()
        pods = await self.kube.raw(
            "list job pods", core.list_namespaced_pod, NAMESPACE, label_selector=f"job-name={name}"
        )
        items = sorted(
            pods.get("items") or [], key=lambda p: (p.get("metadata") or {}).get("creationTimestamp", "")
        )
        pod_lines = [self._pod_line(pod) for pod in items]
        log = ""
        if items:
            pod_name = items[-1]["metadata"]["name"]
            try:
                log = await self.kube.call(
                    "read worker log",
                    core.read_namespaced_pod_log,
                    pod_name,
                    NAMESPACE,
                    tail_lines=LOG_TAIL_LINES,
                )
            except KubeApiError as exc:
                log = f"(no log yet: {exc})"
        log = redact_text(log or "")
        result, problem = parse_result(log)
        data = {
            "job": name,
            "namespace": NAMESPACE,
            "phase": job_phase(job),
            "started": status.get("startTime"),
            "finished": status.get("completionTime"),
            "pods": pod_lines,
            "log_tail": log,
            "result": result,
            "result_error": problem,
        }
        lines = [
            f"job/{name} -n {NAMESPACE}: {data['phase']}",
            f"started: {data['started'] or '-'}  finished: {data['finished'] or '-'}",
            "pods: " + ("; ".join(pod_lines) or "none yet"),
        ]
        if result is not None:
            lines.append("result: " + json.dumps(result, ensure_ascii=False))
        elif problem:
            lines.append(f"result: {problem}")
        else:
            lines.append("result: none yet (no BINKS_RESULT line)")
        lines += ["log tail:", log.rstrip() or "(empty)"]
        return "\n".join(lines) + "\n", data

    @staticmethod
    def _pod_line(pod: dict[str, Any]) -> str:
        status = pod.get("status") or {}
        states = []
        for container in status.get("containerStatuses") or []:
            state = container.get("state") or {}
            for key in ("waiting", "terminated"):
                if state.get(key):
                    detail = state[key].get("reason") or key
                    code = state[key].get("exitCode")
                    states.append(
                        f"{container.get('name')} {detail}" + (f" exit {code}" if code is not None else "")
                    )
        suffix = f" ({', '.join(states)})" if states else ""
        return f"{pod['metadata']['name']} {status.get('phase', 'Unknown')}{suffix}"
