"""Did the change take effect? Deterministic checks with a bounded wait, and crash reconciling.

Checks by verb: ``scale`` waits for ``spec.replicas`` and ready replicas to reach the target;
``set image``/``set env``/``set resources``/``rollout restart|undo|resume`` on a Deployment,
StatefulSet or DaemonSet wait for the rollout to complete; ``delete`` waits until the
objects are gone; ``apply``/``replace``/``patch``/``label``/``annotate``/``set`` check that
re-running the same dry-run would change nothing (the live objects match; ``cordon``,
``uncordon`` and ``rollout pause`` too, through their patch); ``create`` checks
the objects exist; anything else reports that the command exited 0. Waits end after
``settings.verify_timeout_s`` with ``ok=False`` and the state seen last.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from binks.errors import ClusterError
from binks.settings import Settings
from binks.tools.argv import ParsedArgv
from binks.tools.dryrun import DryRunner, live_argv
from binks.tools.kubectl import Kubectl, finish
from binks.tools.models import ObjectRef, ReconcileOutcome, Verification

Check = Callable[[], Awaitable[tuple[bool, str]]]
WORKLOADS = frozenset({"deployment", "statefulset", "daemonset"})
ROLLOUT_VERBS = frozenset(
    {"set image", "set env", "set resources", "rollout restart", "rollout undo", "rollout resume"}
)
REAPPLY_VERBS = frozenset(
    {"apply", "replace", "patch", "label", "annotate", "set image", "set env", "set resources"}
    | {
        "set selector",
        "set serviceaccount",
        "set subject",
        "cordon",
        "uncordon",
        "rollout pause",
        "rollout resume",
    }
)


async def poll(check: Check, timeout_s: float) -> tuple[bool, str]:
    """Run ``check`` until it passes or ``timeout_s`` runs out; the last detail either way."""
    deadline = time.monotonic() + timeout_s
    interval = 0.1
    while True:
        ok, detail = await check()
        if ok or time.monotonic() >= deadline:
            return ok, detail
        await asyncio.sleep(min(interval, max(deadline - time.monotonic(), 0)))
        interval = min(interval * 2, 1.0)


def rollout_state(obj: dict[str, Any]) -> tuple[bool, str]:
    """Kubectl's rollout-status rules for Deployments, StatefulSets and DaemonSets."""
    kind = obj.get("kind")
    meta, spec, status = obj.get("metadata") or {}, obj.get("spec") or {}, obj.get("status") or {}
    if status.get("observedGeneration", 0) < meta.get("generation", 0):
        return False, "the controller has not seen the new spec yet"
    if kind == "DaemonSet":
        want = status.get("desiredNumberScheduled", 0)
        updated, available = status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0)
        return updated == want and available == want, f"{updated} updated, {available}/{want} available"
    want = spec.get("replicas", 1)
    updated, total = status.get("updatedReplicas", 0), status.get("replicas", 0)
    ready = status.get("availableReplicas" if kind == "Deployment" else "readyReplicas", 0)
    if kind == "StatefulSet" and status.get("currentRevision") != status.get("updateRevision") and want:
        return False, f"{updated}/{want} updated to the new revision"
    done = updated == want and total == want and ready == want
    return done, f"{updated}/{want} updated, {ready}/{want} available, {total} total"


def scale_state(obj: dict[str, Any], target: int) -> tuple[bool, str]:
    """Whether a workload has ``target`` replicas wanted and ready."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    wanted, ready = spec.get("replicas", 1), status.get("readyReplicas", 0) or 0
    return wanted == target and ready == target, f"spec.replicas={wanted}, ready={ready}, target={target}"


class Verifier:
    """Checks changes made with kubectl against the cluster."""

    def __init__(self, kubectl: Kubectl, dry_runner: DryRunner, settings: Settings) -> None:
        self.kubectl = kubectl
        self.dry_runner = dry_runner
        self.settings = settings

    async def get(self, argv: list[str]) -> dict[str, Any] | None:
        """``kubectl get ... -o json`` of one object; None when it does not exist."""
        result = await self.kubectl.run(argv)
        done = finish(result, self.settings)
        if not done.ok:
            raise ClusterError(done.error or "kubectl get failed")
        body = json.loads(result.stdout) if result.stdout.strip() else None
        return body if isinstance(body, dict) else None

    async def _workload(self, parsed: ParsedArgv, kind: str, name: str) -> dict[str, Any] | None:
        namespace = parsed.values("namespace", "-n")
        flags = ["-n", namespace[-1]] if namespace and namespace[-1] else []
        return await self.get(["get", f"{kind}/{name}", *flags, "-o", "json", "--ignore-not-found"])

    async def wait_rollout(self, parsed: ParsedArgv, kind: str, name: str) -> Verification:
        """Wait for the workload's rollout to complete."""

        async def check() -> tuple[bool, str]:
            obj = await self._workload(parsed, kind, name)
            return rollout_state(obj) if obj else (False, f"{kind}/{name} does not exist")

        ok, detail = await poll(check, self.settings.verify_timeout_s)
        return Verification(ok=ok, check=f"rollout of {kind}/{name} complete", detail=detail)

    async def wait_scaled(self, parsed: ParsedArgv, kind: str, name: str, target: int) -> Verification:
        """Wait for the workload to want and have ``target`` ready replicas."""

        async def check() -> tuple[bool, str]:
            obj = await self._workload(parsed, kind, name)
            return scale_state(obj, target) if obj else (False, f"{kind}/{name} does not exist")

        ok, detail = await poll(check, self.settings.verify_timeout_s)
        return Verification(ok=ok, check=f"{kind}/{name} has {target}/{target} ready", detail=detail)

    async def wait_gone(self, objects: list[ObjectRef]) -> Verification:
        """Wait until every object is deleted."""

        async def check() -> tuple[bool, str]:
            left = [obj for obj in objects if await self.get(live_argv(obj)) is not None]
            return not left, "still present: " + ", ".join(
                f"{o.kind}/{o.name}" for o in left
            ) if left else "gone"

        ok, detail = await poll(check, self.settings.verify_timeout_s)
        names = ", ".join(f"{obj.kind.lower()}/{obj.name}" for obj in objects)
        return Verification(ok=ok, check=f"deleted: {names}", detail=detail)

    async def exist(self, objects: list[ObjectRef]) -> tuple[list[ObjectRef], list[ObjectRef]]:
        """The objects that exist and those that do not."""
        present: list[ObjectRef] = []
        missing: list[ObjectRef] = []
        for obj in objects:
            (present if await self.get(live_argv(obj)) is not None else missing).append(obj)
        return present, missing

    async def matches(self, parsed: ParsedArgv) -> tuple[bool, str]:
        """Whether re-running the change's dry-run would change nothing."""
        again = await self.dry_runner.dry_run(parsed)
        if not again.ok:
            return False, again.message
        changed = [obj for obj in again.objects if obj.action != "unchanged"]
        if changed:
            return False, "would still change: " + ", ".join(f"{o.kind}/{o.name}" for o in changed)
        return True, again.message

    async def reconcile(
        self, parsed: ParsedArgv, verb: str, objects: list[ObjectRef], scale: tuple[str, str, int] | None
    ) -> ReconcileOutcome:
        """After a crash: whether this kubectl change reached the cluster."""
        if scale is not None:
            kind, name, target = scale
            obj = await self._workload(parsed, kind, name)
            return "applied" if obj and (obj.get("spec") or {}).get("replicas") == target else "not_applied"
        if verb in ("create", "delete") and objects:
            present, missing = await self.exist(objects)
            if verb == "create":
                return "applied" if not missing else ("not_applied" if not present else "unknown")
            return "applied" if not present else ("not_applied" if not missing else "unknown")
        if verb in REAPPLY_VERBS:
            ok, _ = await self.matches(parsed)
            if ok:
                return "applied"
            # A JSON patch need not be idempotent (an "add" to a list appends again), so "would
            # still change" proves nothing there: the person is asked instead.
            json_patch = any((value or "").lower() == "json" for value in parsed.values("type"))
            return "unknown" if json_patch else "not_applied"
        return "unknown"
