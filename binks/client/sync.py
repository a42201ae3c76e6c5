"""The blocking client (the CLI's and scripts'): the same routes and stream as :mod:`aio`."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from types import TracebackType
from typing import Any

import httpx
from httpx_sse import connect_sse

from binks.client.aio import STREAM_TIMEOUT, auth_headers
from binks.client.backoff import Backoff
from binks.client.config import ClientConfig, load_client_config
from binks.client.models import (
    ConnectionStatus,
    Decision,
    Health,
    StreamEvent,
    ThreadCreated,
    ThreadDetail,
    ThreadSummary,
)
from binks.client.paths import thread_path
from binks.client.responses import StreamBroken, decode_event, parse, raise_for_status, unreachable

StatusCallback = Callable[[ConnectionStatus], None]


class BinksClient:
    """Talks to ``binks serve`` over HTTP; use as ``with BinksClient() as client``."""

    def __init__(
        self, config: ClientConfig | None = None, *, timeout: float = 30.0, transport: Any = None
    ) -> None:
        self.config = config or load_client_config()
        self._http = httpx.Client(
            base_url=self.config.url,
            headers=auth_headers(self.config),
            timeout=timeout,
            transport=transport,
        )

    def __enter__(self) -> BinksClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _send(self, method: str, path: str, body: Any = None) -> httpx.Response:
        try:
            return self._http.request(method, path, json=body)
        except httpx.TransportError as exc:
            raise unreachable(self.config.url, exc) from exc

    def _json(self, response: httpx.Response, **context: Any) -> dict[str, Any]:
        raise_for_status(response, **context)
        result: dict[str, Any] = response.json() if response.content else {}
        return result

    def health(self) -> Health:
        """``GET /health`` (no key needed)."""
        return parse(Health, self._send("GET", "/health"))

    def invoke(self, task: str) -> dict[str, Any]:
        """``POST /invoke``: the seed's synchronous call, answered as the server's JSON."""
        return self._json(self._send("POST", "/invoke", {"task": task}))

    def start_thread(self, task: str) -> ThreadCreated:
        """``POST /threads``: start a conversation with its first task."""
        return parse(ThreadCreated, self._send("POST", "/threads", {"task": task}))

    def list_threads(self) -> list[ThreadSummary]:
        """``GET /threads``, in the server's order (newest first)."""
        response = self._send("GET", "/threads")
        raise_for_status(response)
        body = response.json()
        rows = body.get("threads", []) if isinstance(body, dict) else body
        return [ThreadSummary.model_validate(row) for row in rows]

    def get_thread(self, thread_id: str) -> ThreadDetail:
        """``GET /threads/{id}``: status, messages and the pending approval, if any."""
        return parse(ThreadDetail, self._send("GET", thread_path(thread_id)), thread_id=thread_id)

    def send_message(self, thread_id: str, task: str) -> ThreadCreated:
        """``POST /threads/{id}/messages``: a follow-up task on an existing thread."""
        response = self._send("POST", thread_path(thread_id, "messages"), {"task": task})
        return parse(ThreadCreated, response, thread_id=thread_id)

    def decide(self, thread_id: str, decision: Decision) -> dict[str, Any]:
        """``POST /threads/{id}/decision``; raises ``ApprovalConflict`` on 409 (nothing ran)."""
        body = decision.model_dump(exclude_none=True)
        response = self._send("POST", thread_path(thread_id, "decision"), body)
        return self._json(response, thread_id=thread_id, deciding=True)

    def resume(self, thread_id: str) -> dict[str, Any]:
        """``POST /threads/{id}/resume``: continue a run interrupted by a restart."""
        return self._json(self._send("POST", thread_path(thread_id, "resume")), thread_id=thread_id)

    def cancel(self, thread_id: str) -> dict[str, Any]:
        """``POST /threads/{id}/cancel``: stop the running run at its next step."""
        return self._json(
            self._send("POST", thread_path(thread_id, "cancel")), thread_id=thread_id, cancelling=True
        )

    def events(
        self,
        thread_id: str,
        *,
        after: int | None = None,
        on_status: StatusCallback | None = None,
        backoff: Backoff | None = None,
    ) -> Generator[StreamEvent, None, None]:
        """Follow a thread's events, reconnecting with ``Last-Event-ID`` (see the async twin)."""
        backoff = backoff or Backoff()
        position = after
        failing = False
        while True:
            headers = {"Last-Event-ID": str(position)} if position is not None else {}
            try:
                path = thread_path(thread_id, "events")
                with connect_sse(self._http, "GET", path, headers=headers, timeout=STREAM_TIMEOUT) as source:
                    response = source.response
                    if response.status_code >= 400:
                        response.read()
                        if response.status_code < 500:
                            raise_for_status(response, thread_id=thread_id)
                        raise StreamBroken(f"HTTP {response.status_code}")
                    if failing and on_status:
                        on_status(ConnectionStatus(state="connected"))
                    failing = False
                    backoff.reset()
                    for sse in source.iter_sse():
                        event = decode_event(thread_id, sse.event, sse.data, sse.id)
                        if event is not None:
                            position = event.seq
                            yield event
                raise StreamBroken("the server closed the stream")
            except (httpx.TransportError, StreamBroken) as exc:
                error = str(exc) or type(exc).__name__
            delay = backoff.next_delay()
            if delay is None:
                raise unreachable(self.config.url, ConnectionError(error))
            failing = True
            if on_status:
                on_status(
                    ConnectionStatus(
                        state="reconnecting", attempt=backoff.attempt, retry_in=delay, error=error
                    )
                )
            time.sleep(delay)
