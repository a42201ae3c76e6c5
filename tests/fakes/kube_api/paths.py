"""Turn a request path and method into what the real API server calls RequestInfo."""

from __future__ import annotations

from dataclasses import dataclass

from tests.fakes.kube_api.kinds import Kind, by_plural


@dataclass(frozen=True)
class RequestInfo:
    """The API verb and target of one request; ``kind`` is ``None`` for non-resource paths."""

    verb: str
    group: str
    version: str
    resource: str | None
    subresource: str | None
    namespace: str | None
    name: str | None
    kind: Kind | None
    is_resource: bool


_METHOD_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch"}


def parse(path: str, method: str, watch: bool) -> RequestInfo:
    """Parse ``/api/v1/namespaces/ns/pods/name/log`` and friends."""
    parts = [p for p in path.split("/") if p]
    non_resource = RequestInfo(method.lower(), "", "", None, None, None, None, None, False)
    if len(parts) >= 2 and parts[0] == "api":
        group, version, rest = "", parts[1], parts[2:]
    elif len(parts) >= 3 and parts[0] == "apis":
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return non_resource
    if not rest:
        return non_resource
    namespace: str | None = None
    if rest[0] == "namespaces" and len(rest) >= 3 and rest[2] not in ("status", "finalize"):
        namespace, rest = rest[1], rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else None
    subresource = rest[2] if len(rest) > 2 else None
    if resource == "namespaces" and name:
        namespace = name
    if method == "GET":
        verb = "get" if name else ("watch" if watch else "list")
    elif method == "DELETE":
        verb = "delete" if name else "deletecollection"
    else:
        verb = _METHOD_VERBS.get(method, method.lower())
    kind = by_plural(group, resource)
    if kind is not None and kind.version != version:
        kind = None
    return RequestInfo(verb, group, version, resource, subresource, namespace, name, kind, True)
