"""``POST /reads``: one read on the cluster, outside any thread, never a change.

This is what an MCP client's ``kubectl_read`` and ``cluster_status`` come down to. The
call goes through the same tools as the agent's reads: classified by the tool layer (the
caller's say-so counts for nothing), refused for shell syntax, identity flags and the
rest, run with the timeout, redacted and capped. A change is refused with 422
``needs_approval`` and nothing runs: changes go to ``POST /proposals`` and wait for a person.
"""

from __future__ import annotations

import shlex

from fastapi import APIRouter, Depends

from binks.errors import NeedsApproval
from binks.server.deps import ServicesDep, assess, require_key
from binks.server.instrument import TimedToolbox
from binks.server.schemas import ErrorBody, ReadOut, ReadRequest

router = APIRouter(
    tags=["reads"],
    dependencies=[Depends(require_key)],
    responses={
        401: {"model": ErrorBody},
        422: {"model": ErrorBody, "description": "refused, a change (needs_approval), or bad arguments"},
        503: {"model": ErrorBody, "description": "the cluster cannot be reached"},
    },
)


@router.post("/reads")
async def read(body: ReadRequest, services: ServicesDep) -> ReadOut:
    """Run a read now: kubectl (``get``, ``describe``, ``logs``, ...), the cluster status or a worker's."""
    tools = TimedToolbox(services.toolbox, services.metrics)
    assessed = assess(services, body.tool, body.args)
    if assessed.mutating:
        what = body.args.get("command") if body.tool == "run_kubectl" else body.tool
        raise NeedsApproval(
            f"`{_shown(what)}` is a change ({assessed.reason}), so it was not run. Changes need a "
            "person's approval: propose it with POST /proposals (MCP: propose_change)"
        )
    result = await tools.read(body.tool, body.args)
    return ReadOut.model_validate(result.model_dump())


def _shown(command: object) -> str:
    text = str(command).strip()
    if not text.startswith("kubectl"):
        text = f"kubectl {text}"
    try:
        return shlex.join(shlex.split(text))[:300]
    except ValueError:
        return text[:300]
