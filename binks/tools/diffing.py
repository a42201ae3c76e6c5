"""Unified diffs of Kubernetes objects, without the fields that change on every write.

The approval card shows what a change does to the object's desired state, so bookkeeping
(``resourceVersion``, ``managedFields``, timestamps, ``status``) is dropped and Secret values
are redacted before the two sides are compared.
"""

from __future__ import annotations

import copy
import difflib
from typing import Any

import yaml

from binks.tools.redact import scrub

_NOISE_META = ("managedFields", "resourceVersion", "generation", "creationTimestamp", "uid", "selfLink")
_NOISE_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision")


def clean(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of the object without status, bookkeeping metadata and secret values."""
    out = copy.deepcopy(obj)
    out.pop("status", None)
    meta = out.get("metadata") or {}
    for key in _NOISE_META:
        meta.pop(key, None)
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        for key in _NOISE_ANNOTATIONS:
            annotations.pop(key, None)
        if not annotations:
            meta.pop("annotations", None)
    scrub(out)
    return out


def label(obj: dict[str, Any]) -> str:
    """``deployment/web -n shop`` style name of an object."""
    meta = obj.get("metadata") or {}
    namespace = f" -n {meta['namespace']}" if meta.get("namespace") else ""
    return f"{str(obj.get('kind', '?')).lower()}/{meta.get('name', '?')}{namespace}"


def _yaml(obj: dict[str, Any] | None) -> list[str]:
    if obj is None:
        return []
    return yaml.safe_dump(clean(obj), sort_keys=True, default_flow_style=False).splitlines(keepends=True)


def object_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """Unified diff of two versions of an object (None: does not exist); '' when equal."""
    name = label(after or before or {})
    lines = difflib.unified_diff(
        _yaml(before),
        _yaml(after),
        fromfile=f"live {name}" if before is not None else "/dev/null",
        tofile=f"after {name}" if after is not None else "/dev/null",
    )
    return "".join(lines)
