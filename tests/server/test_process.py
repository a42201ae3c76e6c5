"""The server as a process: SIGTERM drains gracefully; a restart leaves cut-off runs to /resume."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.process import ServerProcess
from tests.server.sse import Event, read_events

pytestmark = pytest.mark.slow


@pytest.fixture
def processes() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for process in started:
        process.stop()


async def test_sigterm_stops_the_run_at_a_checkpoint_and_closes_streams(
    tmp_path: Path, processes: list[ServerProcess]
) -> None:
    state = tmp_path / "state"
    server = ServerProcess(state, [{"sleep": 1.0, "content": "thought it over"}]).start()
    processes.append(server)
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "think"})).json()["thread_id"]
        started = asyncio.Event()

        def note(event: Event) -> None:
            if event.event == "run_started":
                started.set()

        reader = asyncio.create_task(
            read_events(client, thread_id, until=frozenset({"stream_closed"}), on_event=note)
        )
        await asyncio.wait_for(started.wait(), 30)
        code = await asyncio.to_thread(server.terminate)
        events = await asyncio.wait_for(reader, 30)
    # uvicorn re-raises the signal after a clean shutdown; systemd counts that as a clean stop
    assert code in (0, -signal.SIGTERM), server.log()
    assert "Application shutdown complete" in server.log()
    assert [event.event for event in events[-2:]] == ["run_failed", "stream_closed"]
    assert events[-2].data["status"] == "interrupted" and events[-2].data["resumable"] is True

    again = ServerProcess(state, []).start()  # the rest of the run needs no model answer
    processes.append(again)
    async with again.client() as client:
        detail = (await client.get(f"/threads/{thread_id}")).json()
        assert detail["status"] == "interrupted"
        resumed = await client.post(f"/threads/{thread_id}/resume")
        assert resumed.status_code == 202, resumed.text
        rest = await read_events(client, thread_id, after=events[-2].seq, run_id=resumed.json()["run_id"])
    assert rest[-1].event == "run_completed"
    assert rest[-1].data["result"] == "thought it over"
