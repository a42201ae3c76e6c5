"""Several replicas, one truth: three ``binks serve`` processes on one PostgreSQL database.

Each replica is a real server process (``tests.fakes.serve``) with the real tools against the
in-memory API server and a model that answers every thread from its own task, so any
replica can continue any thread. The replicas start together on a fresh database (they
migrate it once). Then:

- fifty decisions on five approvals, each sent to a random replica, approve and reject
  racing, some naming another thread's approval: exactly one is accepted per approval,
  each approved change reaches the cluster once, the audit log holds one accepted decision
  per thread and ``binks audit verify`` passes;
- the replica that owns the runs is SIGKILLed with a thread at each of execute's kill points
  (as ``test_crash``); another replica interrupts them once their leases expire, they are
  resumed (or decided) there, and every change lands exactly once and is audited once;
- a hundred event streams spread over the replicas follow a run on one of them, some
  joining late with ``Last-Event-ID``: each sees exactly the thread's event log, in order.

Nothing waits on the clock for an assertion: waits poll for a condition, with generous
timeouts. Only the kill test has short leases (a few seconds, so that the takeover happens in
the test); elsewhere they are long, so a replica that a busy machine stalls keeps its runs.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import connect
from binks.checkpoints.events import events_table
from binks.cli import main
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.fakes.postgres import SessionPostgres
from tests.fakes.postgres_plugin import postgres_database
from tests.reliability.figures import note
from tests.reliability.test_crash import POINTS, Victim, _arm, _decide, _finish
from tests.server.process import ServerProcess
from tests.server.sse import Event, read_events
from tests.timing import eventually, generous

pytestmark = pytest.mark.slow

REPLICAS = 3
SHORT_LEASE_S = generous(4.0)
"""The kill test's lease: a live replica renews every third of it (a stall of 2.7 s would lose it)."""
LONG_LEASE_S = generous(120.0)
"""Every other test's: no replica takes over a live one's run however busy the machine is."""
APPROVALS = 5
DECISIONS = 50
SUBSCRIBERS = 100


class Cluster:
    """Replicas of one Binks on one database, and what the tests need to reach them."""

    def __init__(self, root: Path, url: str, kube_api: KubeApi) -> None:
        self.lease_s = LONG_LEASE_S
        self.root = root
        self.url = url
        self.kube_api = kube_api
        self.replicas: list[ServerProcess] = []

    def replica(self, index: int, script: list[dict[str, Any]] | None = None) -> ServerProcess:
        env = {
            "BINKS_DATABASE_URL": self.url,
            "BINKS_REPLICA_ID": f"r{index}",
            "BINKS_LEASE_S": str(self.lease_s),
        }
        args = [] if script is not None else ["--per-task", "default"]
        return ServerProcess(
            self.root / f"r{index}", script or [], kubeconfig=self.kube_api.kubeconfig, env=env, args=args
        )

    async def start(self, count: int, script: list[dict[str, Any]] | None = None) -> list[ServerProcess]:
        """Start ``count`` replicas at the same moment (they migrate the database once)."""
        fresh = [self.replica(len(self.replicas) + i, script) for i in range(count)]
        self.replicas += fresh
        await asyncio.gather(*(asyncio.to_thread(replica.start) for replica in fresh))
        return fresh

    def stop(self) -> None:
        for replica in self.replicas:
            replica.stop()


@pytest.fixture
def cluster(tmp_path: Path, kube_api: KubeApi, postgres: SessionPostgres) -> Iterator[Cluster]:
    found = Cluster(tmp_path, postgres_database(postgres), kube_api)
    yield found
    found.stop()


def _body(pending: dict[str, Any], action: str) -> dict[str, Any]:
    return {"interrupt_id": pending["interrupt_id"], "plan_hash": pending["plan_hash"], "action": action}


async def _to_approval(client: httpx.AsyncClient, name: str) -> tuple[str, dict[str, Any]]:
    started = await client.post("/threads", json={"task": f"scale {name} to 3"})
    assert started.status_code == 201, started.text
    thread_id = started.json()["thread_id"]
    events = await read_events(client, thread_id)
    assert events[-1].event == "approval_required", events
    return thread_id, events[-1].data


async def _logged(url: str, thread_id: str) -> list[Event]:
    database = connect(url)
    try:
        query = (
            select(events_table.c.seq, events_table.c.event, events_table.c.data)
            .where(events_table.c.thread_id == thread_id)
            .order_by(events_table.c.seq)
        )
        rows = await database.read(lambda c: c.execute(query).all())
    finally:
        await database.close()
    return [Event(seq, name, json.loads(data)) for seq, name, data in rows]


async def _audits(url: str) -> tuple[list[Any], bool]:
    database = connect(url)
    try:
        log = AuditLog(database)
        return await log.entries(), (await log.verify()).ok
    finally:
        await database.close()


def _scales(kube_api: KubeApi) -> Counter[str]:
    return Counter(
        str(r.name) for r in kube_api.mutations() if r.method == "PATCH" and r.subresource == "scale"
    )


async def test_decisions_racing_over_replicas_are_accepted_once_each(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [f"web-{i}" for i in range(APPROVALS)]
    for name in names:
        cluster.kube_api.apply(deployment(name, replicas=1))
    replicas = await cluster.start(REPLICAS)
    clients = [replica.client() for replica in replicas]
    rng = random.Random(17)
    try:
        waiting = await asyncio.gather(*(_to_approval(clients[i % REPLICAS], n) for i, n in enumerate(names)))
        sends: list[tuple[int, dict[str, Any], bool]] = []  # (thread, body, is its own approval)
        for index in range(DECISIONS):
            thread = index % APPROVALS
            if index % 10 >= 8:  # another thread's approval, sent here: must never be taken
                other = (thread + 1 + rng.randrange(APPROVALS - 1)) % APPROVALS
                sends.append((thread, _body(waiting[other][1], "approve"), False))
            else:
                sends.append((thread, _body(waiting[thread][1], rng.choice(("approve", "reject"))), True))
        rng.shuffle(sends)
        responses = await asyncio.gather(
            *(
                clients[rng.randrange(REPLICAS)].post(f"/threads/{waiting[t][0]}/decision", json=body)
                for t, body, _ in sends
            )
        )
        winners: dict[int, tuple[str, str]] = {}
        for (thread, body, own), response in zip(sends, responses, strict=True):
            assert response.status_code in (202, 409), response.text
            if response.status_code == 202:
                assert own, "a decision for another thread's approval was accepted"
                assert thread not in winners, "two decisions on one approval were accepted"
                winners[thread] = (body["action"], response.json()["run_id"])
        assert sorted(winners) == list(range(APPROVALS))
        finals = await asyncio.gather(
            *(
                read_events(clients[t % REPLICAS], waiting[t][0], run_id=run)
                for t, (_, run) in winners.items()
            )
        )
    finally:
        for client in clients:
            await client.aclose()
    assert all(events[-1].event == "run_completed" for events in finals)
    approved = {names[t] for t, (action, _) in winners.items() if action == "approve"}
    assert _scales(cluster.kube_api) == Counter(approved)
    entries, intact = await _audits(cluster.url)
    decided = [e for e in entries if e.kind == "decision"]
    assert Counter(e.thread_id for e in decided if e.outcome == "accepted") == Counter(t for t, _ in waiting)
    assert len(decided) == DECISIONS
    assert sum(e.kind == "mutation" for e in entries) == len(approved)
    assert intact
    monkeypatch.setenv("BINKS_DATABASE_URL", cluster.url)
    assert await asyncio.to_thread(main, ["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    codes = Counter(response.status_code for response in responses)
    note(
        f"replicas: {DECISIONS} decisions over {APPROVALS} approvals spread over {REPLICAS} PostgreSQL "
        f"replicas: {codes[202]} accepted, {codes[409]} refused; {len(approved)} changes, each once; "
        f"audit chain of {len(entries)} entries intact"
    )


async def _settled(client: httpx.AsyncClient, victims: list[Victim]) -> bool:
    for victim in victims:
        status = (await client.get(f"/threads/{victim.thread_id}")).json()["status"]
        if status == "running":
            return False
    return True


async def test_killing_the_owning_replica_at_each_kill_point_repeats_nothing(cluster: Cluster) -> None:
    rounds = 2
    victims_by_round = [
        [Victim(f"web-{r}{i}", point) for i, point in enumerate(POINTS)] for r in range(rounds)
    ]
    for victim in (v for round_ in victims_by_round for v in round_):
        cluster.kube_api.apply(deployment(victim.name, replicas=1))
    cluster.lease_s = SHORT_LEASE_S  # the survivor takes over once the killed owner's leases expire
    replicas = await cluster.start(REPLICAS)
    tally: Counter[str] = Counter()
    for round_no, victims in enumerate(victims_by_round):
        owner, survivor = replicas[round_no], replicas[round_no + 1]
        async with owner.client() as client:
            for victim in victims:
                victim.thread_id, victim.pending = await _to_approval(client, victim.name)
            for victim in victims:
                _arm(cluster.kube_api, victim)
            for victim in victims:
                if victim.point != "awaiting_approval":
                    await _decide(client, victim)  # the run goes on on the owner
            for victim in victims:
                if victim.hold is not None:
                    await eventually(victim.hold.reached.is_set, f"{victim.name} to reach {victim.point}", 60)
        owner.kill(group=round_no % 2 == 1)
        for victim in victims:
            if victim.hold is not None:
                victim.hold.release()
        async with survivor.client() as client:
            # The survivor interrupts the dead owner's runs once their leases expire.
            deadline = asyncio.get_running_loop().time() + generous(120)
            while not await _settled(client, victims):
                assert asyncio.get_running_loop().time() < deadline, "the dead replica's runs stay running"
                await asyncio.sleep(0.2)
            for victim in victims:
                assert await _finish(client, victim, tally) == "completed", survivor.log()
    everyone = [v for round_ in victims_by_round for v in round_]
    scales = _scales(cluster.kube_api)
    assert {v.name: scales[v.name] for v in everyone} == {v.name: 1 for v in everyone}
    for victim in everyone:
        assert cluster.kube_api.get("deployments", victim.name)["spec"]["replicas"] == 3  # type: ignore[index]
    entries, intact = await _audits(cluster.url)
    mutations = Counter(e.thread_id for e in entries if e.kind == "mutation")
    assert {v.thread_id: mutations[v.thread_id] for v in everyone} == {v.thread_id: 1 for v in everyone}
    assert intact
    note(
        f"replica kills: {rounds} owning replicas SIGKILLed with {len(everyone)} threads at the kill points "
        f"({', '.join(POINTS)}); resumed on another replica: {tally['resumed']} resumes, "
        f"{tally['decided after restart']} decisions, {tally['found applied on resume']} found applied; "
        f"{sum(scales.values())} scale requests for {len(everyone)} changes, each audited once"
    )


def _read(command: str) -> dict[str, Any]:
    return {"name": "run_kubectl", "args": {"command": command}}


def _paced(steps: int) -> list[dict[str, Any]]:
    # distinct reads: an identical successful read is answered from its first result, not run again
    looks = [
        {
            "sleep": 0.02,
            "content": f"look {i}",
            # a long request timeout (distinct per read) that a busy machine cannot reach
            "tool_calls": [_read(f"kubectl -n default get deployments --request-timeout={300 + i}s")],
        }
        for i in range(steps)
    ]
    return [*looks, {"content": "all looked at"}]


async def test_hundred_streams_over_replicas_follow_one_run_in_order(cluster: Cluster) -> None:
    steps = 30
    replicas = await cluster.start(REPLICAS, script=_paced(steps))
    limits = httpx.Limits(max_connections=SUBSCRIBERS + 10, max_keepalive_connections=SUBSCRIBERS + 10)
    clients = [
        httpx.AsyncClient(base_url=r.url, headers=r.client().headers, timeout=generous(120), limits=limits)
        for r in replicas
    ]
    try:
        started = await clients[0].post("/threads", json={"task": "look many times"})
        assert started.status_code == 201, started.text
        thread_id = started.json()["thread_id"]
        early = SUBSCRIBERS // 2
        readers = [
            asyncio.create_task(
                read_events(clients[i % REPLICAS], thread_id, until=frozenset({"run_completed"}))
            )
            for i in range(early)
        ]
        seen_some = await read_events(clients[1], thread_id, count=5)
        late_from = seen_some[-1].seq
        assert late_from is not None
        late = [
            asyncio.create_task(
                read_events(
                    clients[i % REPLICAS],
                    thread_id,
                    last_event_id=late_from,
                    until=frozenset({"run_completed"}),
                )
            )
            for i in range(SUBSCRIBERS - early)
        ]
        streams = await asyncio.wait_for(asyncio.gather(*readers), generous(300))
        joined = await asyncio.wait_for(asyncio.gather(*late), generous(300))
    finally:
        for client in clients:
            await client.aclose()
    logged = await _logged(cluster.url, thread_id)
    assert logged[-1].event == "run_completed" and len(logged) > 2 * steps
    assert all(stream == logged for stream in streams)
    assert all(stream == [e for e in logged if e.seq is not None and e.seq > late_from] for stream in joined)
    note(
        f"replica streams: {SUBSCRIBERS} streams over {REPLICAS} replicas ({SUBSCRIBERS - early} joining "
        f"with Last-Event-ID {late_from}) followed a run on replica r0: {len(logged)} events each, in order"
    )


async def test_a_cancel_sent_to_another_replica_stops_the_run_where_it_runs(cluster: Cluster) -> None:
    """``POST /cancel`` on a replica that does not run the thread reaches the one that does.

    The run sits in a model call far longer than the cancel's grace period, so it can only
    end because the owning replica got the request (PostgreSQL ``NOTIFY``) and stopped it.
    """
    owner, other = await cluster.start(2, script=[{"sleep": 600, "content": "too late"}])
    async with owner.client() as on_owner, other.client() as on_other:
        started = await on_owner.post("/threads", json={"task": "think for a long time"})
        assert started.status_code == 201, started.text
        thread_id, run_id = started.json()["thread_id"], started.json()["run_id"]
        assert (await on_other.get(f"/threads/{thread_id}")).json()["status"] == "running"
        on_other.timeout = httpx.Timeout(120)
        cancelled = await on_other.post(f"/threads/{thread_id}/cancel")
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json() == {"thread_id": thread_id, "run_id": run_id, "status": "cancelled"}
        for client in (on_owner, on_other):
            assert (await client.get(f"/threads/{thread_id}")).json()["status"] == "cancelled"
    logged = await _logged(cluster.url, thread_id)
    assert [e.event for e in logged] == ["run_started", "run_cancelled"]
    assert logged[-1].data["run_id"] == run_id
    entries, chain_ok = await _audits(cluster.url)
    assert chain_ok
    assert [(e.thread_id, e.action, e.outcome) for e in entries] == [(thread_id, "cancel", "accepted")]
