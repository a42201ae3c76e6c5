"""The run manager: graph runs as background tasks, one per thread, claimed in the database.

A *run* is one stretch of graph execution on a thread: from a task (start, follow-up
message) or from a decision or resume until the graph ends or stops at an approval. The
rules hold across every replica that shares the database, because the thread's row decides
(:mod:`binks.checkpoints.threads`), not this process's memory:

- **One run per thread.** A run starts only by claiming the thread's row (status
  ``running``, the run's id, this replica, a lease) in one transaction, together with its
  ``run_started`` event. A second start, message, decision or resume is refused with
  :class:`RunInProgress` (409, with the current run's id), whichever replica it reaches.
- **Decisions answer exactly the pending approval.** The decision's interrupt id and plan
  hash are checked against the checkpoint (``approval.check_decision``), then the claim
  requires the row to still wait for that interrupt; the claim and the decision's audit
  entry commit together (durably). Of many concurrent decisions on any replicas exactly
  one is accepted and audited as accepted; the others get 409 and are audited as refused.
  Nothing else stands between the decision and the graph: no lock shared with other
  threads, no extra read.
- **Nothing mutating resumes by itself.** A run whose replica died keeps its lease until it
  expires; then a replica moves the thread to ``interrupted`` (:mod:`binks.server.leases`),
  and only ``POST /resume`` continues it. A run that loses its lease (its replica was cut
  off from the database) is stopped, and cannot record anything over what came after.
- **Graceful shutdown.** :meth:`RunManager.drain` stops taking runs and asks running graphs
  to stop at the next step boundary (a checkpoint), cancelling them after a grace period.

Events are written through :class:`~binks.checkpoints.events.EventLog` (stored, then fanned
out); :mod:`binks.server.run_task` drives one run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from langchain_core.messages import HumanMessage
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from sqlalchemy import Connection

from binks.checkpoints import threads as thread_store
from binks.checkpoints.audit import AuditLog, decision_fields
from binks.checkpoints.events import EventLog, StoredEvent
from binks.checkpoints.threads import IDLE, RESUMABLE, ThreadIndex, ThreadRecord, ThreadStatus
from binks.errors import ApprovalConflict, BinksError, ThreadBusy
from binks.graph.approval import PendingApproval, check_decision, pending_approval, resume_command
from binks.graph.decision import Decision
from binks.graph.direct import DirectCall, direct_input
from binks.logs import log_context
from binks.server import claims
from binks.server.metrics import Metrics
from binks.server.run_task import Run, drive, thread_config
from binks.settings import Settings
from binks.tools.redact import redact_text

logger = logging.getLogger(__name__)

#: Seconds a cancelled run gets to reach a step boundary before its task is cancelled.
CANCEL_GRACE_S = 5.0
#: Seconds running graphs get at shutdown to reach a checkpoint.
DRAIN_GRACE_S = 20.0
#: The PostgreSQL channel replicas ask each other to cancel runs on (``"<thread> <run>"``).
CONTROL_CHANNEL = "binks_control"


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


def default_replica_id(settings: Settings) -> str:
    """``BINKS_REPLICA_ID``, else this host and process (unique, new at each start)."""
    return settings.replica_id or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class RunManager:
    """Starts, decides, resumes and cancels runs; this replica's part of the shared truth."""

    def __init__(
        self,
        *,
        graph: CompiledStateGraph[Any, Any, Any, Any],
        threads: ThreadIndex,
        events: EventLog,
        audit: AuditLog,
        settings: Settings,
        metrics: Metrics | None = None,
        replica_id: str | None = None,
    ) -> None:
        self.graph = graph
        self.threads = threads
        self.events = events
        self.audit = audit
        self.database = events.database
        self.settings = settings
        self.metrics = metrics if metrics is not None else Metrics()
        self.replica_id = replica_id or default_replica_id(settings)
        self.lease_s = settings.lease_s
        self._active: dict[str, Run] = {}
        self._accepting = True
        self._drained: asyncio.Task[None] | None = None

    @property
    def _owner(self) -> claims.Owner:
        return (self.replica_id, self.lease_s)

    # --- queries ---------------------------------------------------------------------
    def active(self, thread_id: str) -> Run | None:
        """The run in progress on the thread in this replica, if any."""
        return self._active.get(thread_id)

    def active_runs(self) -> list[Run]:
        """The runs in progress in this replica."""
        return list(self._active.values())

    def running_count(self) -> int:
        """How many runs are in progress in this replica."""
        return len(self._active)

    async def pending(self, thread_id: str) -> PendingApproval | None:
        """The approval the thread's checkpoint waits for, if any."""
        return await pending_approval(self.graph, thread_config(thread_id))

    # --- lifecycle -------------------------------------------------------------------
    async def recover(self) -> list[str]:
        """At start: runs that died with their replica become ``interrupted`` (never resumed here).

        On SQLite one process owns the database, so every ``running`` thread was cut off.
        On PostgreSQL only those whose lease expired, and those this replica held when it
        last stopped (a stable ``BINKS_REPLICA_ID``): other replicas' runs go on.
        """
        if self.database.dialect == "sqlite":
            return await self.interrupt(thread_store.interrupt_all)
        interrupted = await self.interrupt(thread_store.interrupt_expired)
        if self.settings.replica_id:
            owner = self.replica_id
            interrupted += await self.interrupt(lambda c: thread_store.interrupt_owned(c, owner))
        return interrupted

    async def interrupt(self, select_threads: Callable[[Connection], list[str]]) -> list[str]:
        """Interrupt the threads ``select_threads(connection)`` moves, each with its last event."""
        stored = await self.database.write(claims.interrupt(select_threads))
        for event in stored:
            self.events.publish(event)
        ids = [event.thread_id for event in stored]
        if ids:
            logger.warning("marked %d cut-off thread(s) interrupted: %s", len(ids), ids)
        return ids

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
    async def start(self, task: str, title: str | None = None, *, call: DirectCall | None = None) -> Run:
        """A new thread with a first run on ``task``.

        With ``call``, the run proposes that tool call instead of asking the model
        (:mod:`binks.graph.direct`): same classification, dry-run, approval and audit.
        """
        self._check_accepting()
        run = Run(run_id=uuid.uuid4().hex, thread_id=uuid.uuid4().hex, kind="start")
        work = claims.new_thread(run, title or _title(task), {"task": task}, self._owner)
        graph_input = direct_input(task, call.name, call.args) if call else _task_input(task)
        return await self._begin(run, graph_input, await self.database.write(work))

    async def message(self, thread_id: str, task: str) -> Run:
        """A follow-up task on an existing thread."""
        self._check_accepting()
        record = await self.threads.get(thread_id)
        self._check_idle(record)
        if record.status == "interrupted":
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
        run = Run(run_id=uuid.uuid4().hex, thread_id=thread_id, kind="message")
        claimed = await self.database.write(claims.claim(run, IDLE, {"task": task}, self._owner))
        if claimed is None:
            raise await self._busy(thread_id)
        return await self._begin(run, _task_input(task), claimed)

    async def decide(self, thread_id: str, decision: Decision, key_id: str) -> Run:
        """Answer the pending approval, or raise ``ApprovalConflict`` and run nothing."""
        self._check_accepting()
        record = await self.threads.get(thread_id)
        audit = {
            "thread_id": thread_id,
            "key_id": key_id,
            "action": decision.action,
            "interrupt_id": decision.interrupt_id,
            "plan_hash": decision.plan_hash,
        }
        try:
            self._check_idle(record)
            check_decision(await self.pending(thread_id), decision)
        except BinksError as exc:
            self._count_decision(decision, accepted=False)
            await self.audit.record(**audit, accepted=False, detail=redact_text(str(exc)))
            raise
        run = Run(run_id=uuid.uuid4().hex, thread_id=thread_id, kind="decision")
        accepted = decision_fields(**audit, accepted=True, detail=redact_text(decision.reason))
        refused = decision_fields(
            **audit, accepted=False, detail="another decision answered this approval first"
        )
        work = claims.claim(
            run,
            ("awaiting_approval",),
            {"decision": decision.model_dump(mode="json")},
            self._owner,
            audit=accepted,
            interrupt_id=decision.interrupt_id,
            refused=refused,
        )
        claimed = await self.database.write(work, durable=True)
        self._count_decision(decision, accepted=claimed is not None)
        if claimed is None:
            raise await self._busy(thread_id, answered=True)
        if record.status == "awaiting_approval":
            waited = (datetime.now(UTC) - record.updated_at).total_seconds()
            self.metrics.time_to_decision.observe(max(waited, 0.0))
        return await self._begin(run, resume_command(decision), claimed)

    async def resume(self, thread_id: str, key_id: str) -> Run:
        """Continue a thread whose run stopped (interrupted, failed) from its last checkpoint."""
        self._check_accepting()
        record = await self.threads.get(thread_id)
        self._check_idle(record)
        pending = await self.pending(thread_id)
        if pending is not None:
            interrupt_id = pending.interrupt_id
            await self.database.write(
                lambda c: thread_store.set_status(
                    c, thread_id, "awaiting_approval", pending_interrupt=interrupt_id
                )
            )
            raise ApprovalConflict(
                f"thread {thread_id} waits for a decision, not a resume; POST /threads/{thread_id}/decision"
            )
        if record.status not in RESUMABLE:
            raise ApprovalConflict(
                f"thread {thread_id} is {record.status}; only interrupted, failed or cancelled "
                "threads can be resumed (send a follow-up with POST /threads/{id}/messages)"
            )
        run = Run(run_id=uuid.uuid4().hex, thread_id=thread_id, kind="resume")
        fields = decision_fields(thread_id=thread_id, key_id=key_id, action="resume", accepted=True)
        claimed = await self.database.write(
            claims.claim(run, RESUMABLE, {}, self._owner, audit=fields), durable=True
        )
        if claimed is None:
            raise await self._busy(thread_id)
        return await self._begin(run, None, claimed)

    async def cancel(self, thread_id: str, key_id: str) -> Run:
        """Stop the thread's run: at the next step boundary, or hard after a grace period.

        A run on another replica is asked to stop through the database (PostgreSQL
        ``NOTIFY``); this call then waits for its thread to leave ``running``.
        """
        record = await self.threads.get(thread_id)
        run = self._active.get(thread_id)
        if run is None and (record.status != "running" or record.run_id is None):
            raise ApprovalConflict(
                f"thread {thread_id} has no run in progress; to drop a pending plan, reject it "
                f"(POST /threads/{thread_id}/decision with action reject)"
            )
        await self.audit.record(thread_id=thread_id, key_id=key_id, action="cancel", accepted=True)
        if run is not None:
            await self.stop(run)
            return run
        assert record.run_id is not None
        remote = Run(run_id=record.run_id, thread_id=thread_id, kind="start")
        payload = f"{thread_id} {record.run_id}"
        await self.database.write(lambda c: _notify_control(c, payload))
        remote.status = await self._await_settled(thread_id, record.run_id, 2 * CANCEL_GRACE_S + self.lease_s)
        return remote

    async def stop(self, run: Run) -> None:
        """Stop a local run at its next step boundary, or cancel its task after the grace period."""
        run.cancel_requested = True
        run.control.request_drain("cancel")
        await self._wait([run], CANCEL_GRACE_S)
        if not run.done.is_set() and run.task is not None:
            run.task.cancel()
            await self._wait([run], CANCEL_GRACE_S)

    async def on_control(self, payload: str) -> None:
        """Another replica asks this one to cancel a run (``"<thread> <run>"``)."""
        thread_id, _, run_id = payload.partition(" ")
        run = self._active.get(thread_id)
        if run is not None and run.run_id == run_id:
            asyncio.get_running_loop().create_task(self.stop(run), name=f"binks-cancel-{run_id}")

    # --- internals -------------------------------------------------------------------
    def _check_accepting(self) -> None:
        if not self._accepting:
            raise ShuttingDown("the server is shutting down and takes no new runs; retry once it is back")

    def _check_idle(self, record: ThreadRecord) -> None:
        if record.status == "running":
            raise RunInProgress(record.thread_id, record.run_id or "(unknown)")
        run = self._active.get(record.thread_id)
        if run is not None:
            raise RunInProgress(record.thread_id, run.run_id)

    async def _busy(self, thread_id: str, *, answered: bool = False) -> BinksError:
        """Why a claim failed: the row changed since it was read."""
        record = await self.threads.get(thread_id)
        if record.status == "running":
            return RunInProgress(thread_id, record.run_id or "(unknown)")
        if answered:
            return ApprovalConflict(
                f"the approval of thread {thread_id} was answered by another decision; "
                f"GET /threads/{thread_id} shows what it waits for now"
            )
        return ApprovalConflict(f"thread {thread_id} is {record.status} now; GET /threads/{thread_id}")

    def _count_decision(self, decision: Decision, *, accepted: bool) -> None:
        self.metrics.decisions.labels(decision.action, "accepted" if accepted else "refused").inc()

    async def _begin(
        self, run: Run, graph_input: dict[str, Any] | Command[Any] | None, claimed: StoredEvent
    ) -> Run:
        """Start the task of a run whose claim committed; ``claimed`` is its ``run_started`` event."""
        run.claimed = True
        self._active[run.thread_id] = run
        self.events.publish(claimed)
        # The task copies the context as it is created: every log line of the run, its
        # settling included, carries the thread and run ids.
        with log_context(thread_id=run.thread_id, run_id=run.run_id):
            run.task = asyncio.get_running_loop().create_task(
                self._run(run, graph_input), name=f"binks-run-{run.run_id}"
            )
        return run

    async def _await_settled(self, thread_id: str, run_id: str, timeout: float) -> ThreadStatus:
        """Wait (polling the row) until run ``run_id`` no longer holds the thread; its status then."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            record = await self.threads.get(thread_id)
            if record.run_id != run_id or asyncio.get_running_loop().time() > deadline:
                return record.status
            await asyncio.sleep(0.05)

    async def _run(self, run: Run, graph_input: dict[str, Any] | Command[Any] | None) -> None:
        """Drive the run, then settle it: status and last event in one transaction.

        The run leaves this replica's list before the last event is published, so a client
        acting on that event (a decision right after ``approval_required``) is never told
        the run is still in progress.
        """
        try:
            finale = await drive(self, run, graph_input)
            run.status = finale.status
            self.metrics.runs.labels(finale.status).inc()
            stored = await self.database.write(claims.settle(run, finale))
            self._forget(run)
            if stored is None:
                logger.warning("run %s lost its thread's lease; its end is not recorded", run.run_id)
            else:
                self.events.publish(stored)
        except Exception:
            logger.exception("could not record the end of run %s", run.run_id)
        finally:
            self._forget(run)
            run.done.set()

    def _forget(self, run: Run) -> None:
        if self._active.get(run.thread_id) is run:
            del self._active[run.thread_id]


def _notify_control(connection: Connection, payload: str) -> None:
    from binks.checkpoints.notify import notify

    notify(connection, CONTROL_CHANNEL, payload)


def _task_input(task: str) -> dict[str, Any]:
    return {"messages": [HumanMessage(content=task)]}


def _title(task: str) -> str:
    line = " ".join(task.split())
    return line if len(line) <= 80 else line[:79] + "…"
