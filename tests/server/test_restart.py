"""The server as a process: a crash in the middle of a change, a restart, a graceful stop.

The server runs as a child process with the real tools against the in-memory API server. The
API server holds the scale request; the server is SIGKILLed while it waits, then the request
is let go (the orphaned kubectl child finishes it, as it would in life). After the restart
the thread is ``interrupted``, nothing runs until ``POST /resume``, and the API server's
request log shows the scale exactly once. The restarted server is then stopped with SIGTERM
while its model is held at a gate: the run stops at a checkpoint, open streams get its last
event and ``stream_closed``, and the process exits cleanly. Every step waits for an event
(a held request, a gate reached, a log line), never for a duration. (One test, because each
server process costs seconds.)
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.server.process import ServerProcess
from tests.server.sse import read_events
from tests.timing import eventually, generous

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
        held = kube_api.hold_next("PATCH", r"/deployments/web")  # the scale waits at the API server
        decision = {
            "interrupt_id": pending["interrupt_id"],
            "plan_hash": pending["plan_hash"],
            "action": "approve",
        }
        try:
            assert (await client.post(f"/threads/{thread_id}/decision", json=decision)).status_code == 202
            assert await asyncio.to_thread(held.reached.wait, generous(60)), "kubectl never sent the scale"
            server.kill()
            assert _scales(kube_api) == []  # the kill came while the request was held
        finally:
            held.release()  # kubectl, orphaned, gets its answer: the scale lands
    assert await asyncio.to_thread(held.finished.wait, generous(60))
    await eventually(lambda: _scales(kube_api) == [200], "the orphaned kubectl's scale")
    assert kube_api.get("deployments", "web")["spec"]["replicas"] == 3  # type: ignore[index]

    gate = tmp_path / "model-gate"
    script: list[dict[str, Any]] = [
        {"content": "web runs 3 replicas"},
        {"gate": str(gate), "content": "slow"},
    ]
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

    await _sigterm_drains_a_run(again, gate)


async def _sigterm_drains_a_run(server: ServerProcess, gate: Path) -> None:
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "think"})).json()["thread_id"]
        reader = asyncio.create_task(read_events(client, thread_id, until=frozenset({"stream_closed"})))
        await eventually(lambda: Path(f"{gate}.reached").exists(), "the model to be asked")
        server.send_sigterm()
        await eventually(lambda: "to reach a checkpoint" in server.log(), "the shutdown to wait for the run")
        gate.touch()  # the model answers; the graph stops at the checkpoint after that step
        code = await asyncio.to_thread(server.wait, 60)
        events = await asyncio.wait_for(reader, generous(30))
    # uvicorn re-raises the signal after a clean shutdown; systemd counts that as a clean stop
    assert code in (0, -signal.SIGTERM), server.log()
    assert "Application shutdown complete" in server.log()
    assert [event.event for event in events[-2:]] == ["run_failed", "stream_closed"]
    assert events[-2].data["status"] == "interrupted" and events[-2].data["resumable"] is True
