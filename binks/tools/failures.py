"""Turn kubectl's and the API server's failures into messages that say what to check.

kubectl's stderr and the client's ``ApiException`` carry the same few situations: the API
server cannot be reached, the credentials are refused (401), the identity lacks a
permission (403), the object is missing (404) or changed meanwhile (409), or the call took
too long. Each becomes one sentence a person can act on.
"""

from __future__ import annotations

import json
import re
from enum import Enum

from binks.settings import Settings


class Failure(Enum):
    """The kinds of failure Binks tells apart."""

    UNREACHABLE = "unreachable"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    TIMEOUT = "timeout"
    OTHER = "other"


_UNREACHABLE = re.compile(
    r"Unable to connect to the server|connection refused|no such host|dial tcp|i/o timeout|"
    r"network is unreachable|couldn't get current server API group list|Max retries exceeded|"
    r"Connection refused|Failed to establish a new connection|Name or service not known",
    re.IGNORECASE,
)
_FORBIDDEN = re.compile(
    r'User "(?P<user>[^"]+)" cannot (?P<verb>[\w-]+) resource "(?P<resource>[^"]+)"'
    r'(?: in API group "(?P<group>[^"]*)")?(?: in the namespace "(?P<ns>[^"]+)")?'
)


def classify_failure(text: str, status: int | None = None) -> Failure:
    """Which kind of failure a kubectl stderr or an API error body describes."""
    if status == 401 or "Unauthorized" in text or "must be logged in" in text:
        return Failure.UNAUTHORIZED
    if status == 403 or "(Forbidden)" in text or " is forbidden: " in text:
        return Failure.FORBIDDEN
    if status == 404 or "(NotFound)" in text:
        return Failure.NOT_FOUND
    if status == 409 or "(AlreadyExists)" in text or "(Conflict)" in text:
        return Failure.CONFLICT
    if status == 504 or "(Timeout)" in text or "context deadline exceeded" in text:
        return Failure.TIMEOUT
    if status is None and _UNREACHABLE.search(text):
        return Failure.UNREACHABLE
    return Failure.OTHER


def _where(settings: Settings) -> str:
    path = settings.effective_kubeconfig()
    context = f", context {settings.kube_context}" if settings.kube_context else ""
    return f"KUBECONFIG_PATH={path or '(unset, no ~/.kube/config)'}{context}"


def explain(text: str, settings: Settings, status: int | None = None) -> tuple[Failure, str]:
    """The failure kind and a message that says what went wrong and what to check."""
    kind = classify_failure(text, status)
    detail = _last_line(text)
    if kind is Failure.UNREACHABLE:
        return kind, (
            f"the Kubernetes API server is unreachable ({detail}): is the cluster reachable? "
            f"check {_where(settings)} and that the server address in it answers"
        )
    if kind is Failure.UNAUTHORIZED:
        return kind, (
            f"the API server refused the credentials (401): refresh the token or certificate in "
            f"{_where(settings)}"
        )
    if kind is Failure.FORBIDDEN:
        match = _FORBIDDEN.search(text)
        if match:
            group = f" (API group {match['group']!r})" if match["group"] else ""
            scope = f" in namespace {match['ns']}" if match["ns"] else " cluster-wide"
            return kind, (
                f"forbidden (403): {match['user']} may not {match['verb']} {match['resource']}{group}"
                f"{scope}; grant that verb on that resource with a Role or ClusterRole "
                "(see manifests/rbac) or use a kubeconfig with more rights"
            )
        return kind, f"forbidden (403): {detail}; check the RBAC rules of the identity in {_where(settings)}"
    if kind is Failure.NOT_FOUND:
        return kind, f"not found (404): {detail}; check the name, kind and namespace (-n)"
    if kind is Failure.CONFLICT:
        return kind, f"conflict (409): {detail}; read the object again and retry"
    if kind is Failure.TIMEOUT:
        return kind, f"the API server timed out: {detail}; try again, or check the cluster's load"
    return kind, detail or "kubectl failed without a message"


def _last_line(text: str) -> str:
    """The informative line of an error: the API status message, or stderr's last line."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            body = json.loads(stripped)
        except ValueError:
            body = None
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(message, str):
            return message
    lines = [line for line in stripped.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("error", "Error"))]
    return (errors or lines or [""])[-1][:500]
