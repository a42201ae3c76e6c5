"""``POST /threads/{id}/decision``: answer the pending approval, exactly once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, status

from binks.graph.decision import Decision
from binks.server.deps import KeyIdDep, RunsDep, ThreadIdPath, require_key
from binks.server.routes.threads import accepted
from binks.server.schemas import CHANNEL_PATTERN, ErrorBody, RunAccepted

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody, "description": "not the pending approval, or the thread is busy"},
    422: {"model": ErrorBody},
}

router = APIRouter(
    prefix="/threads", tags=["decisions"], dependencies=[Depends(require_key)], responses=_ERRORS
)


ChannelHeader = Annotated[
    str | None,
    Header(
        alias="X-Binks-Channel",
        pattern=CHANNEL_PATTERN,
        description="how the person decided, kept with the key id in the audit log (mcp-elicitation)",
    ),
]


@router.post("/{thread_id}/decision", status_code=status.HTTP_202_ACCEPTED)
async def decide(
    thread_id: ThreadIdPath, decision: Decision, runs: RunsDep, key: KeyIdDep, channel: ChannelHeader = None
) -> RunAccepted:
    """Approve, reject, edit or respond to the plan the thread waits for.

    The interrupt id and plan hash must be the pending ones (``GET /threads/{id}`` shows
    them); otherwise 409 and nothing runs. Every decision is recorded with the key id,
    prefixed with the ``X-Binks-Channel`` it names (``mcp-elicitation:3f9a…``). The
    channel is a label for the audit, not a credential: the key is what authorizes.
    """
    return accepted(await runs.decide(thread_id, decision, f"{channel}:{key}" if channel else key))
