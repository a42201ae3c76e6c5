"""Concurrency: many threads and many decisions at once, over real sockets.

``tests/server/test_decisions.py`` already sends 50 decisions to one approval. Here the
decisions are spread over several approvals at once (approve and reject racing, and
decisions sent to the wrong thread), and fifty threads run a whole cycle at the same time
(read, plan, approval, change, answer), each followed on its own event stream.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections import Counter
from typing import Any

import httpx
import pytest

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import connect
from binks.server.app import database_url
from tests.fakes.toolbox import Deployment, FakeToolbox
from tests.reliability.figures import note
from tests.reliability.models import PerTaskModel
from tests.server.conftest import Harness, ServerFactory
from tests.server.sse import Event, read_events
from tests.timing import generous

pytestmark = pytest.mark.slow  # many seconds: scheduled first (see tests/conftest.py)

THREADS = 50
APPROVALS = 5
DECISIONS = 50
NAME = re.compile(r"web-\d+")


def _toolbox(count: int) -> FakeToolbox:
    return FakeToolbox(deployments={("shop", f"web-{i}"): Deployment() for i in range(count)})


def _many(server: Harness, connections: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    client = server.client(timeout=generous(60))
    return httpx.AsyncClient(base_url=server.url, headers=client.headers, limits=limits, timeout=generous(60))


def _decision(pending: dict[str, Any], action: str) -> dict[str, Any]:
    return {"interrupt_id": pending["interrupt_id"], "plan_hash": pending["plan_hash"], "action": action}


async def _to_approval(client: httpx.AsyncClient, task: str) -> tuple[str, str, list[Event]]:
    started = await client.post("/threads", json={"task": task})
    assert started.status_code == 201, started.text
    thread_id, run_id = started.json()["thread_id"], started.json()["run_id"]
    events = await read_events(client, thread_id, run_id=run_id)
    assert events[-1].event == "approval_required", events
    return thread_id, run_id, events


async def _one_cycle(client: httpx.AsyncClient, index: int) -> tuple[str, set[str], list[Event]]:
    """Task, approval, approve, answer; returns the thread, its run ids and its events."""
    thread_id, first, events = await _to_approval(client, f"scale web-{index} to 3")
    decided = await client.post(f"/threads/{thread_id}/decision", json=_decision(events[-1].data, "approve"))
    assert decided.status_code == 202, decided.text
    second = decided.json()["run_id"]
    events += await read_events(client, thread_id, after=events[-1].seq, run_id=second)
    return thread_id, {first, second}, events


async def test_fifty_threads_at_once_without_errors_or_cross_talk(start_server: ServerFactory) -> None:
    toolbox = _toolbox(THREADS)
    server = start_server([], toolbox=toolbox, model=PerTaskModel.create())
    began = time.monotonic()
    async with _many(server, 2 * THREADS + 10) as client:
        cycles = await asyncio.gather(*(_one_cycle(client, i) for i in range(THREADS)))
        elapsed = time.monotonic() - began
        replays = await asyncio.gather(
            *(read_events(client, thread, until=frozenset({"run_completed"})) for thread, _, _ in cycles)
        )
    checked = 0
    for index, ((thread_id, run_ids, live), replay) in enumerate(zip(cycles, replays, strict=True)):
        own = f"web-{index}"
        assert live == replay, f"thread {own}: the live stream differs from the event log"
        assert [event.seq for event in live] == list(range(1, len(live) + 1)), own
        assert {event.data.get("run_id") for event in live} == run_ids, own
        names = {event.event for event in live}
        assert "run_failed" not in names and {"tool_result", "step_finished", "verified"} <= names, own
        mentioned = {name for event in live for name in NAME.findall(json.dumps(event.data))}
        assert mentioned == {own}, f"thread {own} saw events about {mentioned - {own}}"
        assert thread_id not in {t for t, _, _ in cycles[:index]}
        assert live[-1].event == "run_completed" and live[-1].data["result"].startswith(f"{own} is done")
        checked += len(live)
    assert sorted(toolbox.mutations) == sorted(
        ["-n", "shop", "scale", f"deployment/web-{i}", "--replicas=3"] for i in range(THREADS)
    )
    note(
        f"concurrency: {THREADS} threads at once (read, approval, change, answer) in {elapsed:.1f} s, "
        f"0 errors, {checked} events checked for order and cross-talk, {len(toolbox.mutations)} changes"
    )


async def test_decisions_racing_on_several_approvals_accept_exactly_one_each(
    start_server: ServerFactory,
) -> None:
    toolbox = _toolbox(APPROVALS)
    server = start_server([], toolbox=toolbox, model=PerTaskModel.create())
    rng = random.Random(7)
    async with _many(server, DECISIONS + 10) as client:
        waiting = await asyncio.gather(*(_to_approval(client, f"scale web-{i}") for i in range(APPROVALS)))
        pendings = [events[-1].data for _, _, events in waiting]
        sends: list[tuple[int, dict[str, Any], bool]] = []  # (thread, body, is its own approval)
        for index in range(DECISIONS):
            thread = index % APPROVALS
            if index % 10 >= 8:  # another thread's approval, sent here: must never be taken
                other = (thread + 1 + rng.randrange(APPROVALS - 1)) % APPROVALS
                sends.append((thread, _decision(pendings[other], "approve"), False))
            else:
                sends.append((thread, _decision(pendings[thread], rng.choice(("approve", "reject"))), True))
        rng.shuffle(sends)
        responses = await asyncio.gather(
            *(client.post(f"/threads/{waiting[t][0]}/decision", json=body) for t, body, _ in sends)
        )
        winners: dict[int, tuple[str, str]] = {}
        for (thread, body, own), response in zip(sends, responses, strict=True):
            assert response.status_code in (202, 409), response.text
            if response.status_code == 202:
                assert own, "a decision for another thread's approval was accepted"
                assert thread not in winners, "two decisions on one approval were accepted"
                winners[thread] = (body["action"], response.json()["run_id"])
            else:
                assert response.json()["error"] == "conflict"
        assert sorted(winners) == list(range(APPROVALS))
        finals = await asyncio.gather(
            *(read_events(client, waiting[t][0], run_id=run_id) for t, (_, run_id) in winners.items())
        )
    assert all(events[-1].event == "run_completed" for events in finals)
    approved = sorted(f"deployment/web-{t}" for t, (action, _) in winners.items() if action == "approve")
    assert sorted(m[3] for m in toolbox.mutations) == approved
    database = connect(database_url(server.settings))
    try:
        audits = [await AuditLog(database).for_thread(thread_id) for thread_id, _, _ in waiting]
    finally:
        await database.close()
    decided = [[entry for entry in entries if entry.kind != "mutation"] for entries in audits]
    assert [sum(entry.outcome == "accepted" for entry in entries) for entries in decided] == [1] * APPROVALS
    assert sum(len(entries) for entries in decided) == DECISIONS
    codes = Counter(response.status_code for response in responses)
    actions = Counter(action for action, _ in winners.values())
    note(
        f"decisions: {DECISIONS} at once over {APPROVALS} approvals: {codes[202]} accepted "
        f"({actions['approve']} approve, {actions['reject']} reject), {codes[409]} refused with 409 "
        f"({sum(not own for _, _, own in sends)} sent to the wrong thread)"
    )
