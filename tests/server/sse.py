"""Reading a thread's event stream in tests, the way a client does (httpx-sse)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx
from httpx_sse import aconnect_sse

RUN_END = frozenset({"run_completed", "approval_required", "run_failed", "run_cancelled"})


@dataclass(frozen=True)
class Event:
    seq: int | None
    event: str
    data: dict[str, Any]


async def read_events(
    client: httpx.AsyncClient,
    thread_id: str,
    *,
    until: frozenset[str] = RUN_END,
    count: int | None = None,
    after: int | None = None,
    last_event_id: int | None = None,
    run_id: str | None = None,
) -> list[Event]:
    """Events from the stream until one named in ``until`` (of run ``run_id`` if given) arrives.

    ``count`` stops after that many events instead.
    """
    headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
    params = {"after": str(after)} if after is not None else {}
    seen: list[Event] = []
    async with aconnect_sse(
        client, "GET", f"/threads/{thread_id}/events", headers=headers, params=params
    ) as source:
        source.response.raise_for_status()
        async for sse in source.aiter_sse():
            if not sse.data:  # heartbeat comments come through as empty events
                continue
            event = Event(int(sse.id) if sse.id else None, sse.event, json.loads(sse.data))
            seen.append(event)
            ended = event.event in until and (run_id is None or event.data.get("run_id") == run_id)
            if ended or (count is not None and len(seen) >= count):
                break
    return seen
