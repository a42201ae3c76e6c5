"""Core ``v1`` Events, recorded the way controllers and the kubelet record them.

``kubectl describe`` and ``kubectl events`` read these; repeated events bump ``count``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from tests.fakes.kube_api.defaults import now
from tests.fakes.kube_api.kinds import by_plural

if TYPE_CHECKING:
    from tests.fakes.kube_api.cluster import Cluster

Obj = dict[str, Any]
EVENTS = by_plural("", "events")


def record(cluster: Cluster, obj: Obj, type_: str, reason: str, message: str, component: str) -> None:
    """Record (or count again) an event about ``obj``."""
    assert EVENTS is not None
    meta = obj["metadata"]
    namespace = meta.get("namespace") or "default"
    digest = hashlib.sha1(f"{meta.get('uid')}{reason}{message}".encode()).hexdigest()[:16]
    name = f"{meta['name']}.{digest}"
    existing = cluster.find(EVENTS, namespace, name)
    stamp = now()
    if existing is not None:
        existing["count"] = int(existing.get("count", 1)) + 1
        existing["lastTimestamp"] = stamp
        cluster.save(EVENTS, existing)
        return
    event: Obj = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": {
            "apiVersion": obj.get("apiVersion", "v1"),
            "kind": obj.get("kind", ""),
            "name": meta["name"],
            "namespace": namespace,
            "uid": meta.get("uid", ""),
            "resourceVersion": meta.get("resourceVersion", ""),
        },
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
        "type": type_,
        "eventTime": None,
        "reportingComponent": component,
        "reportingInstance": "",
    }
    cluster.save(EVENTS, event)
