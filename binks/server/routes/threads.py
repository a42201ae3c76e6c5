"""Threads: start one, list them, read one, send a follow-up, resume or cancel its run."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, status
from langchain_core.messages import BaseMessage

from binks.checkpoints.threads import ThreadRecord, ThreadStatus
from binks.graph.texts import message_text
from binks.server.deps import KeyIdDep, RunsDep, ServicesDep, ThreadIdPath, require_key
from binks.server.run_task import Run, pending_out, thread_config
from binks.server.schemas import (
    MAX_COUNTER,
    MAX_WAIT_S,
    CancelResult,
    ErrorBody,
    MessageOut,
    PendingApprovalOut,
    RunAccepted,
    StartThreadRequest,
    TaskRequest,
    ThreadDetail,
    ThreadPage,
    ThreadSummary,
)
from binks.server.services import Services
from binks.tools.shown import redact_payload

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody},
    422: {"model": ErrorBody},
}

REMOTE_POLL_S = 0.25
"""How often ``?wait`` looks at a thread whose run another replica holds."""

router = APIRouter(
    prefix="/threads", tags=["threads"], dependencies=[Depends(require_key)], responses=_ERRORS
)


def accepted(run: Run) -> RunAccepted:
    """The answer of every route that starts a run."""
    return RunAccepted(
        thread_id=run.thread_id,
        run_id=run.run_id,
        status="running",
        events_url=f"/threads/{run.thread_id}/events",
    )


def _summary(record: ThreadRecord) -> ThreadSummary:
    return ThreadSummary.model_validate(record.model_dump())


def _message(message: BaseMessage) -> MessageOut:
    role = message.type if message.type in ("human", "ai", "tool", "system") else "system"
    calls = [redact_payload(dict(call)) for call in getattr(message, "tool_calls", None) or []]
    return MessageOut(role=role, content=message_text(message), tool_calls=calls, name=message.name)


@router.post("", status_code=status.HTTP_201_CREATED)
async def start_thread(body: StartThreadRequest, runs: RunsDep) -> RunAccepted:
    """Start a conversation with a task; the run goes on in the background."""
    return accepted(await runs.start(body.task, body.title))


@router.get("")
async def list_threads(
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_COUNTER)] = 0,
    status: Annotated[ThreadStatus | None, Query()] = None,
) -> ThreadPage:
    """Threads, most recently active first, a page at a time."""
    records = await services.threads.list(limit=limit + 1, offset=offset, status=status)
    return ThreadPage(
        threads=[_summary(record) for record in records[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if len(records) > limit else None,
    )


@router.get("/{thread_id}")
async def get_thread(
    thread_id: ThreadIdPath,
    services: ServicesDep,
    wait: Annotated[
        float,
        Query(ge=0, le=MAX_WAIT_S, description="seconds to wait for a run in progress to end or stop"),
    ] = 0,
) -> ThreadDetail:
    """A thread's status, conversation and pending approval (plan, hash, interrupt id).

    With ``wait``, a thread with a run in progress is answered when the run ends or stops
    at an approval, or after ``wait`` seconds, whichever comes first (a long poll).
    """
    await services.threads.get(thread_id)
    if wait > 0:
        await _settled(services, thread_id, wait)
    record = await services.threads.get(thread_id)
    state = await services.graph.aget_state(thread_config(thread_id))
    messages = state.values.get("messages", []) if isinstance(state.values, dict) else []
    pending = await services.runs.pending(thread_id)
    return ThreadDetail(
        **_summary(record).model_dump(),
        run_id=record.run_id if record.status == "running" else None,
        messages=[_message(message) for message in messages if isinstance(message, BaseMessage)],
        pending_approval=PendingApprovalOut.model_validate(pending_out(pending)) if pending else None,
        last_event_seq=await services.events.last_seq(thread_id),
        result=_final_answer(state.values) if record.status == "completed" else None,
    )


async def _settled(services: Services, thread_id: str, wait: float) -> None:
    """Return once the thread's run ends or stops at an approval, or after ``wait`` seconds.

    A run of this replica is awaited directly; one held by another replica (PostgreSQL) is
    watched through the thread's status.
    """
    running = services.runs.active(thread_id)
    if running is not None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(running.done.wait()), wait)
        return
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while (await services.threads.get(thread_id)).status == "running":
        left = deadline - loop.time()
        if left <= 0:
            return
        await asyncio.sleep(min(REMOTE_POLL_S, left))


def _final_answer(values: Any) -> str | None:
    answer = values.get("final_answer") if isinstance(values, dict) else None
    return answer if isinstance(answer, str) and answer else None


@router.post("/{thread_id}/messages", status_code=status.HTTP_202_ACCEPTED)
async def send_message(thread_id: ThreadIdPath, body: TaskRequest, runs: RunsDep) -> RunAccepted:
    """A follow-up task on the same thread (409 while a run or an approval is pending)."""
    return accepted(await runs.message(thread_id, body.task))


@router.post("/{thread_id}/resume", status_code=status.HTTP_202_ACCEPTED)
async def resume_thread(thread_id: ThreadIdPath, runs: RunsDep, key: KeyIdDep) -> RunAccepted:
    """Continue an interrupted or failed thread from its last checkpoint; nothing is repeated."""
    return accepted(await runs.resume(thread_id, key))


@router.post("/{thread_id}/cancel")
async def cancel_thread(thread_id: ThreadIdPath, runs: RunsDep, key: KeyIdDep) -> CancelResult:
    """Stop the thread's run at the next step boundary (or at once after a few seconds)."""
    run = await runs.cancel(thread_id, key)
    return CancelResult(thread_id=thread_id, run_id=run.run_id, status=run.status)
