"""Authorisation: allow everything unless a test denied a verb on a resource.

A denial answers like RBAC (403 with the real message) and ``kubectl auth can-i``, which
asks through a SelfSubjectAccessReview, says ``no`` for the same verb and resource.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from tests.fakes.kube_api.errors import ApiError, qualified

Obj = dict[str, Any]
USER = "system:serviceaccount:ai-agents:binks"
GROUPS = ["system:serviceaccounts", "system:serviceaccounts:ai-agents", "system:authenticated"]


@dataclass(frozen=True)
class Denial:
    """``verb`` on ``resource`` (plural, optionally ``plural/subresource``) is forbidden."""

    verb: str
    resource: str
    namespace: str | None


class Authorizer:
    """The test-controlled deny list."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._denials: list[Denial] = []

    def clear(self) -> None:
        """Allow everything again."""
        with self._lock:
            self._denials.clear()

    def deny(self, verb: str, resource: str, namespace: str | None) -> None:
        """Forbid ``verb`` (or ``*``) on ``resource`` (or ``*``), in one namespace or all."""
        with self._lock:
            self._denials.append(Denial(verb, resource, namespace))

    def allowed(self, verb: str, resource: str, subresource: str | None, namespace: str | None) -> bool:
        """Whether the caller may do this."""
        full = f"{resource}/{subresource}" if subresource else resource
        with self._lock:
            for d in self._denials:
                if d.verb in ("*", verb) and d.resource in ("*", full) and d.namespace in (None, namespace):
                    return False
        return True

    def check(
        self,
        verb: str,
        group: str,
        resource: str,
        subresource: str | None,
        namespace: str | None,
        name: str | None,
    ) -> None:
        """Raise the RBAC-style 403 when the request is denied."""
        if self.allowed(verb, resource, subresource, namespace):
            return
        target = qualified(resource, group) + (f"/{subresource}" if subresource else "")
        subject = f'{target} "{name}"' if name else target
        where = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
        resource_text = f"{resource}/{subresource}" if subresource else resource
        details: Obj = {"kind": resource}
        if name:
            details["name"] = name
        if group:
            details["group"] = group
        raise ApiError(
            403,
            f'{subject} is forbidden: User "{USER}" cannot {verb} resource "{resource_text}" in API group '
            f'"{group}"{where}',
            details=details,
        )

    def review(self, body: Obj) -> Obj:
        """Answer a SelfSubjectAccessReview."""
        attrs = (body.get("spec") or {}).get("resourceAttributes") or {}
        verb, resource = attrs.get("verb", ""), attrs.get("resource", "")
        allowed = self.allowed(
            verb, resource, attrs.get("subresource") or None, attrs.get("namespace") or None
        )
        status: Obj = {"allowed": allowed}
        if not allowed:
            status["reason"] = "denied by the test's RBAC rules"
        else:
            status["reason"] = "allowed by the test cluster's default rules"
        return {**body, "metadata": {"creationTimestamp": None}, "status": status}

    def rules_review(self, body: Obj) -> Obj:
        """Answer a SelfSubjectRulesReview (``kubectl auth can-i --list``)."""
        return {
            **body,
            "metadata": {"creationTimestamp": None},
            "status": {
                "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
                "incomplete": bool(self._denials),
            },
        }


def whoami(body: Obj) -> Obj:
    """Answer a SelfSubjectReview (``kubectl auth whoami``)."""
    return {
        **body,
        "metadata": {"creationTimestamp": None},
        "status": {"userInfo": {"username": USER, "groups": GROUPS}},
    }
