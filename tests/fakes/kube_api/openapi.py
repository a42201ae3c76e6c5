"""OpenAPI v3 documents built from the kubernetes client's models.

kubectl downloads ``/openapi/v3`` and the document of each group-version it touches:
``apply`` and ``create`` look there for the ``fieldValidation``/``dryRun`` parameters of the
PATCH operation (without them they fail or fall back to client-side checks), and ``explain``
renders the schemas. The schemas come from the client's pydantic models, so field names,
types and descriptions match the Kubernetes release the client was generated for.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import typing
from typing import Any

from tests.fakes.kube_api.kinds import KINDS, Kind

Obj = dict[str, Any]

_QUERY = ("dryRun", "fieldManager", "fieldValidation", "pretty")


def _short(cls: type) -> str:
    name = cls.__name__
    for prefix in (
        "V1beta1",
        "V1alpha1",
        "V2",
        "V1",
        "CoreV1",
        "EventsV1",
        "DiscoveryV1",
        "StorageV1",
        "RbacV1",
        "AuthenticationV1",
        "AuthorizationV1",
        "AdmissionregistrationV1",
    ):
        if name.startswith(prefix) and name[len(prefix) : len(prefix) + 1].isupper():
            return name[len(prefix) :]
    return name


def schema_name(cls: type) -> str:
    """A unique definition name whose last segment is the Kubernetes type name."""
    return f"io.k8s.{cls.__module__.rsplit('.', 1)[-1]}.{_short(cls)}"


def _type_schema(annotation: Any, defs: dict[str, Obj]) -> Obj:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_schema(args[0], defs)
    if origin is typing.Union:
        real = [a for a in args if a is not type(None)]
        return _type_schema(real[0], defs) if len(real) == 1 else {}
    if origin in (list, typing.List):  # noqa: UP006
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin in (dict, typing.Dict):  # noqa: UP006
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs)}
    if annotation is str:
        return {"type": "string"}
    if annotation is bool:
        return {"type": "boolean"}
    if annotation is int:
        return {"type": "integer", "format": "int64"}
    if annotation is float:
        return {"type": "number", "format": "double"}
    if annotation is dt.datetime:
        return {"type": "string", "format": "date-time"}
    if isinstance(annotation, type) and hasattr(annotation, "attribute_map"):
        _model(annotation, defs)
        return {"allOf": [{"$ref": f"#/components/schemas/{schema_name(annotation)}"}]}
    return {"type": "object"}


def _model(cls: Any, defs: dict[str, Obj]) -> None:
    name = schema_name(cls)
    if name in defs:
        return
    schema: Obj = {"type": "object", "description": (cls.__doc__ or "").split("Attributes:")[0].strip()}
    defs[name] = schema
    properties: Obj = {}
    required: list[str] = []
    for field_name, info in cls.model_fields.items():
        json_name = cls.attribute_map.get(field_name, field_name)
        prop = _type_schema(info.annotation, defs)
        if info.description:
            prop["description"] = info.description
        properties[json_name] = prop
        if info.is_required():
            required.append(json_name)
    schema["properties"] = properties
    if required:
        schema["required"] = required


def model_class(kind: Kind) -> Any:
    """The kubernetes client model for a kind (``V1Deployment``), or ``None``."""
    from kubernetes.client import models

    prefix = "Core" if kind.kind == "Event" else ""
    return getattr(models, f"{prefix}V1{kind.kind}", None) or getattr(models, f"V1{kind.kind}", None)


def _gvk(kind: Kind) -> Obj:
    return {
        "x-kubernetes-group-version-kind": [{"group": kind.group, "version": kind.version, "kind": kind.kind}]
    }


def _operation(kind: Kind, action: str, ref: str) -> Obj:
    params = [{"name": p, "in": "query", "schema": {"type": "string", "uniqueItems": True}} for p in _QUERY]
    body = {"content": {"application/json": {"schema": {"$ref": ref}}}}
    return {
        "operationId": f"{action}{kind.kind}",
        "parameters": params,
        **({"requestBody": body} if action in ("create", "replace", "patch") else {}),
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": ref}}}}
        },
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": kind.group, "version": kind.version, "kind": kind.kind},
    }


@functools.cache
def documents() -> dict[str, Obj]:
    """Every group-version document, keyed ``api/v1``, ``apis/apps/v1``, ..."""
    docs: dict[str, Obj] = {}
    for kind in KINDS:
        doc = docs.setdefault(
            kind.group_version,
            {
                "openapi": "3.0.0",
                "info": {"title": "Kubernetes", "version": "v1.37.0"},
                "paths": {},
                "components": {"schemas": {}},
            },
        )
        defs: dict[str, Obj] = doc["components"]["schemas"]
        cls = model_class(kind)
        if cls is None:
            continue
        _model(cls, defs)
        name = schema_name(cls)
        defs[name].update(_gvk(kind))
        ref = f"#/components/schemas/{name}"
        base = (
            f"/{kind.group_version}/" + ("namespaces/{namespace}/" if kind.namespaced else "") + kind.plural
        )
        if kind.stored:
            doc["paths"][base] = {"get": _operation(kind, "list", ref), "post": _operation(kind, "post", ref)}
            doc["paths"][base + "/{name}"] = {
                verb: _operation(kind, action, ref)
                for verb, action in (("get", "get"), ("put", "put"), ("patch", "patch"), ("delete", "delete"))
            }
        else:
            doc["paths"][base] = {"post": _operation(kind, "post", ref)}
    return docs


@functools.cache
def document_bytes(key: str) -> bytes | None:
    """A group-version document serialised once."""
    doc = documents().get(key)
    return json.dumps(doc).encode() if doc is not None else None


def root() -> Obj:
    """``/openapi/v3``: the index pointing at each document with a content hash."""
    paths: Obj = {}
    for key in documents():
        digest = hashlib.sha256(document_bytes(key) or b"").hexdigest()[:32].upper()
        paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
    return {"paths": paths}
