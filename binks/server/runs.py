"""The run manager: graph runs as background tasks, one per thread, decided atomically.

A *run* is one stretch of graph execution on a thread: from a task (start, follow-up
message) or from a decision or resume until the graph ends or stops at an approval. The
rules, all enforced here under a per-thread lock:

- **One run per thread.** A second start, message, decision or resume while a run is in
  progress is refused with :class:`RunInProgress` (409, with the current run's id).
  LangGraph would otherwise run the next node twice.
- **Decisions answer exactly the pending approval.** The decision's interrupt id and plan
  hash are checked against the checkpoint (``approval.check_decision``) under the lock and
  the run is registered before the lock is released, so of many concurrent decisions
  exactly one is accepted and the rest get 409. Every decision is written to the audit log.
- **Nothing mutating resumes by itself.** At start, threads whose run did not finish (the
  process died) are marked ``interrupted``; only ``POST /resume`` continues them.
- **Graceful shutdown.** :meth:`RunManager.drain` stops taking runs and asks running graphs
  to stop at the next step boundary (a checkpoint), cancelling them after a grace period.

Events are written through :class:`~binks.checkpoints.events.EventLog` (stored, then fanned
out); :mod:`binks.server.run_task` drives one run.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.events import EventLog
from binks.checkpoints.threads import ThreadIndex
from binks.errors import ApprovalConflict, BinksError, ThreadBusy
from binks.graph.approval import PendingApproval, check_decision, pending_approval, resume_command
from binks.graph.decision import Decision
from binks.logs import log_context
from binks.server.metrics import Metrics
from binks.server.run_task import Run, RunKind, drive, thread_config
from binks.settings import Settings
from binks.tools.redact import redact_text

logger = logging.getLogger(__name__)

#: Seconds a cancelled run gets to reach a step boundary before its task is cancelled.
CANCEL_GRACE_S = 5.0
#: Seconds running graphs get at shutdown to reach a checkpoint.
DRAIN_GRACE_S = 20.0


class RunInProgress(ThreadBusy):
    """The thread has a run in progress; carries its id for the 409 body."""

    def __init__(self, thread_id: str, run_id: str) -> None:
        super().__init__(
            f"thread {thread_id} already has run {run_id} in progress; wait for it to finish "
            f"(follow GET /threads/{thread_id}/events) or POST /threads/{thread_id}/cancel"
        )
        self.run_id = run_id


class ShuttingDown(BinksError):
    """The server is stopping and takes no new runs."""


class RunManager:
    """Starts, decides, resumes and cancels runs; owns the per-thread locks."""

    def __init__(
        self,
        *,
        graph: CompiledStateGraph[Any, Any, Any, Any],
        threads: ThreadIndex,
        events: EventLog,
        audit: AuditLog,
        settings: Settings,
        metrics: Metrics | None = None,
    ) -> None:
        self.graph = graph
        self.threads = threads
        self.events = events
        self.audit = audit
        self.settings = settings
        self.metrics = metrics if metrics is not None else Metrics()
        self._locks: dict[str, asyncio.Lock] = {}
        self._active: dict[str, Run] = {}
        self._accepting = True
        self._drained: asyncio.Task[None] | None = None

    # --- queries ---------------------------------------------------------------------
    def active(self, thread_id: str) -> Run | None:
        """The run in progress on the thread, if any."""
        return self._active.get(thread_id)

    def running_count(self) -> int:
        """How many runs are in progress."""
        return len(self._active)

    async def pending(self, thread_id: str) -> PendingApproval | None:
        """The approval the thread's checkpoint waits for, if any."""
        return await pending_approval(self.graph, thread_config(thread_id))

    # --- lifecycle -------------------------------------------------------------------
    async def recover(self) -> list[str]:
        """At start: threads whose run did not finish become ``interrupted`` (never resumed here)."""
        interrupted = await self.threads.mark_unfinished_interrupted()
        for thread_id in interrupted:
            await self.events.append(
                thread_id,
                "run_failed",
                {
                    "run_id": None,
                    "error": "the server stopped during this run; nothing was repeated. "
                    f"Continue it with POST /threads/{thread_id}/resume",
                    "resumable": True,
                    "status": "interrupted",
                },
            )
        if interrupted:
            logger.warning("marked %d unfinished thread(s) interrupted: %s", len(interrupted), interrupted)
        return interrupted

    def drain(self, grace_s: float = DRAIN_GRACE_S) -> asyncio.Task[None]:
        """Stop taking runs and let running ones reach a checkpoint; idempotent."""
        if self._drained is None:
            self._accepting = False
            self._drained = asyncio.get_running_loop().create_task(self._drain(grace_s))
        return self._drained

    async def _drain(self, grace_s: float) -> None:
        runs = list(self._active.values())
        for run in runs:
            run.control.request_drain("shutdown")
        if runs:
            logger.info("waiting up to %.0f s for %d run(s) to reach a checkpoint", grace_s, len(runs))
            await self._wait(runs, grace_s)
        for run in runs:
            if not run.done.is_set() and run.task is not None:
                run.task.cancel()
        await self._wait(runs, 5.0)

    @staticmethod
    async def _wait(runs: list[Run], timeout: float) -> None:
        waits = [asyncio.ensure_future(run.done.wait()) for run in runs if not run.done.is_set()]
        if waits:
            _done, pending = await asyncio.wait(waits, timeout=timeout)
            for future in pending:
                future.cancel()

    # --- starting runs ---------------------------------------------------------------
    async def start(self, task: str, title: str | None = None) -> Run:
        """A new thread with a first run on ``task``."""
        self._check_accepting()
        thread_id = uuid.uuid4().hex
        await self.threads.create(thread_id, title or _title(task))
        async with self._lock(thread_id):
            return await self._launch(thread_id, "start", _task_input(task), task=task)

    async def message(self, thread_id: str, task: str) -> Run:
        """A follow-up task on an existing thread."""
        self._check_accepting()
        await self.threads.get(thread_id)
        async with self._lock(thread_id):
            self._check_idle(thread_id)
            if (await self.threads.get(thread_id)).status == "interrupted":
                # Its last run stopped mid-way (maybe mid-change); a new task would skip the rest.
                raise ApprovalConflict(
                    f"thread {thread_id} was interrupted mid-run; finish it first with "
                    f"POST /threads/{thread_id}/resume, or start a new thread"
                )
            pending = await self.pending(thread_id)
            if pending is not None:
                raise ApprovalConflict(
                    f"thread {thread_id} waits for a decision on plan {pending.plan_hash[:12]}; "
                    f"approve or reject it first (POST /threads/{thread_id}/decision)"
                )
            return await self._launch(thread_id, "message", _task_input(task), task=task)

    async def decide(self, thread_id: str, decision: Decision, key_id: str) -> Run:
        """Answer the pending approval, or raise ``ApprovalConflict`` and run nothing."""
        self._check_accepting()
        await self.threads.get(thread_id)
        async with self._lock(thread_id):
            try:
                self._check_idle(thread_id)
                check_decision(await self.pending(thread_id), decision)
            except BinksError as exc:
                await self._audit_decision(thread_id, decision, key_id, accepted=False, detail=str(exc))
                raise
            await self._audit_decision(thread_id, decision, key_id, accepted=True, detail=decision.reason)
            await self._time_to_decision(thread_id)
            return await self._launch(
                thread_id, "decision", resume_command(decision), decision=decision.model_dump(mode="json")
            )

    async def resume(self, thread_id: str, key_id: str) -> Run:
        """Continue a thread whose run stopped (interrupted, failed) from its last checkpoint."""
        self._check_accepting()
        record = await self.threads.get(thread_id)
        async with self._lock(thread_id):
            self._check_idle(thread_id)
            if await self.pending(thread_id) is not None:
                await self.threads.set_status(thread_id, "awaiting_approval")
                raise ApprovalConflict(
                    f"thread {thread_id} waits for a decision, not a resume; "
                    f"POST /threads/{thread_id}/decision"
                )
            if record.status not in ("interrupted", "failed", "cancelled"):
                raise ApprovalConflict(
                    f"thread {thread_id} is {record.status}; only interrupted, failed or cancelled "
                    "threads can be resumed (send a follow-up with POST /threads/{id}/messages)"
                )
            await self.audit.record(thread_id=thread_id, key_id=key_id, action="resume", accepted=True)
            return await self._launch(thread_id, "resume", None)

    async def cancel(self, thread_id: str, key_id: str) -> Run:
        """Stop the thread's run: at the next step boundary, or hard after a grace period."""
        await self.threads.get(thread_id)
        run = self._active.get(thread_id)
        if run is None:
            raise ApprovalConflict(
                f"thread {thread_id} has no run in progress; to drop a pending plan, reject it "
                f"(POST /threads/{thread_id}/decision with action reject)"
            )
        await self.audit.record(thread_id=thread_id, key_id=key_id, action="cancel", accepted=True)
        run.cancel_requested = True
        run.control.request_drain("cancel")
        await self._wait([run], CANCEL_GRACE_S)
        if not run.done.is_set() and run.task is not None:
            run.task.cancel()
            await self._wait([run], CANCEL_GRACE_S)
        return run

    # --- internals -------------------------------------------------------------------
    def _lock(self, thread_id: str) -> asyncio.Lock:
        return self._locks.setdefault(thread_id, asyncio.Lock())

    def _forget(self, run: Run) -> None:
        if self._active.get(run.thread_id) is run:
            del self._active[run.thread_id]

    def _check_accepting(self) -> None:
        if not self._accepting:
            raise ShuttingDown("the server is shutting down and takes no new runs; retry once it is back")

    def _check_idle(self, thread_id: str) -> None:
        run = self._active.get(thread_id)
        if run is not None:
            raise RunInProgress(thread_id, run.run_id)

    async def _audit_decision(
        self, thread_id: str, decision: Decision, key_id: str, *, accepted: bool, detail: str
    ) -> None:
        self.metrics.decisions.labels(decision.action, "accepted" if accepted else "refused").inc()
        await self.audit.record(
            thread_id=thread_id,
            key_id=key_id,
            action=decision.action,
            interrupt_id=decision.interrupt_id,
            plan_hash=decision.plan_hash,
            accepted=accepted,
            detail=redact_text(detail),
        )

    async def _time_to_decision(self, thread_id: str) -> None:
        """Observe the time since the thread's last ``approval_required`` (from the event log)."""
        asked = await self.events.last_time_of(thread_id, "approval_required")
        if asked is not None:
            waited = (datetime.now(UTC) - asked).total_seconds()
            self.metrics.time_to_decision.observe(max(waited, 0.0))

    async def _launch(
        self, thread_id: str, kind: RunKind, graph_input: dict[str, Any] | Command[Any] | None, **info: Any
    ) -> Run:
        """Register and start a run; the caller holds the thread's lock."""
        run = Run(run_id=uuid.uuid4().hex, thread_id=thread_id, kind=kind)
        self._active[thread_id] = run
        try:
            await self.threads.set_status(thread_id, "running")
        except BaseException:
            del self._active[thread_id]
            raise
        # The task copies the context as it is created: every log line of the run, its
        # settling included, carries the thread and run ids.
        with log_context(thread_id=thread_id, run_id=run.run_id):
            run.task = asyncio.get_running_loop().create_task(
                self._run(run, graph_input, info), name=f"binks-run-{run.run_id}"
            )
        return run

    async def _run(
        self, run: Run, graph_input: dict[str, Any] | Command[Any] | None, info: dict[str, Any]
    ) -> None:
        """Drive the run, then settle it under the thread's lock.

        The status, the run's last event and the end of "run in progress" change together
        under the lock, so a client acting on that last event (a decision right after
        ``approval_required``) is never refused because the run was still winding down.
        """
        try:
            finale = await drive(self, run, graph_input, info)
            run.status = finale.status
            self.metrics.runs.labels(finale.status).inc()
            async with self._lock(run.thread_id):
                try:
                    await self.threads.set_status(run.thread_id, finale.status, finale.error)
                    await self.events.append(
                        run.thread_id, finale.event, {"run_id": run.run_id, **finale.data}
                    )
                finally:
                    self._forget(run)
        except Exception:
            logger.exception("could not record the end of run %s", run.run_id)
        finally:
            self._forget(run)
            run.done.set()


def _task_input(task: str) -> dict[str, Any]:
    return {"messages": [HumanMessage(content=task)]}


def _title(task: str) -> str:
    line = " ".join(task.split())
    return line if len(line) <= 80 else line[:79] + "…"
