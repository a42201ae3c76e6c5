"""``GET /threads/{id}/log``: a thread's stored events as one JSON page (no stream).

The SSE route follows a thread live; this one answers "what happened since event N" and
returns at once, for clients that poll (an MCP tool call has to return in seconds) and
for in-process callers, where a stream would be buffered whole.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from binks.server.deps import ServicesDep, ThreadIdPath, require_key
from binks.server.schemas import MAX_COUNTER, ErrorBody, EventOut, EventPage

router = APIRouter(
    prefix="/threads",
    tags=["events"],
    dependencies=[Depends(require_key)],
    responses={401: {"model": ErrorBody}, 404: {"model": ErrorBody}, 422: {"model": ErrorBody}},
)


@router.get("/{thread_id}/log")
async def thread_log(
    thread_id: ThreadIdPath,
    services: ServicesDep,
    after: Annotated[int, Query(ge=0, le=MAX_COUNTER, description="events with a larger seq")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> EventPage:
    """The thread's events after ``after``, oldest first, at most ``limit``."""
    await services.threads.get(thread_id)
    stored = await services.events.read_after(thread_id, after, limit + 1)
    page = stored[:limit]
    return EventPage(
        events=[
            EventOut(seq=event.seq, event=event.event, data=event.data, created_at=event.created_at)
            for event in page
        ],
        last_seq=await services.events.last_seq(thread_id),
        next_after=page[-1].seq if len(stored) > limit else None,
    )
