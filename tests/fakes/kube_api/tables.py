"""``Table`` rendering for ``kubectl get``: the columns and cells the real server prints.

kubectl asks for ``application/json;as=Table;v=v1;g=meta.k8s.io`` and prints whatever
columns come back; priority-1 columns appear only with ``-o wide``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.fakes.kube_api.defaults import parse_time
from tests.fakes.kube_api.selectors import selector_string

Obj = dict[str, Any]
Cell = Any
Column = tuple[str, str, int, Callable[[Obj], Cell]]  # name, type, priority, render


def human_duration(seconds: float) -> str:
    """Kubectl's short age format (``45s``, ``3m12s``, ``5h``, ``2d3h``)."""
    s = int(seconds)
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if days < 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    return f"{days // 365}y{days % 365}d"


def age(value: str | None) -> str:
    """Age column from a timestamp."""
    stamp = parse_time(value)
    if stamp is None:
        return "<unknown>"
    return human_duration((dt.datetime.now(dt.UTC) - stamp).total_seconds())


def _meta_age(obj: Obj) -> str:
    return age(obj["metadata"].get("creationTimestamp"))


def _g(obj: Any, *path: str, default: Any = None) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return default
        obj = obj.get(part)
    return default if obj is None else obj


def _containers(spec: Obj | None) -> list[Obj]:
    return list((spec or {}).get("containers") or [])


def _names(spec: Obj | None) -> str:
    return ",".join(c.get("name", "") for c in _containers(spec))


def _images(spec: Obj | None) -> str:
    return ",".join(c.get("image", "") for c in _containers(spec))


def pod_status_reason(pod: Obj) -> str:
    """The STATUS column of ``kubectl get pods`` (waiting reason beats phase)."""
    if pod["metadata"].get("deletionTimestamp"):
        return "Terminating"
    status = pod.get("status") or {}
    reason = status.get("reason") or status.get("phase") or "Pending"
    for cs in status.get("containerStatuses") or []:
        state = cs.get("state") or {}
        if state.get("waiting", {}).get("reason"):
            return str(state["waiting"]["reason"])
        if state.get("terminated", {}).get("reason") and reason not in ("Succeeded", "Failed"):
            return str(state["terminated"]["reason"])
    if reason == "Succeeded":
        return "Completed"
    if reason == "Failed":
        return "Error"
    return str(reason)


def _pod_ready(pod: Obj) -> str:
    statuses = _g(pod, "status", "containerStatuses", default=[])
    return f"{sum(1 for s in statuses if s.get('ready'))}/{len(_containers(pod.get('spec')))}"


def _ports(svc: Obj) -> str:
    out = []
    for p in _g(svc, "spec", "ports", default=[]):
        node = f":{p['nodePort']}" if p.get("nodePort") else ""
        out.append(f"{p.get('port')}{node}/{p.get('protocol', 'TCP')}")
    return ",".join(out) or "<none>"


def _node_status(node: Obj) -> str:
    ready = next((c for c in _g(node, "status", "conditions", default=[]) if c.get("type") == "Ready"), None)
    text = "Ready" if ready and ready.get("status") == "True" else "NotReady"
    return text + (",SchedulingDisabled" if _g(node, "spec", "unschedulable") else "")


def _roles(node: Obj) -> str:
    prefix = "node-role.kubernetes.io/"
    roles = sorted(k[len(prefix) :] for k in node["metadata"].get("labels") or {} if k.startswith(prefix))
    return ",".join(roles) or "<none>"


def _address(node: Obj, kind: str) -> str:
    for a in _g(node, "status", "addresses", default=[]):
        if a.get("type") == kind:
            return str(a.get("address"))
    return "<none>"


def _job_status(job: Obj) -> str:
    for cond in _g(job, "status", "conditions", default=[]):
        if cond.get("status") == "True" and cond.get("type") in ("Complete", "Failed", "Suspended"):
            return str(cond["type"])
    return "Running"


def _job_duration(job: Obj) -> str:
    start = parse_time(_g(job, "status", "startTime"))
    if start is None:
        return ""
    end = parse_time(_g(job, "status", "completionTime")) or dt.datetime.now(dt.UTC)
    return human_duration((end - start).total_seconds())


def _endpoints(ep: Obj) -> str:
    out = [
        f"{a['ip']}:{p.get('port')}"
        for s in ep.get("subsets") or []
        for a in s.get("addresses") or []
        for p in s.get("ports") or [{}]
    ]
    if not out:
        return "<none>"
    return ",".join(out[:3]) + (f" + {len(out) - 3} more..." if len(out) > 3 else "")


def _event_object(ev: Obj) -> str:
    return f"{str(_g(ev, 'involvedObject', 'kind', default='')).lower()}/{_g(ev, 'involvedObject', 'name')}"


def _tmpl(obj: Obj) -> Obj:
    spec: Obj = _g(obj, "spec", "template", "spec", default={})
    return spec


_WIDE_POD: list[Column] = [
    ("IP", "string", 1, lambda p: _g(p, "status", "podIP", default="<none>")),
    ("Node", "string", 1, lambda p: _g(p, "spec", "nodeName", default="<none>")),
    ("Nominated Node", "string", 1, lambda _p: "<none>"),
    ("Readiness Gates", "string", 1, lambda _p: "<none>"),
]
_WORKLOAD_WIDE: list[Column] = [
    ("Containers", "string", 1, lambda o: _names(_tmpl(o))),
    ("Images", "string", 1, lambda o: _images(_tmpl(o))),
    ("Selector", "string", 1, lambda o: selector_string(_g(o, "spec", "selector"))),
]

COLUMNS: dict[str, list[Column]] = {
    "Pod": [
        ("Ready", "string", 0, _pod_ready),
        ("Status", "string", 0, pod_status_reason),
        (
            "Restarts",
            "string",
            0,
            lambda p: str(
                sum(s.get("restartCount", 0) for s in _g(p, "status", "containerStatuses", default=[]))
            ),
        ),
        ("Age", "string", 0, _meta_age),
        *_WIDE_POD,
    ],
    "Deployment": [
        (
            "Ready",
            "string",
            0,
            lambda d: f"{_g(d, 'status', 'readyReplicas', default=0)}/{_g(d, 'spec', 'replicas')}",
        ),
        ("Up-to-date", "integer", 0, lambda d: _g(d, "status", "updatedReplicas", default=0)),
        ("Available", "integer", 0, lambda d: _g(d, "status", "availableReplicas", default=0)),
        ("Age", "string", 0, _meta_age),
        *_WORKLOAD_WIDE,
    ],
    "ReplicaSet": [
        ("Desired", "integer", 0, lambda r: _g(r, "spec", "replicas", default=0)),
        ("Current", "integer", 0, lambda r: _g(r, "status", "replicas", default=0)),
        ("Ready", "integer", 0, lambda r: _g(r, "status", "readyReplicas", default=0)),
        ("Age", "string", 0, _meta_age),
        *_WORKLOAD_WIDE,
    ],
    "StatefulSet": [
        (
            "Ready",
            "string",
            0,
            lambda s: f"{_g(s, 'status', 'readyReplicas', default=0)}/{_g(s, 'spec', 'replicas')}",
        ),
        ("Age", "string", 0, _meta_age),
        *_WORKLOAD_WIDE[:2],
    ],
    "DaemonSet": [
        ("Desired", "integer", 0, lambda d: _g(d, "status", "desiredNumberScheduled", default=0)),
        ("Current", "integer", 0, lambda d: _g(d, "status", "currentNumberScheduled", default=0)),
        ("Ready", "integer", 0, lambda d: _g(d, "status", "numberReady", default=0)),
        ("Up-to-date", "integer", 0, lambda d: _g(d, "status", "updatedNumberScheduled", default=0)),
        ("Available", "integer", 0, lambda d: _g(d, "status", "numberAvailable", default=0)),
        (
            "Node Selector",
            "string",
            0,
            lambda d: (
                ",".join(f"{k}={v}" for k, v in (_tmpl(d).get("nodeSelector") or {}).items()) or "<none>"
            ),
        ),
        ("Age", "string", 0, _meta_age),
        *_WORKLOAD_WIDE,
    ],
    "Job": [
        ("Status", "string", 0, _job_status),
        (
            "Completions",
            "string",
            0,
            lambda j: f"{_g(j, 'status', 'succeeded', default=0)}/{_g(j, 'spec', 'completions', default=1)}",
        ),
        ("Duration", "string", 0, _job_duration),
        ("Age", "string", 0, _meta_age),
        *_WORKLOAD_WIDE,
    ],
    "CronJob": [
        ("Schedule", "string", 0, lambda c: _g(c, "spec", "schedule", default="")),
        ("Timezone", "string", 0, lambda c: _g(c, "spec", "timeZone", default="<none>")),
        ("Suspend", "boolean", 0, lambda c: bool(_g(c, "spec", "suspend", default=False))),
        ("Active", "integer", 0, lambda c: len(_g(c, "status", "active", default=[]))),
        (
            "Last Schedule",
            "string",
            0,
            lambda c: (
                age(_g(c, "status", "lastScheduleTime")) if _g(c, "status", "lastScheduleTime") else "<none>"
            ),
        ),
        ("Age", "string", 0, _meta_age),
    ],
    "Service": [
        ("Type", "string", 0, lambda s: _g(s, "spec", "type", default="ClusterIP")),
        ("Cluster-IP", "string", 0, lambda s: _g(s, "spec", "clusterIP", default="<none>")),
        (
            "External-IP",
            "string",
            0,
            lambda s: (
                ",".join(i.get("ip", "") for i in _g(s, "status", "loadBalancer", "ingress", default=[]))
                or ("<pending>" if _g(s, "spec", "type") == "LoadBalancer" else "<none>")
            ),
        ),
        ("Port(s)", "string", 0, _ports),
        ("Age", "string", 0, _meta_age),
        (
            "Selector",
            "string",
            1,
            lambda s: (
                ",".join(f"{k}={v}" for k, v in (_g(s, "spec", "selector", default={})).items()) or "<none>"
            ),
        ),
    ],
    "Node": [
        ("Status", "string", 0, _node_status),
        ("Roles", "string", 0, _roles),
        ("Age", "string", 0, _meta_age),
        ("Version", "string", 0, lambda n: _g(n, "status", "nodeInfo", "kubeletVersion", default="")),
        ("Internal-IP", "string", 1, lambda n: _address(n, "InternalIP")),
        ("External-IP", "string", 1, lambda n: _address(n, "ExternalIP")),
        ("OS-Image", "string", 1, lambda n: _g(n, "status", "nodeInfo", "osImage", default="")),
        ("Kernel-Version", "string", 1, lambda n: _g(n, "status", "nodeInfo", "kernelVersion", default="")),
        (
            "Container-Runtime",
            "string",
            1,
            lambda n: _g(n, "status", "nodeInfo", "containerRuntimeVersion", default=""),
        ),
    ],
    "Namespace": [
        ("Status", "string", 0, lambda n: _g(n, "status", "phase", default="Active")),
        ("Age", "string", 0, _meta_age),
    ],
    "ConfigMap": [
        ("Data", "integer", 0, lambda c: len(c.get("data") or {}) + len(c.get("binaryData") or {})),
        ("Age", "string", 0, _meta_age),
    ],
    "Secret": [
        ("Type", "string", 0, lambda s: s.get("type", "Opaque")),
        ("Data", "integer", 0, lambda s: len(s.get("data") or {})),
        ("Age", "string", 0, _meta_age),
    ],
    "ServiceAccount": [
        ("Secrets", "integer", 0, lambda s: len(s.get("secrets") or [])),
        ("Age", "string", 0, _meta_age),
    ],
    "Endpoints": [("Endpoints", "string", 0, _endpoints), ("Age", "string", 0, _meta_age)],
    "Event": [
        (
            "Last Seen",
            "string",
            0,
            lambda e: age(e.get("lastTimestamp") or e["metadata"].get("creationTimestamp")),
        ),
        ("Type", "string", 0, lambda e: e.get("type", "")),
        ("Reason", "string", 0, lambda e: e.get("reason", "")),
        ("Object", "string", 0, _event_object),
        ("Message", "string", 0, lambda e: e.get("message", "")),
        ("Subobject", "string", 1, lambda e: _g(e, "involvedObject", "fieldPath", default="")),
        ("Source", "string", 1, lambda e: _g(e, "source", "component", default="")),
        ("First Seen", "string", 1, lambda e: age(e.get("firstTimestamp"))),
        ("Count", "string", 1, lambda e: str(e.get("count", 1))),
        ("Name", "string", 1, lambda e: e["metadata"]["name"]),
    ],
    "PersistentVolumeClaim": [
        ("Status", "string", 0, lambda p: _g(p, "status", "phase", default="Pending")),
        ("Volume", "string", 0, lambda p: _g(p, "spec", "volumeName", default="")),
        ("Capacity", "string", 0, lambda p: _g(p, "status", "capacity", "storage", default="")),
        (
            "Access Modes",
            "string",
            0,
            lambda p: ",".join(
                {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX"}.get(m, m)
                for m in _g(p, "status", "accessModes", default=[])
            ),
        ),
        ("StorageClass", "string", 0, lambda p: _g(p, "spec", "storageClassName", default="<unset>")),
        ("VolumeAttributesClass", "string", 0, lambda _p: "<unset>"),
        ("Age", "string", 0, _meta_age),
        ("VolumeMode", "string", 1, lambda p: _g(p, "spec", "volumeMode", default="Filesystem")),
    ],
    "Ingress": [
        ("Class", "string", 0, lambda i: _g(i, "spec", "ingressClassName", default="<none>")),
        (
            "Hosts",
            "string",
            0,
            lambda i: ",".join(r.get("host", "*") for r in _g(i, "spec", "rules", default=[])) or "*",
        ),
        (
            "Address",
            "string",
            0,
            lambda i: ",".join(
                x.get("ip", "") for x in _g(i, "status", "loadBalancer", "ingress", default=[])
            ),
        ),
        ("Ports", "string", 0, lambda i: "80, 443" if _g(i, "spec", "tls") else "80"),
        ("Age", "string", 0, _meta_age),
    ],
    "Role": [("Created At", "date", 0, lambda r: r["metadata"].get("creationTimestamp", ""))],
    "ClusterRole": [("Created At", "date", 0, lambda r: r["metadata"].get("creationTimestamp", ""))],
    "RoleBinding": [
        ("Role", "string", 0, lambda b: f"{_g(b, 'roleRef', 'kind')}/{_g(b, 'roleRef', 'name')}"),
        ("Age", "string", 0, _meta_age),
    ],
    "ClusterRoleBinding": [
        ("Role", "string", 0, lambda b: f"{_g(b, 'roleRef', 'kind')}/{_g(b, 'roleRef', 'name')}"),
        ("Age", "string", 0, _meta_age),
    ],
}


def _name(obj: Obj) -> str:
    return str(obj["metadata"]["name"])


def partial_metadata(obj: Obj) -> Obj:
    """The ``PartialObjectMetadata`` kubectl gets with each row."""
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}


def table(kind: str, objects: list[Obj], resource_version: str, include: str = "Metadata") -> Obj:
    """A ``meta.k8s.io/v1`` Table for ``objects``."""
    name_column: Column = ("Name", "string", 0, _name)
    columns: list[Column]
    if kind == "Event":
        columns = [*COLUMNS[kind][:-1], ("Name", "string", 1, _name)]
    else:
        columns = [name_column, *COLUMNS.get(kind, [("Age", "string", 0, _meta_age)])]
    definitions = [
        {
            "name": name,
            "type": type_,
            "format": "name" if name == "Name" else "",
            "description": name,
            "priority": priority,
        }
        for name, type_, priority, _ in columns
    ]
    rows = []
    for obj in objects:
        row: Obj = {"cells": [render(obj) for _, _, _, render in columns]}
        if include == "Object":
            row["object"] = obj
        elif include != "None":
            row["object"] = partial_metadata(obj)
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": definitions,
        "rows": rows,
    }
