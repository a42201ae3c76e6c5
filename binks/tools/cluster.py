"""``get_cluster_status``: the cluster's health in one call, as data and as compact text.

Three list calls through the Python client (nodes, pods, warning events), made concurrently,
read as raw JSON: one status read costs a few milliseconds against a kubectl subprocess's
tens (``bench/status_read.py``). The text is short on purpose: it is read by a small model.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from typing import Any

from pydantic import BaseModel, Field

from binks.tools.client import KubeClient

_PRESSURES = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
MAX_PROBLEMS = 15
MAX_WARNINGS = 10


class NodeHealth(BaseModel):
    """One node: ready or not, roles, kubelet version, pressure conditions."""

    name: str
    ready: bool
    roles: list[str]
    version: str
    pressure: list[str] = Field(default_factory=list)
    unschedulable: bool = False


class PodProblem(BaseModel):
    """A pod that is not running and ready, with the reason Kubernetes gives."""

    namespace: str
    name: str
    phase: str
    reason: str
    restarts: int = 0
    events: list[str] = Field(default_factory=list)


class WarningEvent(BaseModel):
    """A recent ``type=Warning`` event."""

    namespace: str
    object: str
    reason: str
    message: str
    count: int = 1
    last_seen: str = ""


class ClusterStatus(BaseModel):
    """The whole status: structured for programs, :meth:`text` for the model."""

    nodes: list[NodeHealth]
    pods: dict[str, dict[str, int]] = Field(description="namespace -> phase -> count")
    problems: list[PodProblem]
    warnings: list[WarningEvent]

    def text(self) -> str:
        """A compact summary: a few lines per section, the worst first."""
        lines = [f"Nodes ({sum(n.ready for n in self.nodes)}/{len(self.nodes)} ready):"]
        for node in self.nodes:
            flags = [*node.pressure, *(["SchedulingDisabled"] if node.unschedulable else [])]
            state = "Ready" if node.ready else "NotReady"
            extra = f" [{', '.join(flags)}]" if flags else ""
            lines.append(f"  {node.name} {state} {','.join(node.roles) or '-'} {node.version}{extra}")
        total = sum(sum(phases.values()) for phases in self.pods.values())
        lines.append(f"Pods ({total}):")
        for namespace, phases in sorted(self.pods.items()):
            counts = ", ".join(f"{count} {phase}" for phase, count in sorted(phases.items()))
            lines.append(f"  {namespace}: {counts}")
        lines.append(f"Not ready ({len(self.problems)}):" if self.problems else "Not ready: none")
        for pod in self.problems[:MAX_PROBLEMS]:
            restarts = f" restarts={pod.restarts}" if pod.restarts else ""
            lines.append(f"  {pod.namespace}/{pod.name} {pod.phase}: {pod.reason}{restarts}")
            lines.extend(f"    event: {event}" for event in pod.events)
        if len(self.problems) > MAX_PROBLEMS:
            lines.append(f"  … and {len(self.problems) - MAX_PROBLEMS} more")
        lines.append(f"Recent warnings ({len(self.warnings)}):" if self.warnings else "Recent warnings: none")
        for event in self.warnings[:MAX_WARNINGS]:
            count = f" (x{event.count})" if event.count > 1 else ""
            lines.append(f"  {event.namespace} {event.object} {event.reason}{count}: {event.message}")
        return "\n".join(lines) + "\n"


def _node(obj: dict[str, Any]) -> NodeHealth:
    meta, status = obj.get("metadata") or {}, obj.get("status") or {}
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    roles = sorted(
        label.split("/", 1)[1]
        for label in (meta.get("labels") or {})
        if label.startswith("node-role.kubernetes.io/")
    )
    return NodeHealth(
        name=meta.get("name", "?"),
        ready=conditions.get("Ready") == "True",
        roles=roles,
        version=(status.get("nodeInfo") or {}).get("kubeletVersion", ""),
        pressure=[kind for kind in _PRESSURES if conditions.get(kind) == "True"],
        unschedulable=bool((obj.get("spec") or {}).get("unschedulable")),
    )


def _pod_reason(pod: dict[str, Any]) -> str | None:
    """Why a pod is not ready, or None if it is fine (running and ready, or succeeded)."""
    status = pod.get("status") or {}
    phase = status.get("phase", "Unknown")
    if phase == "Succeeded":
        return None
    containers = [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]
    for container in containers:
        state = container.get("state") or {}
        waiting, terminated = state.get("waiting"), state.get("terminated")
        if waiting and waiting.get("reason") not in (None, "ContainerCreating", "PodInitializing"):
            return f"{container.get('name')}: {waiting.get('reason')} {waiting.get('message') or ''}".strip()
        if terminated and terminated.get("exitCode", 0) != 0:
            why = terminated.get("reason") or "Error"
            return f"{container.get('name')}: {why} exit {terminated.get('exitCode')}"
    conditions = {c.get("type"): c for c in status.get("conditions") or []}
    scheduled = conditions.get("PodScheduled")
    if scheduled and scheduled.get("status") == "False":
        return f"{scheduled.get('reason', 'Unschedulable')}: {scheduled.get('message', '')}".strip(": ")
    ready = conditions.get("Ready")
    if phase == "Running" and ready and ready.get("status") == "True":
        return None
    if phase == "Running" and all(c.get("ready") for c in status.get("containerStatuses") or [{}]):
        return None
    return str(status.get("reason") or (ready or {}).get("reason") or phase)


def _warning(event: dict[str, Any]) -> WarningEvent:
    involved = event.get("involvedObject") or event.get("regarding") or {}
    return WarningEvent(
        namespace=(event.get("metadata") or {}).get("namespace", ""),
        object=f"{str(involved.get('kind', '')).lower()}/{involved.get('name', '')}",
        reason=event.get("reason", ""),
        message=(event.get("message") or event.get("note") or "").strip()[:300],
        count=event.get("count") or 1,
        last_seen=event.get("lastTimestamp") or event.get("eventTime") or "",
    )


async def get_cluster_status(kube: KubeClient) -> ClusterStatus:
    """Nodes, pods by namespace and phase, pods that are not ready and why, recent warnings."""
    core = kube.core()
    nodes, pods, events = await asyncio.gather(
        kube.raw("list nodes", core.list_node),
        kube.raw("list pods", core.list_pod_for_all_namespaces),
        kube.raw("list events", core.list_event_for_all_namespaces, field_selector="type=Warning"),
    )
    warnings = sorted(
        (_warning(e) for e in events.get("items") or []), key=lambda w: w.last_seen, reverse=True
    )
    by_object: dict[tuple[str, str], list[WarningEvent]] = defaultdict(list)
    for warning in warnings:
        by_object[(warning.namespace, warning.object)].append(warning)
    phases: dict[str, Counter[str]] = defaultdict(Counter)
    problems: list[PodProblem] = []
    for pod in pods.get("items") or []:
        meta, status = pod.get("metadata") or {}, pod.get("status") or {}
        namespace, name = meta.get("namespace", ""), meta.get("name", "")
        phase = status.get("phase", "Unknown")
        phases[namespace][phase] += 1
        reason = _pod_reason(pod)
        if reason is not None:
            restarts = sum(c.get("restartCount", 0) for c in status.get("containerStatuses") or [])
            recent = by_object.get((namespace, f"pod/{name}"), [])[:2]
            problems.append(
                PodProblem(
                    namespace=namespace,
                    name=name,
                    phase=phase,
                    reason=reason,
                    restarts=restarts,
                    events=[f"{w.reason}: {w.message}" for w in recent],
                )
            )
    return ClusterStatus(
        nodes=[_node(node) for node in nodes.get("items") or []],
        pods={namespace: dict(counts) for namespace, counts in phases.items()},
        problems=problems,
        warnings=warnings,
    )
