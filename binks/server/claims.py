"""The transactions that start and end runs, each one atomic on the thread's row.

Every function here returns the *work* of one transaction (a function of a SQLAlchemy
``Connection``) for :meth:`~binks.checkpoints.db.Database.write`, so that what must change
together commits together:

- a run starts with its claim on the thread's row and its ``run_started`` event (a decision
  or a resume: with its audit entry too; a losing decision: only its refusal);
- a run ends with the thread's new status and its last event, only while it still owns the row;
- runs cut off with their replica become ``interrupted`` with a ``run_failed`` event each.

The run manager (:mod:`binks.server.runs`) publishes the returned events after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection

from binks.checkpoints import audit as audit_store
from binks.checkpoints import events as event_store
from binks.checkpoints import threads as thread_store
from binks.checkpoints.events import StoredEvent
from binks.checkpoints.threads import ThreadStatus
from binks.server.run_task import Finale, Run

Owner = tuple[str, float]
"""This replica's id and the length of its leases, in seconds."""


def started(run: Run, info: dict[str, Any]) -> dict[str, Any]:
    """The data of a run's ``run_started`` event."""
    return {"run_id": run.run_id, "kind": run.kind, **info}


def cut_off(thread_id: str) -> dict[str, Any]:
    """The ``run_failed`` data of a run that died with its replica."""
    return {
        "run_id": None,
        "error": "the server stopped during this run; nothing was repeated. "
        f"Continue it with POST /threads/{thread_id}/resume",
        "resumable": True,
        "status": "interrupted",
    }


def new_thread(
    run: Run, title: str, info: dict[str, Any], owner: Owner
) -> Callable[[Connection], StoredEvent]:
    """Create the thread already owned by its first run."""

    def work(connection: Connection) -> StoredEvent:
        thread_store.insert(
            connection, run.thread_id, title, run_id=run.run_id, owner=owner[0], lease_s=owner[1]
        )
        return event_store.insert(connection, run.thread_id, "run_started", started(run, info))

    return work


def claim(
    run: Run,
    allowed: Iterable[ThreadStatus],
    info: dict[str, Any],
    owner: Owner,
    *,
    audit: dict[str, Any] | None = None,
    interrupt_id: str | None = None,
    refused: dict[str, Any] | None = None,
) -> Callable[[Connection], StoredEvent | None]:
    """Claim an existing thread for ``run``; ``None`` (and the ``refused`` audit entry) if taken."""
    statuses = tuple(allowed)

    def work(connection: Connection) -> StoredEvent | None:
        won = thread_store.claim(
            connection,
            run.thread_id,
            run_id=run.run_id,
            owner=owner[0],
            lease_s=owner[1],
            allowed=statuses,
            interrupt_id=interrupt_id,
        )
        if not won:
            if refused is not None:
                audit_store.append(connection, refused)
            return None
        if audit is not None:
            audit_store.append(connection, audit)
        return event_store.insert(connection, run.thread_id, "run_started", started(run, info))

    return work


def settle(run: Run, finale: Finale) -> Callable[[Connection], StoredEvent | None]:
    """End ``run``: status and last event; ``None`` when the run no longer owns its thread."""
    pending = run.pending.interrupt_id if run.pending is not None else None
    data = {"run_id": run.run_id, **finale.data}

    def work(connection: Connection) -> StoredEvent | None:
        if not thread_store.settle(
            connection,
            run.thread_id,
            run.run_id,
            finale.status,
            error=finale.error,
            pending_interrupt=pending,
        ):
            return None
        return event_store.insert(connection, run.thread_id, finale.event, data)

    return work


def interrupt(select_threads: Callable[[Connection], list[str]]) -> Callable[[Connection], list[StoredEvent]]:
    """Interrupt the threads ``select_threads`` moves, each with its ``run_failed`` event."""

    def work(connection: Connection) -> list[StoredEvent]:
        return [
            event_store.insert(connection, thread_id, "run_failed", cut_off(thread_id))
            for thread_id in select_threads(connection)
        ]

    return work
