"""The server's housekeeping: event-log retention at start and once a day after.

:func:`retention_task` prunes right away (so a server that restarts daily still prunes)
and then every :data:`RETENTION_INTERVAL_S`. A failed prune is logged and retried at the
next interval; it never stops the server.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from binks.checkpoints.db import Database
from binks.checkpoints.retention import prune_events

logger = logging.getLogger(__name__)

RETENTION_INTERVAL_S = 24 * 3600.0


async def prune_once(database: Database, days: int) -> None:
    """One pass of retention; errors are logged, not raised."""
    try:
        result = await prune_events(database, days=days)
    except SQLAlchemyError:
        logger.exception("event-log retention failed; it runs again in a day")
        return
    if result.events:
        logger.info(
            "retention: deleted %d event(s) of %d thread(s) finished before %s",
            result.events,
            result.threads,
            result.cutoff.isoformat(timespec="seconds"),
        )


async def retention_loop(database: Database, days: int, interval_s: float = RETENTION_INTERVAL_S) -> None:
    """Prune now, then once per ``interval_s``, until cancelled (at shutdown)."""
    while True:
        await prune_once(database, days)
        await asyncio.sleep(interval_s)


def retention_task(database: Database, days: int) -> asyncio.Task[None] | None:
    """Start the retention loop; ``None`` when ``days`` is 0 (keep every event)."""
    if days <= 0:
        return None
    return asyncio.get_running_loop().create_task(retention_loop(database, days), name="binks-retention")
