"""The validation errors kubectl users meet most: names, selectors, containers, immutability."""

from __future__ import annotations

import json
import re
import typing
from typing import Any

from tests.fakes.kube_api.errors import ApiError, invalid
from tests.fakes.kube_api.kinds import Kind
from tests.fakes.kube_api.selectors import match_labels_selector

Obj = dict[str, Any]

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
_WORKLOADS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")


def _go_map(labels: dict[str, str]) -> str:
    return "map[string]string{" + ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items())) + "}"


def _containers(spec: Obj, prefix: str, causes: list[tuple[str, str]]) -> None:
    containers = spec.get("containers")
    if not containers:
        causes.append((f"{prefix}.containers", "Required value"))
        return
    for n, c in enumerate(containers):
        if not c.get("name"):
            causes.append((f"{prefix}.containers[{n}].name", "Required value"))
        if not c.get("image"):
            causes.append((f"{prefix}.containers[{n}].image", "Required value"))


def validate(kind: Kind, obj: Obj, old: Obj | None) -> None:
    """Raise the 422 the real server would for the common mistakes."""
    meta = obj.get("metadata") or {}
    name = str(meta.get("name") or "")
    causes: list[tuple[str, str]] = []
    if not name:
        causes.append(("metadata.name", "Required value: name or generateName is required"))
    elif not _SUBDOMAIN.match(name) or len(name) > 253:
        causes.append(("metadata.name", f'Invalid value: "{name}": {_SUBDOMAIN_MSG}'))
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else None
    if kind.kind == "Pod" and spec is not None:
        _containers(spec, "spec", causes)
    if kind.kind in (*_WORKLOADS, "Job") and spec is not None:
        template = spec.get("template") or {}
        _containers(template.get("spec") or {}, "spec.template.spec", causes)
        replicas = spec.get("replicas", 0)
        if isinstance(replicas, int) and replicas < 0:
            causes.append(("spec.replicas", f"Invalid value: {replicas}: must be greater than or equal to 0"))
        selector = spec.get("selector")
        labels = (template.get("metadata") or {}).get("labels") or {}
        if kind.kind != "Job" and not selector:
            causes.append(("spec.selector", "Required value"))
        elif selector and not match_labels_selector(selector)({"metadata": {"labels": labels}}):
            causes.append(
                (
                    "spec.template.metadata.labels",
                    f"Invalid value: {_go_map(labels)}: `selector` does not match template `labels`",
                )
            )
        if old is not None and (old.get("spec") or {}).get("selector") != selector and kind.kind != "Job":
            causes.append(("spec.selector", f"Invalid value: {json.dumps(selector)}: field is immutable"))
    if kind.kind == "Job" and spec is not None:
        policy = ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy")
        if policy not in ("Never", "OnFailure"):
            causes.append(
                (
                    "spec.template.spec.restartPolicy",
                    f'Unsupported value: "{policy}": supported values: "OnFailure", "Never"'
                    if policy
                    else 'Required value: valid values: "OnFailure", "Never"',
                )
            )
        if old is not None and (old.get("spec") or {}).get("template") != spec.get("template"):
            causes.append(("spec.template", "Invalid value: field is immutable"))
    if causes:
        raise invalid(kind.kind, kind.group, name, causes)


def check_identity(kind: Kind, obj: Obj, namespace: str | None) -> None:
    """The 400s for a body that does not belong at this URL."""
    if obj.get("apiVersion") and obj["apiVersion"] != kind.api_version:
        raise ApiError(
            400,
            f"the API version in the data ({obj['apiVersion']}) does not match the expected API "
            f"version ({kind.api_version})",
        )
    if obj.get("kind") and obj["kind"] != kind.kind:
        raise ApiError(
            400, f"the kind in the data ({obj['kind']}) does not match the expected kind ({kind.kind})"
        )
    body_ns = (obj.get("metadata") or {}).get("namespace")
    if kind.namespaced and body_ns and namespace and body_ns != namespace:
        raise ApiError(
            400, "the namespace of the provided object does not match the namespace sent on the request"
        )


def _inner_model(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated or origin is typing.Union:
        real = [a for a in args if a is not type(None)]
        return _inner_model(real[0]) if real else None
    if origin in (list, dict):
        return _inner_model(args[-1])
    return annotation if isinstance(annotation, type) and hasattr(annotation, "attribute_map") else None


def _unknown(cls: Any, value: Any, path: str, found: list[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _unknown(cls, item, path, found)
        return
    if not isinstance(value, dict) or cls is None:
        return
    by_json = {json_name: name for name, json_name in cls.attribute_map.items()}
    for key, child in value.items():
        child_path = f"{path}.{key}" if path else key
        if key not in by_json:
            found.append(child_path)
            continue
        info = cls.model_fields[by_json[key]]
        origin = typing.get_origin(info.annotation)
        inner = _inner_model(info.annotation)
        if inner is not None and origin is not dict and "Dict" not in str(info.annotation):
            _unknown(inner, child, child_path, found)
        elif inner is not None and isinstance(child, dict):
            for sub in child.values():
                _unknown(inner, sub, child_path, found)


def strict_fields(kind: Kind, body: Obj) -> None:
    """Reject unknown fields like ``fieldValidation=Strict`` does (kubectl sends it by default)."""
    from tests.fakes.kube_api.openapi import model_class

    cls = model_class(kind)
    found: list[str] = []
    _unknown(cls, body, "", found)
    if found:
        listing = ", ".join(f'unknown field "{p}"' for p in found)
        raise ApiError(
            400,
            f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
            f"strict decoding error: {listing}",
        )
