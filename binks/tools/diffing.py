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
    out = _plain(obj)
    scrub(out)
    return out


def _plain(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of the object without status and bookkeeping metadata (values not yet scrubbed)."""
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
    return out


def _hidden(raw: Any, scrubbed: Any, path: str = "") -> dict[str, Any]:
    """The values scrubbing hid, by path: what the diff cannot show, but must say changed."""
    if isinstance(raw, dict) and isinstance(scrubbed, dict):
        found: dict[str, Any] = {}
        for key, value in raw.items():
            found.update(_hidden(value, scrubbed.get(key), f"{path}.{key}" if path else str(key)))
        return found
    if isinstance(raw, list) and isinstance(scrubbed, list) and len(raw) == len(scrubbed):
        found = {}
        for index, (value, shown) in enumerate(zip(raw, scrubbed, strict=True)):
            name = value.get("name") if isinstance(value, dict) else None
            found.update(_hidden(value, shown, f"{path}[{name if isinstance(name, str) else index}]"))
        return found
    return {path: raw} if raw != scrubbed else {}


def hidden_changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """Paths of hidden values (Secret data, credential-named env values) that the change alters."""
    sides = []
    for obj in (before, after):
        plain = _plain(obj) if obj is not None else {}
        sides.append(_hidden(plain, scrub(copy.deepcopy(plain))))
    old, new = sides
    return sorted(path for path in old.keys() | new.keys() if old.get(path) != new.get(path))


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
    text = "".join(lines)
    changed = hidden_changes(before, after) if before is not None and after is not None else []
    if changed:
        text += f"# {name}: hidden values change: {', '.join(changed)}\n"
    return text
