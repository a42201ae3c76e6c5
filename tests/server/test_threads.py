from __future__ import annotations

import asyncio

import httpx
import pytest

from binks.server import runs as runs_module
from binks.server.runs import RunManager
from tests.server.conftest import SCALE_WEB, ServerFactory, answer
from tests.server.fake_toolbox import Gate, GatedToolbox
from tests.server.sse import read_events
from tests.timing import eventually, generous

GET_DEPLOY = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl -n shop get deployments"}}]}


async def test_invoke_returns_the_answer_like_the_seed(start_server: ServerFactory) -> None:
    server = start_server([GET_DEPLOY, answer("web has 1 replica")])
    async with server.client() as client:
        response = await client.post("/invoke", json={"task": "how many replicas has web?"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed" and body["result"] == "web has 1 replica"
    assert body["thread_id"] and body["pending_approval"] is None


async def test_invoke_returns_at_once_with_the_plan_when_approval_is_needed(
    start_server: ServerFactory,
) -> None:
    toolbox = GatedToolbox()
    server = start_server([SCALE_WEB, answer("done")], toolbox=toolbox)
    async with server.client() as client:
        body = (await client.post("/invoke", json={"task": "scale web to 3"})).json()
        assert body["status"] == "awaiting_approval" and body["result"] is None
        pending = body["pending_approval"]
        how = body["how_to_decide"]
        assert how["url"] == f"/threads/{body['thread_id']}/decision"
        assert how["body"]["plan_hash"] == pending["plan_hash"]
        assert how["body"]["interrupt_id"] == pending["interrupt_id"]
        decided = await client.post(how["url"], json=how["body"])
        assert decided.status_code == 202
        await read_events(client, body["thread_id"], until=frozenset({"run_completed"}))
    assert toolbox.mutations == [["-n", "shop", "scale", "deployment/web", "--replicas=3"]]


async def test_one_run_per_thread_and_cancel(
    start_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run waits on a gate that never opens, so it cannot reach a step boundary: the grace
    # certainly runs out and the run is cancelled hard. The same grace then bounds the wait
    # for the cancelled run to wind up, so it stays long enough for a busy machine.
    monkeypatch.setattr(runs_module, "CANCEL_GRACE_S", generous(2))
    toolbox = GatedToolbox()
    toolbox.read_gate = Gate()
    server = start_server([GET_DEPLOY, answer("first"), answer("second")], toolbox=toolbox)
    try:
        async with server.client() as client:
            started = (await client.post("/threads", json={"task": "look"})).json()
            thread_id, run_id = started["thread_id"], started["run_id"]
            assert await asyncio.to_thread(toolbox.read_gate.reached.wait, 10)
            busy = await client.post(f"/threads/{thread_id}/messages", json={"task": "again"})
            assert busy.status_code == 409
            assert busy.json()["run_id"] == run_id and "in progress" in busy.json()["detail"]
            resume = await client.post(f"/threads/{thread_id}/resume")
            assert resume.status_code == 409 and resume.json()["run_id"] == run_id
            detail = (await client.get(f"/threads/{thread_id}")).json()
            assert detail["status"] == "running" and detail["run_id"] == run_id
            cancelled = await client.post(f"/threads/{thread_id}/cancel")
            assert cancelled.status_code == 200
            assert cancelled.json() == {"thread_id": thread_id, "run_id": run_id, "status": "cancelled"}
            events = await read_events(client, thread_id)
            assert events[-1].event == "run_cancelled"
            detail = (await client.get(f"/threads/{thread_id}")).json()
            assert detail["status"] == "cancelled" and detail["run_id"] is None
            assert (await client.post(f"/threads/{thread_id}/cancel")).status_code == 409
    finally:
        toolbox.read_gate.opened.set()


def _drain_requested(runs: RunManager, thread_id: str) -> bool:
    run = runs.active(thread_id)
    return run is not None and run.control.drain_requested


async def test_cancel_stops_a_run_at_its_next_step(
    start_server: ServerFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gentle way: the run gets to finish its step, then stops at the boundary."""
    monkeypatch.setattr(runs_module, "CANCEL_GRACE_S", generous(30))  # never runs out here
    toolbox = GatedToolbox()
    toolbox.read_gate = Gate()
    server = start_server([GET_DEPLOY, answer("never said")], toolbox=toolbox)
    runs = server.live.app.state.services.runs
    try:
        async with server.client() as client:
            thread_id = (await client.post("/threads", json={"task": "look"})).json()["thread_id"]
            assert await asyncio.to_thread(toolbox.read_gate.reached.wait, generous(30))
            cancelling = asyncio.create_task(client.post(f"/threads/{thread_id}/cancel"))
            await eventually(lambda: _drain_requested(runs, thread_id), "the cancel request")
            toolbox.read_gate.opened.set()  # the step finishes; the run stops after it
            cancelled = await cancelling
            events = await read_events(client, thread_id)
    finally:
        toolbox.read_gate.opened.set()
    assert cancelled.json()["status"] == "cancelled"
    assert [e.event for e in events][-2:] == ["tool_result", "run_cancelled"]
    assert toolbox.reads == [("run_kubectl", {"command": "kubectl -n shop get deployments"})]


async def test_follow_up_message_on_the_same_thread(start_server: ServerFactory) -> None:
    server = start_server([answer("first answer"), answer("second answer")])
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "one"})).json()["thread_id"]
        await read_events(client, thread_id)
        follow = await client.post(f"/threads/{thread_id}/messages", json={"task": "two"})
        assert follow.status_code == 202
        events = await read_events(client, thread_id, run_id=follow.json()["run_id"])
        detail = (await client.get(f"/threads/{thread_id}")).json()
    results = [event.data["result"] for event in events if event.event == "run_completed"]
    assert results == ["first answer", "second answer"]
    assert [(m["role"], m["content"]) for m in detail["messages"]] == [
        ("human", "one"),
        ("ai", "first answer"),
        ("human", "two"),
        ("ai", "second answer"),
    ]


async def test_thread_list_is_paged(start_server: ServerFactory) -> None:
    server = start_server([answer(f"a{i}") for i in range(5)])
    async with server.client() as client:
        ids = []
        for i in range(5):
            ids.append((await client.post("/invoke", json={"task": f"task {i}"})).json()["thread_id"])
        first = (await client.get("/threads", params={"limit": 2})).json()
        second = (await client.get("/threads", params={"limit": 2, "offset": 2})).json()
        last = (await client.get("/threads", params={"limit": 2, "offset": 4})).json()
        completed = (await client.get("/threads", params={"status": "completed"})).json()
    listed = [t["thread_id"] for page in (first, second, last) for t in page["threads"]]
    assert sorted(listed) == sorted(ids) and len(set(listed)) == 5
    assert (first["next_offset"], second["next_offset"], last["next_offset"]) == (2, 4, None)
    assert len(completed["threads"]) == 5


async def test_errors_are_clear_json_without_tracebacks(start_server: ServerFactory) -> None:
    server = start_server([answer("hi")])
    async with server.client() as client:
        missing = await client.get("/threads/no-such-thread")
        missing_events = await client.get("/threads/no-such-thread/events")
        missing_decision = await client.post(
            "/threads/no-such-thread/decision",
            json={"interrupt_id": "i", "plan_hash": "h", "action": "approve"},
        )
        no_task = await client.post("/threads", json={"title": "x"})
        bad_json = await client.post(
            "/threads", content=b'{"task": ', headers={"content-type": "application/json"}
        )
        bad_action = await client.post(
            "/threads/x/decision", json={"interrupt_id": "i", "plan_hash": "h", "action": "yolo"}
        )
        huge = await client.post("/threads", json={"task": "x" * 300_000})
        too_long = await client.post("/threads", json={"task": "x" * 9000})
        bad_paging = await client.get("/threads", params={"limit": 0})
    assert missing.status_code == missing_events.status_code == missing_decision.status_code == 404
    assert "no-such-thread" in missing.json()["detail"]
    assert no_task.status_code == 422 and no_task.json()["errors"][0]["field"] == "body.task"
    assert bad_json.status_code == 422 and bad_json.json()["error"] == "invalid_request"
    assert bad_action.status_code == 422 and "body.action" in bad_action.json()["detail"]
    assert huge.status_code == 413 and "bytes" in huge.json()["detail"]
    assert too_long.status_code == 422 and "body.task" in too_long.json()["detail"]
    assert bad_paging.status_code == 422 and "query.limit" in bad_paging.json()["detail"]
    for response in (missing, no_task, bad_json, huge):
        assert "Traceback" not in response.text


async def test_cors_is_off_unless_configured(start_server: ServerFactory) -> None:
    plain = start_server([answer("hi")])
    allowed = start_server(
        [answer("hi")],
        state_dir=plain.settings.state_dir.parent / "cors",
        cors_origins=["http://laptop:3000"],
    )
    preflight = {"Origin": "http://laptop:3000", "Access-Control-Request-Method": "POST"}
    async with httpx.AsyncClient() as client:
        off = await client.options(f"{plain.url}/threads", headers=preflight)
        on = await client.options(f"{allowed.url}/threads", headers=preflight)
    assert "access-control-allow-origin" not in off.headers
    assert on.headers["access-control-allow-origin"] == "http://laptop:3000"
