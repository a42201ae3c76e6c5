from __future__ import annotations

import asyncio
from typing import Any

import httpx

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import connect
from binks.server.app import database_url
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.server.conftest import SCALE_WEB, SCALE_WEB_DEFAULT, Harness, ServerFactory, answer
from tests.server.fake_toolbox import GatedToolbox
from tests.server.sse import read_events
from tests.timing import generous


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
    database = connect(database_url(server.settings))
    try:
        records = await AuditLog(database).for_thread(thread_id)
    finally:
        await database.close()
    return [(record.action, record.outcome == "accepted") for record in records if record.kind != "mutation"]


def _scales(kube_api: KubeApi) -> list[int]:
    """Statuses of the scale requests the API server saw (dry-runs excluded)."""
    return [r.status for r in kube_api.mutations() if r.name == "web" and r.method == "PATCH"]


async def test_approve_runs_the_plan_once_with_the_real_tools(
    start_server: ServerFactory, kube_api: KubeApi
) -> None:
    kube_api.apply(deployment("web", replicas=1))
    server = start_server([SCALE_WEB_DEFAULT, answer("web now runs 3 replicas")], kube_api=kube_api)
    async with server.client() as client:
        thread_id, pending = await _awaiting(client)
        step = pending["plan"]["steps"][0]
        assert step["argv"] == ["scale", "deployment/web", "-n=default", "--replicas=3"]  # as it runs
        assert step["dry_run"]["ok"] is True and "replicas" in (step["dry_run"]["diff"] or "")
        assert _scales(kube_api) == []
        decided = await client.post(f"/threads/{thread_id}/decision", json=_decision(pending))
        assert decided.status_code == 202, decided.text
        run_id = decided.json()["run_id"]
        events = await read_events(client, thread_id, after=0, run_id=run_id)
        detail = (await client.get(f"/threads/{thread_id}")).json()
    assert _scales(kube_api) == [200]
    assert kube_api.get("deployments", "web")["spec"]["replicas"] == 3  # type: ignore[index]
    names = [event.event for event in events]
    assert names.count("approval_required") == 1
    after_decision = [event.event for event in events if event.data.get("run_id") == run_id]
    assert after_decision[0] == "run_started" and after_decision[-1] == "run_completed"
    assert {"approval_decided", "step_started", "step_finished", "verified"} <= set(after_decision)
    result = events[-1].data["result"]
    assert result.startswith("web now runs 3 replicas") and "verified" in result
    assert detail["status"] == "completed" and detail["pending_approval"] is None
    assert detail["messages"][0] == {
        "role": "human",
        "content": "scale web to 3",
        "tool_calls": [],
        "name": None,
    }
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


async def test_fifty_concurrent_decisions_exactly_one_accepted(
    start_server: ServerFactory, kube_api: KubeApi
) -> None:
    kube_api.apply(deployment("web", replicas=1))
    server = start_server([SCALE_WEB_DEFAULT, answer("done")], kube_api=kube_api)
    async with server.client() as client:
        thread_id, pending = await _awaiting(client)
        limits = httpx.Limits(max_connections=60)
        async with httpx.AsyncClient(
            base_url=server.url, headers=client.headers, limits=limits, timeout=generous(30)
        ) as many:
            responses = await asyncio.gather(
                *(many.post(f"/threads/{thread_id}/decision", json=_decision(pending)) for _ in range(50))
            )
        codes = sorted(response.status_code for response in responses)
        assert codes == [202] + [409] * 49
        winner = next(r.json()["run_id"] for r in responses if r.status_code == 202)
        assert all(r.json()["error"] == "conflict" for r in responses if r.status_code == 409)
        events = await read_events(client, thread_id, run_id=winner)
    assert events[-1].event == "run_completed"
    assert _scales(kube_api) == [200]
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
