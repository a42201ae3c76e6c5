"""The routes behind the MCP tools: reads, proposals, the JSON event log, waiting, the decision channel."""

from __future__ import annotations

from typing import Any

import pytest

from binks.server.services import Services
from tests.server.conftest import SCALE_WEB, ServerFactory, answer
from tests.server.fake_toolbox import Gate, GatedToolbox

SCALE = {
    "tool": "run_kubectl",
    "args": {"command": "scale deployment web -n shop --replicas=3"},
    "reason": "r",
}


async def test_a_read_runs_and_a_change_or_a_refused_command_does_not(start_server: ServerFactory) -> None:
    toolbox = GatedToolbox()
    server = start_server([], toolbox=toolbox)
    async with server.client() as client:
        read = await client.post(
            "/reads", json={"tool": "run_kubectl", "args": {"command": "get deploy web -n shop"}}
        )
        assert read.status_code == 200 and read.json()["ok"] and "replicas=1" in read.json()["output"]
        status = await client.post("/reads", json={"tool": "get_cluster_status"})
        assert status.status_code == 200
        cases: list[tuple[dict[str, Any], str]] = [
            (
                {"tool": "run_kubectl", "args": {"command": "scale deploy web -n shop --replicas=0"}},
                "needs_approval",
            ),
            ({"tool": "run_kubectl", "args": {"command": "get pods | grep x"}}, "refused"),
            ({"tool": "run_kubectl", "args": {}}, "invalid_request"),
            ({"tool": "spawn_worker_agent", "args": {"agent_type": "echo"}}, "invalid_request"),
            ({"tool": "run_kubectl", "args": {"command": "get pods"}, "extra": 1}, "invalid_request"),
        ]
        for body, code in cases:
            refused = await client.post("/reads", json=body)
            assert refused.status_code == 422 and refused.json()["error"] == code, (body, refused.text)
        assert "POST /proposals" in (await client.post("/reads", json=cases[0][0])).json()["detail"]
    assert toolbox.mutations == []
    assert all(name != "run_kubectl" or "scale" not in args["command"] for name, args in toolbox.reads)


async def test_a_proposal_is_a_thread_whose_plan_waits_and_the_log_tells_its_story(
    start_server: ServerFactory,
) -> None:
    toolbox = GatedToolbox()
    server = start_server([], toolbox=toolbox)
    async with server.client() as client:
        started = await client.post("/proposals", json={**SCALE, "title": "load test"})
        assert started.status_code == 201, started.text
        thread_id = started.json()["thread_id"]
        detail = (await client.get(f"/threads/{thread_id}", params={"wait": 30})).json()
        assert detail["status"] == "awaiting_approval" and detail["title"] == "load test"
        assert detail["pending_approval"]["plan"]["steps"][0]["argv"][0] == "scale"
        assert detail["messages"][0]["content"] == "r" and detail["result"] is None
        assert toolbox.mutations == []

        log = (await client.get(f"/threads/{thread_id}/log", params={"limit": 2})).json()
        assert [e["event"] for e in log["events"]] == ["run_started", "tool_call"]
        assert log["next_after"] == 2 and log["last_seq"] == 4
        rest = (await client.get(f"/threads/{thread_id}/log", params={"after": 2})).json()
        assert [e["event"] for e in rest["events"]] == ["plan_proposed", "approval_required"]
        assert rest["next_after"] is None

        pending = detail["pending_approval"]
        decision = {
            "interrupt_id": pending["interrupt_id"],
            "plan_hash": pending["plan_hash"],
            "action": "approve",
        }
        for channel in ("MCP", "x" * 30, "mcp elicitation"):
            bad = await client.post(
                f"/threads/{thread_id}/decision", json=decision, headers={"X-Binks-Channel": channel}
            )
            assert bad.status_code == 422, channel
        ok = await client.post(
            f"/threads/{thread_id}/decision", json=decision, headers={"X-Binks-Channel": "script"}
        )
        assert ok.status_code == 202
        done = (await client.get(f"/threads/{thread_id}", params={"wait": 30})).json()
        assert done["status"] == "completed" and "executed and verified" in done["result"]
        read = await client.post("/proposals", json={**SCALE, "args": {"command": "get pods -n shop"}})
        assert read.status_code == 422 and read.json()["error"] == "not_a_change"
        assert (await client.get("/threads/nope/log")).status_code == 404
    assert toolbox.mutations == [["scale", "deployment", "web", "-n", "shop", "--replicas=3"]]


async def test_waiting_on_a_thread_returns_when_the_run_stops_or_the_wait_is_over(
    start_server: ServerFactory,
) -> None:
    gate = Gate()
    toolbox = GatedToolbox(read_gate=gate)
    get = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl get deploy web -n shop"}}]}
    server = start_server([get, SCALE_WEB, answer("done")], toolbox=toolbox)
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "scale web"})).json()["thread_id"]
        held = (await client.get(f"/threads/{thread_id}", params={"wait": 0.2})).json()
        assert held["status"] == "running" and held["run_id"], "the wait ended while the run was held"
        gate.opened.set()
        settled = (await client.get(f"/threads/{thread_id}", params={"wait": 30})).json()
        assert settled["status"] == "awaiting_approval" and settled["run_id"] is None
        assert (await client.get(f"/threads/{thread_id}", params={"wait": 61})).status_code == 422


async def test_waiting_on_a_run_another_replica_holds_follows_the_threads_status(
    start_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    toolbox = GatedToolbox(read_gate=gate)
    get = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl get deploy web -n shop"}}]}
    server = start_server([get, SCALE_WEB, answer("done")], toolbox=toolbox)
    services: Services = server.live.app.state.services
    monkeypatch.setattr(services.runs, "active", lambda _thread_id: None)
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "scale web"})).json()["thread_id"]
        held = (await client.get(f"/threads/{thread_id}", params={"wait": 0.3})).json()
        assert held["status"] == "running"
        gate.opened.set()
        settled = (await client.get(f"/threads/{thread_id}", params={"wait": 30})).json()
        assert settled["status"] == "awaiting_approval"
