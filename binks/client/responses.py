"""Turning the server's HTTP answers into models or into errors that say what to do.

Shared by the async and the sync client, which differ only in how they send.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from binks.client.errors import AuthenticationFailed, NothingToCancel, ServerError, ServerUnavailable
from binks.client.models import StreamEvent
from binks.errors import ApprovalConflict, ThreadBusy, ThreadNotFound

Model = TypeVar("Model", bound=BaseModel)


class StreamBroken(Exception):
    """The event stream ended or failed in a way a reconnect can cure (5xx, closed early)."""


def detail_of(response: httpx.Response) -> str:
    """The server's explanation (FastAPI's ``detail``), or the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip() or response.reason_phrase
    detail = body.get("detail", body) if isinstance(body, dict) else body
    if isinstance(detail, str):
        return detail
    if isinstance(detail, dict) and isinstance(detail.get("message"), str):
        return str(detail["message"])
    return json.dumps(detail)[:300]


def raise_for_status(
    response: httpx.Response,
    *,
    thread_id: str | None = None,
    deciding: bool = False,
    cancelling: bool = False,
) -> None:
    """Map an error status onto the error a person can act on; 2xx passes."""
    status = response.status_code
    if status < 400:
        return
    detail = detail_of(response)
    if status in (401, 403):
        raise AuthenticationFailed(
            f"the server refused the API key ({detail}); run 'binks login URL --key KEY' "
            "or set BINKS_API_KEY to the key in the server's state dir (file api-key)"
        )
    if status == 404 and thread_id is not None:
        raise ThreadNotFound(f"no thread {thread_id!r} on the server; 'binks threads' lists them")
    if status == 409 and deciding:
        raise ApprovalConflict(
            f"decision refused: {detail}; run 'binks watch {thread_id}' to see the current approval"
        )
    if status == 409 and cancelling:
        raise NothingToCancel(f"nothing to cancel: {detail}")
    if status == 409:
        raise ThreadBusy(f"{detail}; wait for the current run to finish or 'binks watch {thread_id}'")
    code = error_code(response)
    if status >= 500:
        raise ServerError(f"the server failed ({status}): {detail}; check its log", status, code, detail)
    raise ServerError(f"the server refused the request ({status}): {detail}", status, code, detail)


def error_code(response: httpx.Response) -> str | None:
    """The ``error`` field of the server's error body (``refused``, ``conflict``, ...), if any."""
    try:
        body = response.json()
    except ValueError:
        return None
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None


def parse(model: type[Model], response: httpx.Response, **context: Any) -> Model:
    """Check the status, then read the body as ``model``."""
    raise_for_status(response, **context)
    try:
        return model.model_validate(response.json())
    except (ValueError, ValidationError) as exc:
        raise ServerError(
            f"unexpected answer from {response.request.url}: {exc}; is BINKS_URL a Binks server?",
            response.status_code,
        ) from exc


def unreachable(url: str, exc: Exception) -> ServerUnavailable:
    """The error for a server that cannot be reached, naming the URL and how to fix it."""
    return ServerUnavailable(
        f"cannot reach the Binks server at {url} ({type(exc).__name__}: {exc or 'no answer'}); "
        "start it with 'binks serve' or point BINKS_URL / 'binks login URL' at it"
    )


#: Sent (without an id) when the server shuts down: reconnect, the thread goes on.
STREAM_CLOSED = "stream_closed"


def decode_event(thread_id: str, event: str, data: str, event_id: str) -> StreamEvent | None:
    """One SSE event as a :class:`StreamEvent`.

    ``None`` for pings and comments (empty data) and for events without an id, which are
    notes about the connection rather than part of the thread's history. A server that
    shuts down says so with ``stream_closed``: that raises :class:`StreamBroken`, so the
    client reconnects and resumes after the last event it saw.
    """
    if event == STREAM_CLOSED:
        raise StreamBroken("the server is shutting down")
    if not data.strip() or not event_id.strip():
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        payload = {"text": data}
    if not isinstance(payload, dict):
        payload = {"value": payload}
    try:
        seq = int(event_id)
    except ValueError:
        return None
    return StreamEvent(seq=seq, thread_id=thread_id, event=event, data=payload)


def decode_stored(thread_id: str, row: dict[str, Any]) -> StreamEvent:
    """One event of ``GET /threads/{id}/log`` as a :class:`StreamEvent` (same fields as the stream)."""
    data = row.get("data")
    return StreamEvent(
        seq=int(row.get("seq") or 0),
        thread_id=thread_id,
        event=str(row.get("event") or ""),
        data=data if isinstance(data, dict) else {"value": data},
    )
