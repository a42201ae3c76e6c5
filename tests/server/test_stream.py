from __future__ import annotations

import asyncio

from tests.server.conftest import ServerFactory, answer
from tests.server.fake_toolbox import Gate, GatedToolbox
from tests.server.sse import read_events
from tests.timing import eventually, generous

GET_DEPLOY = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl -n shop get deployments"}}]}


async def test_reconnect_gets_exactly_the_missed_events(start_server: ServerFactory) -> None:
    server = start_server([GET_DEPLOY, GET_DEPLOY, answer("two looks, all fine")])
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "look twice"})).json()["thread_id"]
        everything = await read_events(client, thread_id)
        assert everything[-1].event == "run_completed"
        assert [event.seq for event in everything] == list(range(1, len(everything) + 1))
        assert len(everything) >= 6
        head = await read_events(client, thread_id, count=3)
        by_header = await read_events(client, thread_id, last_event_id=head[-1].seq)
        by_query = await read_events(client, thread_id, after=head[-1].seq)
        header_wins = await read_events(client, thread_id, after=1, last_event_id=head[-1].seq)
    assert head + by_header == everything
    assert by_query == by_header == header_wins
    names = [event.event for event in everything]
    assert names[0] == "run_started"
    assert names.count("tool_call") == names.count("tool_result") == 2
    # the final answer streams as model_token events (coalesced, so their count may vary)
    streamed = "".join(event.data["text"] for event in everything if event.event == "model_token")
    assert streamed == "two looks, all fine"


async def test_tokens_and_events_are_stored_in_the_order_they_happened(start_server: ServerFactory) -> None:
    # Tokens come through LangGraph's stream, the nodes' events straight to the run's outbox.
    look = {"content": "Let me look at the deployments.", **GET_DEPLOY}
    server = start_server([look, look, answer("All fine.")])
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "look"})).json()["thread_id"]
        events = await read_events(client, thread_id)
    names = [event.event for event in events]
    runs = [name for index, name in enumerate(names) if name != "model_token" or names[index - 1] != name]
    looked = ["model_token", "tool_call", "tool_result"]
    assert runs == ["run_started", *looked, *looked, "model_token", "message", "run_completed"]
    tokens = [event.data for event in events if event.event == "model_token"]
    assert "".join(token["text"] for token in tokens) == "Let me look at the deployments." * 2 + "All fine."
    assert {token["node"] for token in tokens} == {"agent"}, "tokens name the node whose model call they are"


async def test_disconnect_during_a_run_loses_nothing(start_server: ServerFactory) -> None:
    toolbox = GatedToolbox()
    toolbox.read_gate = Gate()
    server = start_server([GET_DEPLOY, answer("fine")], toolbox=toolbox)
    try:
        async with server.client() as client:
            thread_id = (await client.post("/threads", json={"task": "look"})).json()["thread_id"]
            assert await asyncio.to_thread(toolbox.read_gate.reached.wait, generous(30))
            before = await read_events(client, thread_id, count=2)  # then the client drops
            toolbox.read_gate.opened.set()
            rest = await read_events(client, thread_id, last_event_id=before[-1].seq)
            replayed = await read_events(client, thread_id)
    finally:
        toolbox.read_gate.opened.set()
    assert before + rest == replayed
    assert rest[-1].event == "run_completed"


async def test_idle_streams_get_heartbeat_comments(start_server: ServerFactory) -> None:
    server = start_server([answer("hi")], heartbeat_s=0.1)
    async with server.client() as client:
        thread_id = (await client.post("/invoke", json={"task": "hi"})).json()["thread_id"]
        comments = 0
        events = 0
        async with client.stream("GET", f"/threads/{thread_id}/events") as response:
            assert response.headers["content-type"].startswith("text/event-stream")
            async for line in response.aiter_lines():
                events += line.startswith("event:")
                comments += line.startswith(":")
                if comments >= 2:
                    break
    assert events >= 2 and comments >= 2


async def test_shutdown_stops_runs_at_a_checkpoint_and_resume_finishes_them(
    start_server: ServerFactory,
) -> None:
    toolbox = GatedToolbox()
    toolbox.read_gate = Gate()
    script = [GET_DEPLOY, answer("fine"), answer("fine after restart")]
    server = start_server(script, toolbox=toolbox)
    services = server.live.app.state.services
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "look"})).json()["thread_id"]
        assert await asyncio.to_thread(toolbox.read_gate.reached.wait, generous(30))
        reader = asyncio.create_task(read_events(client, thread_id, until=frozenset({"stream_closed"})))
        await eventually(lambda: services.events.subscriber_count() == 1, "the stream to be open")
        run = services.runs.active(thread_id)
        stopping = asyncio.create_task(asyncio.to_thread(server.live.stop))
        await eventually(lambda: run.control.drain_requested, "the shutdown to ask the run to stop")
        toolbox.read_gate.opened.set()  # the running node finishes; the graph stops after it
        events = await asyncio.wait_for(reader, generous(30))
        await stopping
    assert [event.event for event in events[-2:]] == ["run_failed", "stream_closed"]
    assert events[-2].data["status"] == "interrupted"
    # stream_closed carries no id, so a reconnecting client resumes right after run_failed
    assert events[-1].seq == events[-2].seq

    toolbox.read_gate = None
    again = start_server(script[1:], toolbox=toolbox, state_dir=server.settings.state_dir)
    async with again.client() as client:
        detail = (await client.get(f"/threads/{thread_id}")).json()
        assert detail["status"] == "interrupted"
        skip = await client.post(f"/threads/{thread_id}/messages", json={"task": "something else"})
        assert skip.status_code == 409 and "/resume" in skip.json()["detail"]
        resumed = await client.post(f"/threads/{thread_id}/resume")
        assert resumed.status_code == 202, resumed.text
        events = await read_events(client, thread_id, after=events[-2].seq, run_id=resumed.json()["run_id"])
    assert events[-1].event == "run_completed"
