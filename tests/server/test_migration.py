from __future__ import annotations

from pathlib import Path

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import connect
from binks.server.app import database_url
from tests.checkpoints.v1_database import make_v1_database
from tests.server.conftest import ServerFactory, answer
from tests.server.sse import read_events


async def test_the_server_opens_a_version_1_database_and_extends_its_audit_chain(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    state = tmp_path / "v1"
    make_v1_database(state / "binks.db")
    server = start_server([answer("hi")], state_dir=state)
    async with server.client() as client:
        listed = (await client.get("/threads")).json()
        assert [thread["thread_id"] for thread in listed["threads"]] == ["old"]
        thread_id = (await client.post("/threads", json={"task": "hi"})).json()["thread_id"]
        await read_events(client, thread_id)
        assert (await client.post(f"/threads/{thread_id}/resume")).status_code == 409
        old_events = await read_events(client, "old", count=1)
    assert old_events[0].event == "run_completed"
    database = connect(database_url(server.settings))
    try:
        log = AuditLog(database)
        report = await log.verify()
        entries = await log.entries()
    finally:
        await database.close()
    assert report.ok and [entry.thread_id for entry in entries] == ["old", "old", "old"]
