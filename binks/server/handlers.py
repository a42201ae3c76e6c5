"""Error responses: one JSON shape (``ErrorBody``), a message that says what to do, no tracebacks.

Binks' own errors map to status codes by type (unknown thread 404, busy thread or stale
decision 409, model or cluster away 503). Validation errors name each field. Anything
unexpected is logged with its traceback on the server and answered with a plain 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from binks.errors import (
    ApprovalConflict,
    BinksError,
    ClusterError,
    CommandRefused,
    ConfigError,
    ModelError,
    NeedsApproval,
    NothingToApprove,
    ThreadBusy,
    ThreadNotFound,
)
from binks.server.runs import RunInProgress, ShuttingDown

logger = logging.getLogger(__name__)

_BY_TYPE: list[tuple[type[BinksError], int, str]] = [
    (ThreadNotFound, status.HTTP_404_NOT_FOUND, "not_found"),
    (ThreadBusy, status.HTTP_409_CONFLICT, "conflict"),
    (ApprovalConflict, status.HTTP_409_CONFLICT, "conflict"),
    (ShuttingDown, status.HTTP_503_SERVICE_UNAVAILABLE, "shutting_down"),
    (ModelError, status.HTTP_503_SERVICE_UNAVAILABLE, "model_unavailable"),
    (ClusterError, status.HTTP_503_SERVICE_UNAVAILABLE, "cluster_unavailable"),
    (ConfigError, status.HTTP_500_INTERNAL_SERVER_ERROR, "config"),
    (CommandRefused, status.HTTP_422_UNPROCESSABLE_CONTENT, "refused"),
    (NeedsApproval, status.HTTP_422_UNPROCESSABLE_CONTENT, "needs_approval"),
    (NothingToApprove, status.HTTP_422_UNPROCESSABLE_CONTENT, "not_a_change"),
]

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


def error_response(
    status_code: int, error: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """The JSON error body every route uses."""
    body = {"error": error, "detail": detail, **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status_code, headers=headers)


async def _binks_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BinksError)
    for kind, code, name in _BY_TYPE:
        if isinstance(exc, kind):
            run_id = exc.run_id if isinstance(exc, RunInProgress) else None
            return error_response(code, name, str(exc), run_id=run_id)
    return error_response(status.HTTP_400_BAD_REQUEST, "bad_request", str(exc))


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error.get("loc", ()))
        errors.append({"field": field, "message": str(error.get("msg", "invalid"))})
    detail = "; ".join(f"{item['field']}: {item['message']}" for item in errors) or "invalid request"
    return error_response(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid_request", detail, errors=errors)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(
        exc.status_code,
        _HTTP_CODES.get(exc.status_code, "error"),
        str(exc.detail),
        headers=dict(exc.headers) if exc.headers else None,
    )


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        status.HTTP_500_INTERNAL_SERVER_ERROR,
        "internal",
        "internal server error; the server log has the details",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(BinksError, _binks_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
