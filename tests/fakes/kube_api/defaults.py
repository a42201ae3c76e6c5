"""Defaulting: what the real API server fills in so that stored objects are complete.

The kubernetes Python client validates every response against its models, and kubectl's
printers expect the same fields, so objects get uid, timestamps, generation, managed
fields and the per-kind spec defaults a real cluster would add.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
import zlib
from typing import Any

Obj = dict[str, Any]


def now() -> str:
    """The current time as the API serialises it (RFC 3339, seconds, UTC)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str | None) -> dt.datetime | None:
    """Parse an API timestamp."""
    if not value:
        return None
    return dt.datetime.strptime(value.replace(".000000", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def fields_v1(value: Any) -> Obj:
    """A managedFields ``fieldsV1`` set describing which fields ``value`` sets."""
    if not isinstance(value, dict):
        return {}
    out: Obj = {}
    for key, child in value.items():
        if isinstance(child, dict):
            out[f"f:{key}"] = {".": {}, **fields_v1(child)} if child else {}
        elif isinstance(child, list) and child and all(isinstance(i, dict) and "name" in i for i in child):
            out[f"f:{key}"] = {
                f'k:{{"name":"{item["name"]}"}}': {".": {}, **fields_v1(item)} for item in child
            }
        else:
            out[f"f:{key}"] = {}
    return out


def managed_entry(manager: str, operation: str, api_version: str, obj: Obj, subresource: str = "") -> Obj:
    """One managedFields entry for a write by ``manager``."""
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind", "status")}
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k in ("labels", "annotations")}
    body["metadata"] = meta
    if subresource == "status":
        body = {"status": obj.get("status") or {}}
    entry: Obj = {
        "manager": manager,
        "operation": operation,
        "apiVersion": api_version,
        "time": now(),
        "fieldsType": "FieldsV1",
        "fieldsV1": fields_v1({k: v for k, v in body.items() if v}),
    }
    if subresource:
        entry["subresource"] = subresource
    return entry


def record_manager(obj: Obj, entry: Obj) -> None:
    """Replace the entry of the same manager/operation/subresource, keep the others."""
    managed = [
        e
        for e in obj["metadata"].get("managedFields") or []
        if (e.get("manager"), e.get("operation"), e.get("subresource", ""))
        != (entry["manager"], entry["operation"], entry.get("subresource", ""))
    ]
    managed.append(entry)
    obj["metadata"]["managedFields"] = managed


def new_metadata(obj: Obj, namespace: str | None, has_generation: bool) -> None:
    """Fill the server-owned metadata of an object being created."""
    meta = obj.setdefault("metadata", {})
    meta["uid"] = str(uuid.uuid4())
    meta["creationTimestamp"] = now()
    if namespace is not None:
        meta["namespace"] = namespace
    if has_generation:
        meta["generation"] = 1
    for key in ("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
        meta.pop(key, None)


def _image_pull_policy(image: str) -> str:
    tag = image.rsplit("/", 1)[-1]
    return "Always" if ":" not in tag or tag.endswith(":latest") else "IfNotPresent"


def _container(c: Obj) -> None:
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("imagePullPolicy", _image_pull_policy(str(c.get("image", ""))))
    c.setdefault("resources", {})
    for port in c.get("ports") or []:
        port.setdefault("protocol", "TCP")


def pod_spec(spec: Obj, in_template: bool = False) -> None:
    """PodSpec defaults (also applied to pod templates)."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    if "serviceAccountName" in spec:
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
    for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        _container(c)
    if not in_template:
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        spec.setdefault("enableServiceLinks", True)
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
        spec.setdefault("priority", 0)
        spec.setdefault(
            "tolerations",
            [
                {
                    "key": f"node.kubernetes.io/{t}",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                }
                for t in ("not-ready", "unreachable")
            ],
        )


def _template(spec: Obj) -> None:
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {})
    pod_spec(template.setdefault("spec", {"containers": []}), in_template=True)


def apply_defaults(kind: str, obj: Obj) -> None:
    """Per-kind spec and status defaults."""
    spec = obj.get("spec")
    if kind == "Pod":
        pod_spec(obj.setdefault("spec", {"containers": []}))
        obj.setdefault("status", {"phase": "Pending", "qosClass": "BestEffort"})
    elif kind == "Deployment" and isinstance(spec, dict):
        spec.setdefault("replicas", 1)
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        strategy = spec.setdefault("strategy", {"type": "RollingUpdate"})
        if strategy.get("type", "RollingUpdate") == "RollingUpdate":
            strategy["type"] = "RollingUpdate"
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxSurge", "25%")
            rolling.setdefault("maxUnavailable", "25%")
        _template(spec)
    elif kind in ("ReplicaSet", "StatefulSet", "DaemonSet") and isinstance(spec, dict):
        if kind != "DaemonSet":
            spec.setdefault("replicas", 1)
        if kind == "StatefulSet":
            spec.setdefault("podManagementPolicy", "OrderedReady")
            spec.setdefault("updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}})
            spec.setdefault("revisionHistoryLimit", 10)
            spec.setdefault(
                "persistentVolumeClaimRetentionPolicy", {"whenDeleted": "Retain", "whenScaled": "Retain"}
            )
        if kind == "DaemonSet":
            spec.setdefault(
                "updateStrategy",
                {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            )
            spec.setdefault("revisionHistoryLimit", 10)
        _template(spec)
    elif kind == "Job" and isinstance(spec, dict):
        spec.setdefault("parallelism", 1)
        spec.setdefault("completions", 1)
        spec.setdefault("backoffLimit", 6)
        spec.setdefault("completionMode", "NonIndexed")
        spec.setdefault("suspend", False)
        spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
        uid = obj["metadata"].get("uid", "")
        name = obj["metadata"]["name"]
        spec.setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
        template = spec.setdefault("template", {})
        labels = template.setdefault("metadata", {}).setdefault("labels", {})
        labels.setdefault("batch.kubernetes.io/controller-uid", uid)
        labels.setdefault("batch.kubernetes.io/job-name", name)
        labels.setdefault("controller-uid", uid)
        labels.setdefault("job-name", name)
        _template(spec)
    elif kind == "CronJob" and isinstance(spec, dict):
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job_template = spec.setdefault("jobTemplate", {}).setdefault("spec", {})
        job_template.setdefault("template", {})
        _template(job_template)
    elif kind == "Service":
        _service(obj)
    elif kind == "Namespace":
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj.setdefault("status", {"phase": "Active"})
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"]["name"]
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")
        string_data = obj.pop("stringData", None) or {}
        data = obj.setdefault("data", {}) if string_data else obj.get("data")
        for key, value in string_data.items():
            assert data is not None
            data[key] = base64.b64encode(str(value).encode()).decode()
    elif kind == "PersistentVolumeClaim" and isinstance(spec, dict):
        spec.setdefault("volumeMode", "Filesystem")
        obj.setdefault("status", {"phase": "Pending"})


def _service(obj: Obj) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] != "ExternalName":
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
        if "clusterIP" not in spec:
            octets = int(uuid.UUID(obj["metadata"].get("uid") or str(uuid.uuid4())).hex[:4], 16)
            spec["clusterIP"] = f"10.43.{octets >> 8}.{octets & 0xFF or 1}"
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
    for n, port in enumerate(spec.get("ports") or []):
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer"):
            port.setdefault("nodePort", 30000 + (zlib.crc32(obj["metadata"]["name"].encode()) + n) % 2000)
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    obj.setdefault("status", {"loadBalancer": {}})
