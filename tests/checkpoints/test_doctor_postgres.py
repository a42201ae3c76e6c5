"""``binks doctor`` on PostgreSQL: server, schema, the replicas and their leases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from binks.checkpoints import replicas
from binks.checkpoints import threads as store
from binks.checkpoints.db import connect
from binks.checkpoints.schema import SCHEMA_VERSION, prepare_database
from binks.checkpoints.threads import threads_table
from binks.doctor import check_database
from binks.settings import load_settings
from tests.fakes.postgres import SessionPostgres
from tests.fakes.postgres_plugin import postgres_database


def _checks(url: str) -> dict[str, tuple[str, str]]:
    settings = load_settings(env_file=None, database_url=url, lease_s=30)
    return {check.name: (check.status, check.detail) for check in check_database(settings)}


async def _seed(url: str) -> None:
    database = connect(url)
    try:
        await prepare_database(database)
        started = store.now()
        await database.write(lambda c: replicas.heartbeat(c, "alive", started))
        await database.write(lambda c: replicas.heartbeat(c, "gone", started - timedelta(hours=1)))
        old = update(replicas.replicas_table).where(replicas.replicas_table.c.replica_id == "gone")
        await database.write(lambda c: c.execute(old.values(heartbeat_at=started - timedelta(minutes=5))))
        await database.write(lambda c: store.insert(c, "t1", "t1", run_id="r1", owner="alive", lease_s=30))
        await database.write(lambda c: store.insert(c, "t2", "t2", run_id="r2", owner="gone", lease_s=30))
        expired = update(threads_table).where(threads_table.c.thread_id == "t2")
        await database.write(
            lambda c: c.execute(expired.values(lease_expires_at=started - timedelta(seconds=1)))
        )
    finally:
        await database.close()


def test_doctor_shows_server_schema_replicas_and_expired_leases(postgres: SessionPostgres) -> None:
    url = postgres_database(postgres)
    fresh = _checks(url)
    assert fresh["database"][0] == "ok" and "PostgreSQL 1" in fresh["database"][1]
    assert fresh["database schema"] == (
        "ok",
        f"Binks' tables are created at first start (schema {SCHEMA_VERSION})",
    )
    asyncio.run(_seed(url))
    found = _checks(url)
    assert found["database schema"] == ("ok", f"schema {SCHEMA_VERSION} (current)")
    assert found["replica alive"][0] == "ok" and "1 run(s)" in found["replica alive"][1]
    assert found["replica gone"][0] == "fail" and "cut off" in found["replica gone"][1]
    assert found["run leases"] == ("fail", "1 run(s) hold an expired lease: t2")


def test_doctor_says_when_postgresql_cannot_be_reached(postgres: SessionPostgres) -> None:
    url = (
        postgres_database(postgres).rsplit("/", 1)[0]
        + "/no_such_database?"
        + postgres_database(postgres).split("?", 1)[-1]
    )
    (check,) = _checks(url).items()
    assert check[0] == "database" and check[1][0] == "fail" and "no_such_database" in check[1][1]
