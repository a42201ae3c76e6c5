"""``POST /invoke``: the original synchronous call, kept compatible.

It starts a thread, waits for its run and returns the answer. When the agent needs an
approval it returns at once with ``awaiting_approval``, the plan, and the exact call that
answers it; the thread then goes on with ``/threads/{id}/decision`` like any other.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from binks.server.deps import RunsDep, require_key
from binks.server.run_task import pending_out
from binks.server.schemas import ErrorBody, HowToDecide, InvokeResponse, PendingApprovalOut, TaskRequest

router = APIRouter(tags=["invoke"], dependencies=[Depends(require_key)])


@router.post("/invoke", responses={401: {"model": ErrorBody}, 422: {"model": ErrorBody}})
async def invoke(body: TaskRequest, runs: RunsDep) -> InvokeResponse:
    """Run a task to its answer, or to the approval it needs."""
    run = await runs.start(body.task)
    await run.done.wait()
    response = InvokeResponse(
        thread_id=run.thread_id, run_id=run.run_id, status=run.status, result=run.result, error=run.error
    )
    if run.pending is not None:
        pending = run.pending
        response.pending_approval = PendingApprovalOut.model_validate(pending_out(pending))
        response.how_to_decide = HowToDecide(
            url=f"/threads/{run.thread_id}/decision",
            body={
                "interrupt_id": pending.interrupt_id,
                "plan_hash": pending.plan_hash,
                "action": "approve",
                "reason": "",
            },
        )
    return response
