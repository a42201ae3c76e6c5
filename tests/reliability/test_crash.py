"""Crash: SIGKILL the server at seeded points of execute, restart, resume; each change lands once.

The server runs as a child process with the real tools against the in-memory API server.
Each round drives five threads (one deployment each) to an approval, then sends the
decisions and holds the cluster requests so that, at the moment of the kill, every thread
sits at its own point:

- ``awaiting_approval``: no decision sent yet;
- ``before_request``: kubectl's read before the change is held, the change not sent;
- ``request_held``: the scale request reached the API server and is held there;
- ``applied_unrecorded``: the API server applied the scale, kubectl has not heard back,
  so Binks has not recorded the result;
- ``verifying``: the result is recorded and the verification's read is held.

Half of the rounds kill the whole process group (kubectl too, as a service manager kills
a unit); the others kill only the server and let orphaned kubectl finish on its own. The
restarted server is the next round's server; after four kills (twenty kill points) a last
server resumes the last round. (More threads per process and fewer processes: each start
costs seconds of imports.) Every thread must end ``completed``, every deployment
must have been scaled by exactly one non-dry-run request, and the audit log must hold
exactly one executed change per thread.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import connect
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.fakes.kube_api.requestlog import Hold
from tests.reliability.figures import note
from tests.server.process import ServerProcess
from tests.server.sse import read_events
from tests.timing import eventually

# Five server processes and a hundred kubectl runs: minutes on a busy machine, so a limit of
# its own (which BINKS_TEST_SLOWDOWN scales like the suite's).
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

SEED = 20240917
ROUNDS = 4
THREADS_PER_ROUND = 5
POINTS = ("awaiting_approval", "before_request", "request_held", "applied_unrecorded", "verifying")


@dataclass
class Victim:
    """One thread and the point of execute it sits at when the server dies."""

    name: str
    point: str
    thread_id: str = ""
    pending: dict[str, Any] | None = None
    hold: Hold | None = None


def _path(name: str) -> str:
    return rf"/namespaces/default/deployments/{name}"


def _arm(kube_api: KubeApi, victim: Victim) -> None:
    """Hold the request at which this thread must be caught."""
    path = _path(victim.name)
    if victim.point == "before_request":  # kubectl GETs the object before it patches it
        victim.hold = kube_api.hold_next("GET", path + "$")
    elif victim.point == "request_held":
        victim.hold = kube_api.hold_next("PATCH", path + "/scale$")
    elif victim.point == "applied_unrecorded":
        victim.hold = kube_api.hold_next("PATCH", path + "/scale$", after=True)
    elif victim.point == "verifying":
        kube_api.fail_next("GET", path + "$", status=0)  # kubectl's own read passes
        victim.hold = kube_api.hold_next("GET", path + "$")  # the verification's is held


async def _await_approval(client: httpx.AsyncClient, victim: Victim) -> None:
    started = await client.post("/threads", json={"task": f"scale {victim.name} to 3 without looking"})
    assert started.status_code == 201, started.text
    victim.thread_id = started.json()["thread_id"]
    events = await read_events(client, victim.thread_id)
    assert events[-1].event == "approval_required", events
    victim.pending = events[-1].data


async def _decide(client: httpx.AsyncClient, victim: Victim) -> str:
    assert victim.pending is not None
    body = {
        "interrupt_id": victim.pending["interrupt_id"],
        "plan_hash": victim.pending["plan_hash"],
        "action": "approve",
    }
    decided = await client.post(f"/threads/{victim.thread_id}/decision", json=body)
    assert decided.status_code == 202, decided.text
    return str(decided.json()["run_id"])


async def _mutations_audited(state: Path, victims: list[Victim]) -> dict[str, int]:
    """How many executed changes the audit log holds per thread."""
    database = connect(f"sqlite:///{state / 'binks.db'}")
    try:
        log = AuditLog(database)
        return {
            v.thread_id: sum(e.kind == "mutation" for e in await log.for_thread(v.thread_id)) for v in victims
        }
    finally:
        await database.close()


async def _wait_group_gone(server: ServerProcess) -> None:
    await eventually(lambda: not server.group_alive(), "orphaned kubectl to exit", timeout=60)


async def _finish(client: httpx.AsyncClient, victim: Victim, tally: Counter[str]) -> str:
    """Bring a thread that survived a kill to its end: decide or resume until completed."""
    status = ""
    for _ in range(4):
        detail = (await client.get(f"/threads/{victim.thread_id}")).json()
        status = str(detail["status"])
        if status == "completed":
            return status
        if status == "awaiting_approval":
            victim.pending = detail["pending_approval"]
            tally["decided after restart"] += 1
            run_id = await _decide(client, victim)
        else:
            assert status == "interrupted", detail
            tally["resumed"] += 1
            resumed = await client.post(f"/threads/{victim.thread_id}/resume")
            assert resumed.status_code == 202, resumed.text
            run_id = str(resumed.json()["run_id"])
        events = await read_events(client, victim.thread_id, run_id=run_id)
        outputs = [str(e.data.get("output")) for e in events if e.event == "step_finished"]
        tally["found applied on resume"] += sum("confirmed against the cluster" in o for o in outputs)
    return status


async def test_kill_at_twenty_points_of_execute_then_every_change_lands_once(
    tmp_path: Path, kube_api: KubeApi, processes: list[ServerProcess]
) -> None:
    rng = random.Random(SEED)
    plan = list(POINTS) * (ROUNDS * THREADS_PER_ROUND // len(POINTS))
    rng.shuffle(plan)
    group_kills = set(rng.sample(range(ROUNDS), (ROUNDS + 1) // 2))
    state = tmp_path / "state"
    everyone: list[Victim] = []
    tally: Counter[str] = Counter()
    previous: list[Victim] = []
    started = time.monotonic()
    for round_no in range(ROUNDS + 1):
        victims = []
        if round_no < ROUNDS:
            points = plan[round_no * THREADS_PER_ROUND : (round_no + 1) * THREADS_PER_ROUND]
            victims = [Victim(f"web-{round_no}{i}", point) for i, point in enumerate(points)]
        for victim in victims:
            kube_api.apply(deployment(victim.name, replicas=1))
        # the model answers each thread from its own task, so the threads run side by side
        server = ServerProcess(state, [], kubeconfig=kube_api.kubeconfig, args=["--per-task", "default"])
        server.start()
        processes.append(server)
        async with server.client() as client:
            # survivors of the last kill: resumable, then finished
            finished = await asyncio.gather(*(_finish(client, victim, tally) for victim in previous))
            assert finished == ["completed"] * len(previous), server.log()
            await asyncio.gather(*(_await_approval(client, victim) for victim in victims))
            if not victims:
                break
            for victim in victims:
                _arm(kube_api, victim)
            for victim in victims:
                if victim.point != "awaiting_approval":
                    await _decide(client, victim)
            for victim in victims:
                hold = victim.hold
                if hold is not None:
                    await eventually(hold.reached.is_set, f"{victim.name} to reach {victim.point}", 60)
        group = round_no in group_kills
        server.kill(group=group)
        tally["kills of the process group" if group else "kills of the server only"] += 1
        for victim in victims:
            if victim.hold is not None:
                victim.hold.release()
        for victim in victims:  # the API server finishes what it got; orphans exit
            hold = victim.hold
            if hold is not None:
                await eventually(hold.finished.is_set, f"the held request of {victim.name}", 60)
        await _wait_group_gone(server)
        everyone.extend(victims)
        previous = victims

    scales = Counter(r.name for r in kube_api.mutations() if r.method == "PATCH" and r.subresource == "scale")
    assert {victim.name: scales[victim.name] for victim in everyone} == {v.name: 1 for v in everyone}
    for victim in everyone:
        assert kube_api.get("deployments", victim.name)["spec"]["replicas"] == 3  # type: ignore[index]
    assert len(everyone) == ROUNDS * THREADS_PER_ROUND
    audited = await _mutations_audited(state, everyone)
    assert audited == {victim.thread_id: 1 for victim in everyone}, "each change audited once"
    caught = Counter(victim.point for victim in everyone)
    note(
        f"crash: {ROUNDS} kills ({tally['kills of the process group']} with kubectl), "
        f"{len(everyone)} kill points ({', '.join(f'{p} {n}' for p, n in sorted(caught.items()))}), "
        f"{sum(scales.values())} scale requests for {len(everyone)} approved changes, "
        f"{tally['resumed']} resumes, {tally['decided after restart']} decisions after restart, "
        f"{tally['found applied on resume']} found applied on resume; "
        f"{time.monotonic() - started:.1f} s"
    )
