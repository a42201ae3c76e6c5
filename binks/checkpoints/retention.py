"""Retention of the event log: old events of finished threads are deleted.

A thread's events are kept while it may still matter to a client: running, waiting for an
approval, or interrupted threads are never touched, whatever their age. Of a thread that
completed, failed or was cancelled and has not changed for ``days`` days, every event but
the last is deleted. The last one stays so the thread's sequence numbers go on from where
they were if someone sends it a follow-up (a client's ``Last-Event-ID`` keeps meaning the
same event) and so the thread still shows how it ended.

The thread index, the checkpoints (the conversation itself) and the audit log are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Select, and_, delete, func, select

from binks.checkpoints.db import Database
from binks.checkpoints.events import events_table
from binks.checkpoints.threads import threads_table

FINISHED = ("completed", "failed", "cancelled")
"""Statuses whose old events may go; ``awaiting_approval`` and ``interrupted`` never do."""
#: Threads handled per delete statement, so the write lock is held briefly.
BATCH = 200


@dataclass(frozen=True)
class PruneResult:
    """What a prune found (and, unless it was a dry run, deleted)."""

    cutoff: datetime
    threads: int
    events: int
    dry_run: bool


def _old_threads(cutoff: datetime) -> Select[tuple[str]]:
    return select(threads_table.c.thread_id).where(
        threads_table.c.status.in_(FINISHED), threads_table.c.updated_at < cutoff
    )


def _prunable(thread_ids: list[str], cutoff: datetime) -> ColumnElement[bool]:
    # The thread's status is checked again in the statement itself: a thread that got a
    # follow-up since the ids were read is running now and keeps all its events.
    later = events_table.alias("later")
    last_seq = select(func.max(later.c.seq)).where(later.c.thread_id == events_table.c.thread_id)
    return and_(
        events_table.c.thread_id.in_(thread_ids),
        events_table.c.thread_id.in_(_old_threads(cutoff)),
        events_table.c.seq < last_seq.scalar_subquery(),
    )


async def prune_events(
    database: Database, *, days: int, dry_run: bool = False, now: datetime | None = None
) -> PruneResult:
    """Delete (or with ``dry_run`` only count) the events retention lets go.

    Each batch is its own short transaction, so the server's writers wait at most one batch.
    """
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    old = _old_threads(cutoff)
    thread_ids = await database.read(lambda c: [str(value) for value in c.execute(old).scalars()])
    events = threads = 0
    for start in range(0, len(thread_ids), BATCH):
        condition = _prunable(thread_ids[start : start + BATCH], cutoff)

        def batch(connection: Connection, condition: ColumnElement[bool] = condition) -> tuple[int, int]:
            counting = select(func.count(), func.count(func.distinct(events_table.c.thread_id))).where(
                condition
            )
            found, touched = connection.execute(counting).one()
            if found and not dry_run:
                found = connection.execute(delete(events_table).where(condition)).rowcount
            return int(found or 0), int(touched or 0)

        found, touched = await database.write(batch)
        events += found
        threads += touched
    return PruneResult(cutoff=cutoff, threads=threads, events=events, dry_run=dry_run)
