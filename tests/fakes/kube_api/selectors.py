"""Label and field selectors, parsed the way the real API server parses query strings."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.fakes.kube_api.errors import ApiError

Obj = dict[str, Any]
Matcher = Callable[[Obj], bool]

_SET_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9./_-]+)\s*(?:(in|notin)\s*\(([^)]*)\))?\s*$")
_EQ_RE = re.compile(r"^\s*([A-Za-z0-9./_-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)\s*$")


def _split_terms(selector: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        terms.append(current)
    return terms


def _equals(key: str, value: str, negate: bool) -> Callable[[dict[str, str]], bool]:
    return lambda labels: (labels.get(key) == value) != negate


def _member(key: str, allowed: set[str], negate: bool) -> Callable[[dict[str, str]], bool]:
    return lambda labels: (labels.get(key) in allowed) != negate


def _exists(key: str, negate: bool) -> Callable[[dict[str, str]], bool]:
    return lambda labels: (key in labels) != negate


def _field_check(path: str, value: str, negate: bool) -> Matcher:
    return lambda obj: (_field(obj, path) == value) != negate


def label_matcher(selector: str | None) -> Matcher:
    """Parse a label selector string (``app=web,tier in (a,b),!legacy``)."""
    if not selector:
        return lambda _obj: True
    checks: list[Callable[[dict[str, str]], bool]] = []
    for term in _split_terms(selector):
        eq = _EQ_RE.match(term)
        if eq:
            key, op, value = eq.groups()
            checks.append(_equals(key, value, negate=op == "!="))
            continue
        match = _SET_RE.match(term)
        if not match:
            raise ApiError(
                400,
                f"unable to parse requirement: found '{term.strip()}', "
                "expected: '=', '!=', '==', 'in', notin'",
            )
        negate, key, op, values = match.groups()
        if op:
            allowed = {v.strip() for v in values.split(",") if v.strip()}
            checks.append(_member(key, allowed, negate=op == "notin"))
        else:
            checks.append(_exists(key, negate=bool(negate)))

    def matches(obj: Obj) -> bool:
        labels = obj.get("metadata", {}).get("labels") or {}
        return all(check(labels) for check in checks)

    return matches


def match_labels_selector(selector: Obj | None) -> Matcher:
    """A ``LabelSelector`` object (``matchLabels`` + ``matchExpressions``) as a matcher."""
    if not selector:
        return lambda _obj: False
    terms = [f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        op, key, values = expr.get("operator"), expr.get("key"), expr.get("values") or []
        if op == "In":
            terms.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            terms.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            terms.append(key)
        elif op == "DoesNotExist":
            terms.append(f"!{key}")
    return label_matcher(",".join(terms)) if terms else (lambda _obj: True)


def selector_string(selector: Obj | None) -> str:
    """Render a LabelSelector like kubectl's wide output and ``status.selector`` do."""
    if not selector:
        return "<none>"
    terms = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        terms.append(
            f"{expr.get('key')} {expr.get('operator', '').lower()} ({','.join(expr.get('values') or [])})"
        )
    return ",".join(terms)


def _field(obj: Obj, path: str) -> str:
    node: Any = obj
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if node is None:
        return ""
    return str(node).lower() if isinstance(node, bool) else str(node)


#: Fields the real API server accepts in field selectors, per kind (metadata.* for all).
SELECTABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "Pod": (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
    ),
    "Event": (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    "Secret": ("type",),
    "Namespace": ("status.phase",),
    "Node": ("spec.unschedulable",),
    "ReplicaSet": ("status.replicas",),
    "Job": ("status.successful",),
    "Service": ("spec.clusterIP", "spec.type"),
}
#: Kinds whose unsupported fields get core/v1's message; the others get the generic one.
_CORE_MESSAGE = frozenset({"Pod", "Event", "Secret", "Namespace", "Node", "Service"})


def _check_selectable(path: str, kind: str) -> None:
    if path in ("metadata.name", "metadata.namespace") or path in SELECTABLE_FIELDS.get(kind, ()):
        return
    if kind in _CORE_MESSAGE:
        raise ApiError(400, f"field label not supported: {path}")
    raise ApiError(400, f'"{path}" is not a known field selector: only "metadata.name", "metadata.namespace"')


def field_matcher(selector: str | None, kind: str | None = None) -> Matcher:
    """Parse a field selector (``metadata.name=x,status.phase!=Running``).

    With ``kind`` (``Pod``), only the fields the real API server supports for that kind are
    accepted, with its error message for the others.
    """
    if not selector:
        return lambda _obj: True
    checks: list[Callable[[Obj], bool]] = []
    for term in _split_terms(selector):
        eq = re.match(r"^\s*([A-Za-z0-9._]+)\s*(==|=|!=)\s*(.*?)\s*$", term)
        if not eq:
            raise ApiError(400, f"invalid selector: '{selector}'; can't understand '{term}'")
        path, op, value = eq.groups()
        if kind is not None:
            _check_selectable(path, kind)
        checks.append(_field_check(path, value, negate=op == "!="))
    return lambda obj: all(check(obj) for check in checks)
