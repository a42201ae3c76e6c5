"""``POST /threads/{id}/decision``: answer the pending approval, exactly once."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, status

from binks.errors import CommandRefused
from binks.graph.decision import Decision
from binks.mcp.approval import CHANNEL as ELICITATION_CHANNEL
from binks.server.deps import KeyIdDep, RunsDep, ServicesDep, ThreadIdPath, require_key
from binks.server.routes.threads import accepted
from binks.server.schemas import CHANNEL_PATTERN, ErrorBody, RunAccepted

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody, "description": "not the pending approval, or the thread is busy"},
    422: {"model": ErrorBody, "description": "invalid, or its channel is turned off (BINKS_MCP_ELICITATION)"},
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
    thread_id: ThreadIdPath,
    decision: Decision,
    runs: RunsDep,
    services: ServicesDep,
    key: KeyIdDep,
    channel: ChannelHeader = None,
) -> RunAccepted:
    """Approve, reject, edit or respond to the plan the thread waits for.

    The interrupt id and plan hash must be the pending ones (``GET /threads/{id}`` shows
    them); otherwise 409 and nothing runs. Every decision is recorded with the key id,
    prefixed with the ``X-Binks-Channel`` it names (``mcp-elicitation:3f9a…``). The
    channel is a label for the audit, not a credential: the key is what authorizes. With
    ``BINKS_MCP_ELICITATION=false`` decisions on the ``mcp-elicitation`` channel are refused
    (422) and nothing runs.
    """
    if channel == ELICITATION_CHANNEL and not services.settings.mcp_elicitation:
        raise CommandRefused(
            "approvals through an MCP client's prompt are turned off on this Binks "
            f"(BINKS_MCP_ELICITATION=false): approve in binks tui or with 'binks approve {thread_id}'"
        )
    return accepted(await runs.decide(thread_id, decision, f"{channel}:{key}" if channel else key))
