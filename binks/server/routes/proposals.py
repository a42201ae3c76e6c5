"""``POST /proposals``: a change chosen by someone else, proposed on a new thread.

An MCP client's agent (or a script) names the exact kubectl command or worker it wants.
Binks treats it like a call of its own model, minus the model: the tool layer classifies
it (a read is refused with 422 ``not_a_change``: run it with ``POST /reads``), refuses what
it always refuses, and the thread's run dry-runs it, diffs it, hashes the plan and waits for
a person's decision (or applies an explicit ``BINKS_AUTO_APPROVE`` rule). Nothing here runs
a change; the thread is an ordinary one that ``GET /threads``, the TUI and ``binks approve``
see.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from binks.errors import NothingToApprove
from binks.graph.direct import DirectCall
from binks.server.deps import RunsDep, ServicesDep, assess, require_key
from binks.server.routes.threads import accepted
from binks.server.schemas import ErrorBody, ProposalRequest, RunAccepted

router = APIRouter(
    tags=["proposals"],
    dependencies=[Depends(require_key)],
    responses={
        401: {"model": ErrorBody},
        422: {"model": ErrorBody, "description": "refused, a read (not_a_change), or bad arguments"},
    },
)


@router.post("/proposals", status_code=status.HTTP_201_CREATED)
async def propose(body: ProposalRequest, services: ServicesDep, runs: RunsDep) -> RunAccepted:
    """Start a thread whose plan is exactly this call; follow it like any thread."""
    assessed = assess(services, body.tool, body.args)
    if not assessed.mutating:
        raise NothingToApprove(
            f"{body.tool} {body.args} is a read ({assessed.reason}): it needs no approval. Run it with "
            "POST /reads (MCP: kubectl_read)"
        )
    run = await runs.start(body.reason, body.title, call=DirectCall(name=body.tool, args=body.args))
    return accepted(run)
