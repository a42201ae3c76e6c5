"""The replica's heartbeat: keep the leases of its runs, and interrupt runs whose replica died.

Every third of ``BINKS_LEASE_S`` the keeper, in one short transaction, renews the leases of
the runs this replica owns, refreshes its row in the replicas' register, and moves threads
whose lease expired (their replica died or lost the database) to ``interrupted`` with a
``run_failed`` event, for a person to resume on any replica.

A local run whose lease was not renewed was taken from this replica (it was cut off from
the database for longer than the lease): it is stopped at its next step, and cannot record
anything (its intents and its end are fenced by its run id). With SQLite the same loop runs;
one process owns the database, so nothing ever expires while it lives.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from binks.checkpoints import events as event_store
from binks.checkpoints import replicas
from binks.checkpoints import threads as thread_store
from binks.checkpoints.events import StoredEvent
from binks.server.claims import cut_off
from binks.server.runs import RunManager

logger = logging.getLogger(__name__)


@dataclass
class Beat:
    """What one heartbeat found."""

    renewed: set[str]
    interrupted: list[StoredEvent]


async def beat(manager: RunManager, started_at: datetime) -> Beat:
    """One heartbeat: renew, register, interrupt the expired; then stop runs that lost their lease."""
    owner, lease_s = manager.replica_id, manager.lease_s

    def work(connection: Connection) -> Beat:
        renewed = thread_store.renew(connection, owner, lease_s)
        replicas.heartbeat(connection, owner, started_at)
        expired = thread_store.interrupt_expired(connection)
        events = [event_store.insert(connection, tid, "run_failed", cut_off(tid)) for tid in expired]
        return Beat(renewed=renewed, interrupted=events)

    # Only runs claimed before this beat renews can be judged by it.
    held = [run for run in manager.active_runs() if run.claimed]
    found = await manager.database.write(work)
    for event in found.interrupted:
        manager.events.publish(event)
    if found.interrupted:
        ids = [event.thread_id for event in found.interrupted]
        logger.warning("interrupted %d run(s) whose replica stopped renewing its lease: %s", len(ids), ids)
    for run in held:
        if run.run_id not in found.renewed and not run.done.is_set():
            logger.error("run %s lost its lease on thread %s; stopping it", run.run_id, run.thread_id)
            run.control.request_drain("lease lost")
    return found


async def keep_leases(manager: RunManager, started_at: datetime) -> None:
    """Beat every third of the lease until cancelled; a failed beat is logged and retried."""
    interval = manager.lease_s / 3
    while True:
        try:
            await beat(manager, started_at)
        except SQLAlchemyError:
            logger.exception("heartbeat failed; retrying in %.1f s", interval)
        await asyncio.sleep(interval)


async def leave(manager: RunManager) -> None:
    """At a clean shutdown: remove this replica from the register."""
    owner = manager.replica_id
    try:
        await manager.database.write(lambda c: replicas.leave(c, owner))
    except SQLAlchemyError:
        logger.exception("could not remove replica %s from the register", owner)
