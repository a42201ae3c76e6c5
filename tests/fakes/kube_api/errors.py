"""API errors as the real server reports them: a ``Status`` object with reason and code.

kubectl and the Python client parse these bodies (``reason`` decides e.g. ``IsNotFound``),
so every failure the fake server returns goes through :class:`ApiError`.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


class ApiError(Exception):
    """A failed API call; :meth:`status` renders the body a real API server would send."""

    def __init__(
        self, code: int, message: str, reason: str | None = None, details: Obj | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason or _REASONS.get(code, "Unknown")
        self.details = details

    def status(self) -> Obj:
        """The ``metav1.Status`` body for this error."""
        body: Obj = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def qualified(plural: str, group: str) -> str:
    """``deployments.apps`` or ``pods``: how the real server names a resource in messages."""
    return f"{plural}.{group}" if group else plural


def _details(plural: str, group: str, name: str | None) -> Obj:
    details: Obj = {"kind": plural}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    return details


def not_found(plural: str, group: str, name: str) -> ApiError:
    """``pods "x" not found``."""
    return ApiError(
        404, f'{qualified(plural, group)} "{name}" not found', details=_details(plural, group, name)
    )


def already_exists(plural: str, group: str, name: str) -> ApiError:
    """``deployments.apps "x" already exists``."""
    return ApiError(
        409,
        f'{qualified(plural, group)} "{name}" already exists',
        "AlreadyExists",
        _details(plural, group, name),
    )


def conflict(plural: str, group: str, name: str) -> ApiError:
    """The optimistic-concurrency failure for a stale ``resourceVersion``."""
    return ApiError(
        409,
        f'Operation cannot be fulfilled on {qualified(plural, group)} "{name}": the object has been '
        "modified; please apply your changes to the latest version and try again",
        "Conflict",
        _details(plural, group, name),
    )


def invalid(kind: str, group: str, name: str, causes: list[tuple[str, str]]) -> ApiError:
    """A 422 with field causes, e.g. ``Deployment.apps "x" is invalid: spec.replicas: ...``."""
    what = f"{kind}.{group}" if group else kind
    text = "; ".join(f"{field}: {msg}" for field, msg in causes)
    details: Obj = {
        "name": name,
        "kind": kind,
        "causes": [{"reason": "FieldValueInvalid", "message": msg, "field": field} for field, msg in causes],
    }
    if group:
        details["group"] = group
    if len(causes) > 1:
        text = f"[{', '.join(f'{field}: {msg}' for field, msg in causes)}]"
    return ApiError(422, f'{what} "{name}" is invalid: {text}', "Invalid", details)


def page_not_found() -> ApiError:
    """What the real server answers for a path no API serves."""
    return ApiError(404, "the server could not find the requested resource", details={})
