"""One SQLite process, one PostgreSQL replica, three PostgreSQL replicas: the same load on each.

Run: ``.venv/bin/python -m bench.replicas [--under-load [N]]`` (needs ``scripts/install dev``
for the embedded PostgreSQL server). Each configuration runs real ``binks serve`` processes
(``tests.fakes.serve``: the real app, a model that answers from each thread's task, the
in-memory toolbox) and 50 threads at once, each a whole cycle: task, read, plan, approval,
decision, change, answer. With three replicas the threads start round-robin and each
decision goes to another replica than the one that ran the thread, so every decision and
every event crosses replicas. Printed per configuration: cycles per second and the
``POST /decision`` latency (p50, p99), with the ratio against one SQLite process measured
in the same run, and the machine's load.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.load import busy, load_text, parser, ratio_line
from tests.fakes.postgres import start as start_postgres
from tests.server.process import ServerProcess
from tests.server.sse import read_events

THREADS = 50


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def cycle(clients: list[httpx.AsyncClient], index: int, decisions: list[float]) -> None:
    """Start a thread on one replica, decide on the next, follow it to its answer."""
    home, other = clients[index % len(clients)], clients[(index + 1) % len(clients)]
    started = await home.post("/threads", json={"task": f"scale web-{index} to 3"})
    started.raise_for_status()
    thread_id = started.json()["thread_id"]
    pending = (await read_events(home, thread_id))[-1]
    assert pending.event == "approval_required", pending
    body = {k: pending.data[k] for k in ("interrupt_id", "plan_hash")} | {"action": "approve"}
    began = time.perf_counter()
    decided = await other.post(f"/threads/{thread_id}/decision", json=body)
    decisions.append(time.perf_counter() - began)
    decided.raise_for_status()
    final = await read_events(other, thread_id, run_id=decided.json()["run_id"])
    assert final[-1].event == "run_completed", final[-1]


async def measure(urls: list[str]) -> tuple[float, list[float]]:
    limits = httpx.Limits(max_connections=4 * THREADS, max_keepalive_connections=4 * THREADS)
    headers = {"X-API-Key": "test-key-0123456789abcdef"}
    clients = [httpx.AsyncClient(base_url=u, headers=headers, timeout=300, limits=limits) for u in urls]
    decisions: list[float] = []
    try:
        await asyncio.gather(*(cycle(clients, THREADS + i, []) for i in range(len(urls))))  # warm up
        began = time.perf_counter()
        await asyncio.gather(*(cycle(clients, i, decisions) for i in range(THREADS)))
        elapsed = time.perf_counter() - began
    finally:
        for client in clients:
            await client.aclose()
    return THREADS / elapsed, decisions


def replicas(root: Path, count: int, database_url: str | None) -> list[ServerProcess]:
    servers = []
    for index in range(count):
        env = {"BINKS_REPLICA_ID": f"bench-{index}"}
        if database_url is not None:
            env["BINKS_DATABASE_URL"] = database_url
        args = ["--per-task", "shop", "--deployments", str(THREADS + 5)]
        servers.append(ServerProcess(root / f"r{index}", [], env=env, args=args))
    for server in servers:
        server.start()
    return servers


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    print(f"before: {load_text()}; busy processes: {args.under_load}")
    postgres = start_postgres()
    if postgres.url is None:
        raise SystemExit(f"PostgreSQL did not start: {postgres.reason}")
    configurations = [
        ("1 SQLite process", 1, None),
        ("1 PostgreSQL replica", 1, "pg"),
        ("3 PostgreSQL replicas", 3, "pg"),
    ]
    results: list[tuple[str, float, list[float], str]] = []
    try:
        with busy(args.under_load), tempfile.TemporaryDirectory() as tmp:
            for name, count, backend in configurations:
                url = postgres.database() if backend else None
                servers = replicas(Path(tmp) / name.replace(" ", "-"), count, url)
                try:
                    rate, decisions = asyncio.run(measure([s.url for s in servers]))
                finally:
                    for server in servers:
                        server.terminate()
                results.append((name, rate, decisions, load_text()))
    finally:
        postgres.stop()
    base_rate, base_decisions = results[0][1], results[0][2]
    print(f"{THREADS} threads at once, each: task, read, approval, decision, change, answer")
    for name, rate, decisions, load in results:
        print(name)
        print(ratio_line("cycles per second", rate, "runs/s", base_rate, load))
        print(
            ratio_line(
                "POST /decision p50",
                statistics.median(decisions) * 1000,
                "ms",
                statistics.median(base_decisions) * 1000,
            )
        )
        print(
            ratio_line(
                "POST /decision p99", pct(decisions, 0.99) * 1000, "ms", pct(base_decisions, 0.99) * 1000
            )
        )


if __name__ == "__main__":
    main()
