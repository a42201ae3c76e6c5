"""Helpers the controllers share: ownership, conditions, pod templates, hashing."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from tests.fakes.kube_api.defaults import now
from tests.fakes.kube_api.kinds import Kind, by_plural

Obj = dict[str, Any]


def kind(group: str, plural: str) -> Kind:
    """A kind that must exist in the registry."""
    found = by_plural(group, plural)
    assert found is not None, plural
    return found


PODS = kind("", "pods")
NODES = kind("", "nodes")
REPLICASETS = kind("apps", "replicasets")
DEPLOYMENTS = kind("apps", "deployments")


def owner_ref(owner: Obj) -> Obj:
    """A controller ownerReference to ``owner``."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def owned_by(obj: Obj, owner: Obj) -> bool:
    """Whether ``owner`` is ``obj``'s controller."""
    uid = owner["metadata"]["uid"]
    return any(
        r.get("uid") == uid and r.get("controller") for r in obj["metadata"].get("ownerReferences") or []
    )


def template_hash(template: Obj) -> str:
    """A stable short hash of a pod template (the ``pod-template-hash`` label)."""
    digest = hashlib.sha256(json.dumps(template, sort_keys=True).encode()).hexdigest()
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    return "".join(alphabet[int(digest[i : i + 2], 16) % len(alphabet)] for i in range(0, 20, 2))


def set_condition(
    conditions: list[Obj], type_: str, status: str, reason: str, message: str, update_time: bool = False
) -> list[Obj]:
    """Set a condition, keeping its transition time when the status did not change."""
    stamp = now()
    old = next((c for c in conditions if c.get("type") == type_), None)
    new: Obj = {"type": type_, "status": status, "reason": reason, "message": message}
    if old is not None and old.get("status") == status:
        new["lastTransitionTime"] = old.get("lastTransitionTime", stamp)
    else:
        new["lastTransitionTime"] = stamp
    if update_time:
        same = old is not None and (old.get("reason"), old.get("message")) == (reason, message)
        new["lastUpdateTime"] = old.get("lastUpdateTime", stamp) if same and old is not None else stamp
    rest = [c for c in conditions if c.get("type") != type_]
    index = next((n for n, c in enumerate(conditions) if c.get("type") == type_), len(rest))
    rest.insert(index, new)
    return rest


def pod_from_template(
    owner: Obj, template: Obj, name: str, extra_labels: dict[str, str] | None = None
) -> Obj:
    """A pod as a controller creates it from its template."""
    meta = copy.deepcopy(template.get("metadata") or {})
    labels = {**(meta.get("labels") or {}), **(extra_labels or {})}
    pod_meta: Obj = {
        "name": name,
        "namespace": owner["metadata"]["namespace"],
        "labels": labels,
        "ownerReferences": [owner_ref(owner)],
    }
    if meta.get("annotations"):
        pod_meta["annotations"] = meta["annotations"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": copy.deepcopy(template["spec"])}


def pod_ready(pod: Obj) -> bool:
    """The pod's Ready condition is True."""
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or []
    )


def pod_active(pod: Obj) -> bool:
    """Not finished and not being deleted."""
    return (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed") and not pod["metadata"].get(
        "deletionTimestamp"
    )


def omit_zero(status: Obj) -> Obj:
    """Drop zero counters, as ``omitempty`` does on the real server."""
    return {k: v for k, v in status.items() if v != 0 or k in ("observedGeneration",)}


def scaled(value: Any, total: int, round_up: bool) -> int:
    """Resolve an int-or-percent like ``maxSurge``."""
    if isinstance(value, str) and value.endswith("%"):
        exact = int(value[:-1]) * total / 100
        return int(-(-exact // 1)) if round_up else int(exact // 1)
    return int(value or 0)
