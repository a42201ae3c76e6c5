"""The server as a process: a crash in the middle of a change, a restart, a graceful stop.

The server runs as a child process with the real tools against the in-memory API server. The
API server holds the scale request for a moment; the server is SIGKILLed while it waits (its
kubectl child finishes the request on its own, as it would in life). After the restart the
thread is ``interrupted``, nothing runs until ``POST /resume``, and the API server's request
log shows the scale exactly once. The restarted server is then stopped with SIGTERM during a
run: the run stops at a checkpoint, open streams get its last event and ``stream_closed``,
and the process exits cleanly. (One test, because each server process costs seconds.)
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.server.process import ServerProcess
from tests.server.sse import Event, read_events

pytestmark = pytest.mark.slow

SCALE = {
    "tool_calls": [
        {"name": "run_kubectl", "args": {"command": "kubectl -n default scale deployment/web --replicas=3"}}
    ]
}


@pytest.fixture
def processes() -> Iterator[list[ServerProcess]]:
    started: list[ServerProcess] = []
    yield started
    for process in started:
        process.stop()


def _scales(kube_api: KubeApi) -> list[int]:
    return [
        record.status for record in kube_api.mutations() if record.name == "web" and record.method == "PATCH"
    ]


async def _until(condition: object, timeout: float = 30) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def test_sigkill_mid_change_restart_resume_once_then_sigterm_drains(
    tmp_path: Path, kube_api: KubeApi, processes: list[ServerProcess]
) -> None:
    kube_api.apply(deployment("web", replicas=1))
    state = tmp_path / "state"
    server = ServerProcess(state, [SCALE], kubeconfig=kube_api.kubeconfig).start()
    processes.append(server)
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "scale web to 3"})).json()["thread_id"]
        events = await read_events(client, thread_id)
        assert events[-1].event == "approval_required", events
        pending = events[-1].data
        kube_api.clear_requests()
        kube_api.fail_next("PATCH", r"/deployments/web", status=0, delay_s=1.0)  # hold, then apply
        started = asyncio.Event()

        def note(event: Event) -> None:
            if event.event == "step_started":
                started.set()

        decision = {
            "interrupt_id": pending["interrupt_id"],
            "plan_hash": pending["plan_hash"],
            "action": "approve",
        }
        assert (await client.post(f"/threads/{thread_id}/decision", json=decision)).status_code == 202
        reader = asyncio.create_task(read_events(client, thread_id, after=events[-1].seq, on_event=note))
        await asyncio.wait_for(started.wait(), 30)
        await _until(lambda: not kube_api.state.log._faults)  # the scale request is being held
        server.kill()
        reader.cancel()
    assert _scales(kube_api) == []  # the kill came while the request was held

    await _until(lambda: _scales(kube_api) == [200])  # kubectl, orphaned, finished it
    assert kube_api.get("deployments", "web")["spec"]["replicas"] == 3  # type: ignore[index]

    script: list[dict[str, Any]] = [{"content": "web runs 3 replicas"}, {"sleep": 1.0, "content": "slow"}]
    again = ServerProcess(state, script, kubeconfig=kube_api.kubeconfig).start()
    processes.append(again)
    async with again.client() as client:
        detail = (await client.get(f"/threads/{thread_id}")).json()
        assert detail["status"] == "interrupted"
        assert _scales(kube_api) == [200]  # nothing resumed by itself
        resumed = await client.post(f"/threads/{thread_id}/resume")
        assert resumed.status_code == 202, resumed.text
        rest = await read_events(client, thread_id, run_id=resumed.json()["run_id"])
        final = (await client.get(f"/threads/{thread_id}")).json()
    assert rest[-1].event == "run_completed", rest
    assert final["status"] == "completed"
    assert _scales(kube_api) == [200]
    assert [e.event for e in rest if e.event in ("step_finished", "verified")]

    await _sigterm_drains_a_run(again)


async def _sigterm_drains_a_run(server: ServerProcess) -> None:
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
