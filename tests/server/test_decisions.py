from __future__ import annotations

import asyncio
from typing import Any

import httpx

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import make_engine
from binks.server.app import database_url
from tests.server.conftest import SCALE_WEB, Harness, ServerFactory, answer
from tests.server.fake_toolbox import GatedToolbox
from tests.server.sse import read_events


async def _awaiting(client: httpx.AsyncClient, task: str = "scale web to 3") -> tuple[str, dict[str, Any]]:
    started = await client.post("/threads", json={"task": task})
    assert started.status_code == 201, started.text
    thread_id = started.json()["thread_id"]
    events = await read_events(client, thread_id)
    assert events[-1].event == "approval_required", events
    detail = (await client.get(f"/threads/{thread_id}")).json()
    assert detail["status"] == "awaiting_approval"
    return thread_id, detail["pending_approval"]


def _decision(pending: dict[str, Any], action: str = "approve", **changes: Any) -> dict[str, Any]:
    return {
        "interrupt_id": pending["interrupt_id"],
        "plan_hash": pending["plan_hash"],
        "action": action,
        **changes,
    }


async def _audit(server: Harness, thread_id: str) -> list[tuple[str, bool]]:
    engine = make_engine(database_url(server.settings))
    try:
        records = await AuditLog(engine).for_thread(thread_id)
    finally:
        await engine.dispose()
    return [(record.action, record.accepted) for record in records]


async def test_approve_runs_the_plan_once_and_reports(start_server: ServerFactory) -> None:
    toolbox = GatedToolbox()
    server = start_server([SCALE_WEB, answer("web now runs 3 replicas")], toolbox=toolbox)
    async with server.client() as client:
        thread_id, pending = await _awaiting(client)
        assert pending["plan"]["steps"][0]["argv"] == [
            "-n",
            "shop",
            "scale",
            "deployment/web",
            "--replicas=3",
        ]
        assert toolbox.mutations == []
        decided = await client.post(f"/threads/{thread_id}/decision", json=_decision(pending))
        assert decided.status_code == 202, decided.text
        run_id = decided.json()["run_id"]
        events = await read_events(
            client, thread_id, after=0, until=frozenset({"run_completed", "run_failed"})
        )
        detail = (await client.get(f"/threads/{thread_id}")).json()
    assert toolbox.mutations == [["-n", "shop", "scale", "deployment/web", "--replicas=3"]]
    names = [event.event for event in events]
    assert names.count("approval_required") == 1
    after_decision = [event for event in events if event.data.get("run_id") == run_id]
    assert after_decision[-1].event == "run_completed"
    result = after_decision[-1].data["result"]
    assert result.startswith("web now runs 3 replicas") and "executed and verified" in result
    assert detail["status"] == "completed" and detail["pending_approval"] is None
    assert detail["messages"][0]["role"] == "human"
    assert [event.seq for event in events] == list(range(1, len(events) + 1))


async def test_stale_wrong_or_missing_approval_is_409_and_runs_nothing(start_server: ServerFactory) -> None:
    toolbox = GatedToolbox()
    server = start_server([SCALE_WEB, answer("done")], toolbox=toolbox)
    async with server.client() as client:
        thread_id, pending = await _awaiting(client)
        url = f"/threads/{thread_id}/decision"
        stale = await client.post(url, json={**_decision(pending), "interrupt_id": "0" * 32})
        wrong = await client.post(url, json={**_decision(pending), "plan_hash": "f" * 64})
        assert stale.status_code == wrong.status_code == 409
        assert "nothing ran" in stale.json()["detail"] and stale.json()["error"] == "conflict"
        assert toolbox.mutations == []
        assert (await client.get(f"/threads/{thread_id}")).json()["status"] == "awaiting_approval"
        assert (await client.post(url, json=_decision(pending))).status_code == 202
        await read_events(client, thread_id, after=0, until=frozenset({"run_completed"}))
        again = await client.post(url, json=_decision(pending))
        assert again.status_code == 409
        assert "not waiting for an approval" in again.json()["detail"]
    assert toolbox.mutations == [["-n", "shop", "scale", "deployment/web", "--replicas=3"]]
    assert await _audit(server, thread_id) == [
        ("approve", False),
        ("approve", False),
        ("approve", True),
        ("approve", False),
    ]


async def test_fifty_concurrent_decisions_exactly_one_accepted(start_server: ServerFactory) -> None:
    toolbox = GatedToolbox()
    server = start_server([SCALE_WEB, answer("done")], toolbox=toolbox)
    async with server.client() as client:
        thread_id, pending = await _awaiting(client)
        limits = httpx.Limits(max_connections=60)
        async with httpx.AsyncClient(
            base_url=server.url, headers=client.headers, limits=limits, timeout=30
        ) as many:
            responses = await asyncio.gather(
                *(many.post(f"/threads/{thread_id}/decision", json=_decision(pending)) for _ in range(50))
            )
        codes = sorted(response.status_code for response in responses)
        assert codes == [202] + [409] * 49
        await read_events(client, thread_id, after=0, until=frozenset({"run_completed"}))
    assert toolbox.mutations == [["-n", "shop", "scale", "deployment/web", "--replicas=3"]]
    audit = await _audit(server, thread_id)
    assert audit.count(("approve", True)) == 1 and len(audit) == 50


async def test_reject_goes_back_to_the_model_and_changes_nothing(start_server: ServerFactory) -> None:
    toolbox = GatedToolbox()
    server = start_server([SCALE_WEB, answer("left web alone")], toolbox=toolbox)
    async with server.client() as client:
        thread_id, pending = await _awaiting(client)
        body = _decision(pending, "reject", reason="not during business hours")
        assert (await client.post(f"/threads/{thread_id}/decision", json=body)).status_code == 202
        events = await read_events(client, thread_id, after=0, until=frozenset({"run_completed"}))
    assert toolbox.mutations == []
    assert events[-1].data["result"].startswith("left web alone")
