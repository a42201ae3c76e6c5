"""What ``binks doctor`` reads from a PostgreSQL database: server, schema, replicas, leases.

Read-only and quick: one connection, a handful of statements. The replicas come from their
register (:mod:`binks.checkpoints.replicas`); a *stale* replica stopped heartbeating for
longer than a lease (it died, or lost the database), and an *expired lease* is a run whose
replica stopped renewing it: a live replica moves that thread to ``interrupted`` within a
third of a lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, inspect, select, text

from binks.checkpoints import replicas
from binks.checkpoints.db import Database
from binks.checkpoints.threads import now, threads_table


@dataclass(frozen=True)
class Survey:
    """The state of a shared database as one replica's doctor sees it."""

    server_version: str
    schema: int | None
    replicas: list[replicas.ReplicaRecord]
    running: int
    expired: list[str]
    checked_at: datetime


def _survey(connection: Connection) -> Survey:
    from binks.checkpoints.schema import schema_of

    version = str(connection.execute(text("SHOW server_version")).scalar())
    schema = schema_of(connection)
    if schema is None or not inspect(connection).has_table(replicas.replicas_table.name):
        return Survey(version, schema, [], 0, [], now())
    stamp = now()
    running = int(
        connection.execute(
            select(func.count()).select_from(threads_table).where(threads_table.c.status == "running")
        ).scalar()
        or 0
    )
    expired = [
        str(row)
        for row in connection.execute(
            select(threads_table.c.thread_id).where(
                threads_table.c.status == "running", threads_table.c.lease_expires_at < stamp
            )
        ).scalars()
    ]
    return Survey(version, schema, replicas.listing(connection), running, expired, stamp)


async def survey(database: Database) -> Survey:
    """Read the survey (``OperationalError`` when the server cannot be reached)."""
    return await database.read(_survey)
