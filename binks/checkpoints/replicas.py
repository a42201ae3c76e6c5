"""The replicas' register: which ``binks serve`` processes share the database, and are alive.

Each replica writes its row at start and refreshes ``heartbeat_at`` with every lease renewal
(:mod:`binks.server.leases`); a replica that stopped cleanly removes its row. ``binks
doctor`` reads the register to show the replicas, the runs each one holds, and those whose
heartbeat stopped (dead, or cut off from the database).
"""

from __future__ import annotations

import os
import socket
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Column, Connection, DateTime, Integer, String, Table, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from binks import __version__
from binks.checkpoints.db import metadata
from binks.checkpoints.threads import aware, now, threads_table

replicas_table = Table(
    "binks_replicas",
    metadata,
    Column("replica_id", String(128), primary_key=True),
    Column("host", String(255), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("version", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("heartbeat_at", DateTime(timezone=True), nullable=False),
)


class ReplicaRecord(BaseModel):
    """One replica as the register shows it, with the runs it holds."""

    replica_id: str
    host: str
    pid: int
    version: str
    started_at: datetime
    heartbeat_at: datetime
    runs: int


def heartbeat(connection: Connection, replica_id: str, started_at: datetime) -> None:
    """Write or refresh this process's row."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    stamp = now()
    row = {
        "replica_id": replica_id,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "version": __version__,
        "started_at": started_at,
        "heartbeat_at": stamp,
    }
    statement = dialect.insert(replicas_table).values(**row)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[replicas_table.c.replica_id],
            set_={"host": row["host"], "pid": row["pid"], "version": __version__, "heartbeat_at": stamp},
        )
    )


def leave(connection: Connection, replica_id: str) -> None:
    """Remove this process's row (clean shutdown)."""
    connection.execute(delete(replicas_table).where(replicas_table.c.replica_id == replica_id))


def listing(connection: Connection) -> list[ReplicaRecord]:
    """Every registered replica with the number of runs it owns, most recent heartbeat first."""
    held = (
        select(threads_table.c.owner, func.count().label("runs"))
        .where(threads_table.c.status == "running")
        .group_by(threads_table.c.owner)
        .subquery()
    )
    rows = connection.execute(
        select(replicas_table, func.coalesce(held.c.runs, 0).label("runs"))
        .outerjoin(held, held.c.owner == replicas_table.c.replica_id)
        .order_by(replicas_table.c.heartbeat_at.desc())
    ).mappings()
    out = []
    for row in rows:
        data = dict(row)
        data["started_at"] = aware(data["started_at"])
        data["heartbeat_at"] = aware(data["heartbeat_at"])
        out.append(ReplicaRecord.model_validate(data))
    return out
