"""The async client (the TUI's): every route of the HTTP API and a self-healing event stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from types import TracebackType
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from binks.client.backoff import Backoff
from binks.client.config import ClientConfig, load_client_config
from binks.client.models import (
    ConnectionStatus,
    Decision,
    EventPage,
    Health,
    ReadResult,
    StreamEvent,
    ThreadCreated,
    ThreadDetail,
    ThreadSummary,
)
from binks.client.paths import thread_path
from binks.client.responses import (
    StreamBroken,
    decode_event,
    decode_stored,
    parse,
    raise_for_status,
    unreachable,
)

StatusCallback = Callable[[ConnectionStatus], None]

#: Reading an SSE stream waits for heartbeats, not for a reply: no read timeout there.
STREAM_TIMEOUT = httpx.Timeout(10.0, read=None)


def auth_headers(config: ClientConfig) -> dict[str, str]:
    """The ``Authorization: Bearer`` header when a key is configured."""
    return {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}


class AsyncBinksClient:
    """Talks to ``binks serve`` over HTTP; use as ``async with AsyncBinksClient() as c``."""

    def __init__(
        self, config: ClientConfig | None = None, *, timeout: float = 30.0, transport: Any = None
    ) -> None:
        self.config = config or load_client_config()
        self._http = httpx.AsyncClient(
            base_url=self.config.url,
            headers=auth_headers(self.config),
            timeout=timeout,
            transport=transport,
        )

    async def __aenter__(self) -> AsyncBinksClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def _send(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        extra: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        try:
            return await self._http.request(method, path, json=body, params=params, headers=headers, **extra)
        except httpx.TransportError as exc:
            raise unreachable(self.config.url, exc) from exc

    async def health(self) -> Health:
        """``GET /health`` (no key needed)."""
        return parse(Health, await self._send("GET", "/health"))

    async def invoke(self, task: str) -> dict[str, Any]:
        """``POST /invoke``: the seed's synchronous call, answered as the server's JSON."""
        response = await self._send("POST", "/invoke", {"task": task})
        raise_for_status(response)
        result: dict[str, Any] = response.json()
        return result

    async def start_thread(self, task: str) -> ThreadCreated:
        """``POST /threads``: start a conversation with its first task."""
        return parse(ThreadCreated, await self._send("POST", "/threads", {"task": task}))

    async def list_threads(self) -> list[ThreadSummary]:
        """``GET /threads``, newest first as the server orders them."""
        response = await self._send("GET", "/threads")
        raise_for_status(response)
        body = response.json()
        rows = body.get("threads", []) if isinstance(body, dict) else body
        return [ThreadSummary.model_validate(row) for row in rows]

    async def get_thread(self, thread_id: str, *, wait: float = 0) -> ThreadDetail:
        """``GET /threads/{id}``: status, messages and the pending approval, if any.

        With ``wait`` (seconds), a running thread is answered once its run ends or stops at
        an approval, or when the wait is over.
        """
        params = {"wait": wait} if wait > 0 else None
        timeout = wait + 30 if wait > 0 else None
        response = await self._send("GET", thread_path(thread_id), params=params, timeout=timeout)
        return parse(ThreadDetail, response, thread_id=thread_id)

    async def thread_log(self, thread_id: str, *, after: int = 0, limit: int = 200) -> EventPage:
        """``GET /threads/{id}/log``: the stored events after ``after`` (one page, no stream)."""
        response = await self._send(
            "GET", thread_path(thread_id, "log"), params={"after": after, "limit": limit}
        )
        raise_for_status(response, thread_id=thread_id)
        body = response.json()
        events = [decode_stored(thread_id, row) for row in body.get("events", []) if isinstance(row, dict)]
        return EventPage(
            thread_id=thread_id,
            events=events,
            last_seq=int(body.get("last_seq") or 0),
            next_after=body.get("next_after"),
        )

    async def read(self, tool: str, args: dict[str, Any] | None = None) -> ReadResult:
        """``POST /reads``: one read now; a change is refused (``ServerError``, code ``needs_approval``)."""
        return parse(ReadResult, await self._send("POST", "/reads", {"tool": tool, "args": args or {}}))

    async def propose(
        self, tool: str, args: dict[str, Any], reason: str, title: str | None = None
    ) -> ThreadCreated:
        """``POST /proposals``: a new thread whose plan is exactly this call, waiting for a person."""
        body = {"tool": tool, "args": args, "reason": reason, "title": title}
        return parse(ThreadCreated, await self._send("POST", "/proposals", body))

    async def send_message(self, thread_id: str, task: str) -> ThreadCreated:
        """``POST /threads/{id}/messages``: a follow-up task on an existing thread."""
        response = await self._send("POST", thread_path(thread_id, "messages"), {"task": task})
        return parse(ThreadCreated, response, thread_id=thread_id)

    async def decide(
        self, thread_id: str, decision: Decision, *, channel: str | None = None
    ) -> dict[str, Any]:
        """``POST /threads/{id}/decision``; raises ``ApprovalConflict`` on 409 (nothing ran).

        ``channel`` names how the person decided (``mcp-elicitation``) for the audit log.
        """
        body = decision.model_dump(exclude_none=True)
        headers = {"X-Binks-Channel": channel} if channel else None
        response = await self._send("POST", thread_path(thread_id, "decision"), body, headers=headers)
        raise_for_status(response, thread_id=thread_id, deciding=True)
        result: dict[str, Any] = response.json() if response.content else {}
        return result

    async def resume(self, thread_id: str) -> dict[str, Any]:
        """``POST /threads/{id}/resume``: continue a run interrupted by a restart."""
        response = await self._send("POST", thread_path(thread_id, "resume"))
        raise_for_status(response, thread_id=thread_id)
        result: dict[str, Any] = response.json() if response.content else {}
        return result

    async def cancel(self, thread_id: str) -> dict[str, Any]:
        """``POST /threads/{id}/cancel``: stop the running run at its next step."""
        response = await self._send("POST", thread_path(thread_id, "cancel"))
        raise_for_status(response, thread_id=thread_id, cancelling=True)
        result: dict[str, Any] = response.json() if response.content else {}
        return result

    async def events(
        self,
        thread_id: str,
        *,
        after: int | None = None,
        on_status: StatusCallback | None = None,
        backoff: Backoff | None = None,
    ) -> AsyncGenerator[StreamEvent, None]:
        """Follow ``GET /threads/{id}/events`` for as long as the caller iterates.

        A dropped connection is retried with ``Last-Event-ID`` set to the last event seen,
        so nothing is missed or repeated; ``on_status`` hears ``reconnecting`` and
        ``connected``. ``ServerUnavailable`` is raised only when ``backoff`` gives up.
        """
        backoff = backoff or Backoff()
        position = after
        failing = False
        while True:
            headers = {"Last-Event-ID": str(position)} if position is not None else {}
            try:
                async with aconnect_sse(
                    self._http,
                    "GET",
                    thread_path(thread_id, "events"),
                    headers=headers,
                    timeout=STREAM_TIMEOUT,
                ) as source:
                    response = source.response
                    if response.status_code >= 400:
                        await response.aread()
                        if response.status_code < 500:
                            raise_for_status(response, thread_id=thread_id)
                        raise StreamBroken(f"HTTP {response.status_code}")
                    if failing and on_status:
                        on_status(ConnectionStatus(state="connected"))
                    failing = False
                    backoff.reset()
                    async for sse in source.aiter_sse():
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
            await asyncio.sleep(delay)
