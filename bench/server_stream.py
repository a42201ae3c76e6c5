"""How the HTTP server holds up: SSE fan-out, concurrent threads, decision latency.

Run: ``.venv/bin/python -m bench.server_stream [--under-load [N]]``. Each figure comes with a
baseline measured in the same run without HTTP, so the ratio shows what the server adds:

1. **Fan-out**: 100 SSE subscribers on one thread while the server appends 200 events,
   one every 5 ms; delivery latency (append → the client's socket has it) p50/p99.
   Baseline: 100 in-process followers of the same event log.
2. **Concurrent threads**: 50 ``POST /invoke`` at once (scripted model, one model turn
   each), three rounds, each from bare sockets (the figure) and through httpx; throughput
   and errors. Baseline: 50 concurrent ``ainvoke`` of the
   same Binks graph on the same kind of database, without the server (no HTTP, no events,
   no thread index).
3. **Decision → first mutation**: ``POST /decision`` until the toolbox's ``execute`` is
   entered. Baseline: resuming the same graph with the same decision, in process.

Each baseline runs right before its figure, and each figure prints the load average
measured when it was taken.

The server is the real app in a child process (:mod:`bench.serve`: a real uvicorn on a
loopback socket, scripted model, in-memory toolbox), as a TUI, a CLI or a script would meet
it; the clients run here. The baselines run here too, in one process with no HTTP.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from langchain_core.messages import HumanMessage
from pydantic import SecretStr

from bench import serve
from bench.load import busy, load_text, parser, ratio_line
from bench.serve import KEY, TimedToolbox
from binks.checkpoints.db import connect
from binks.checkpoints.events import EventLog
from binks.checkpoints.intents import IntentLog
from binks.checkpoints.saver import open_checkpointer
from binks.checkpoints.schema import prepare_database
from binks.graph.approval import pending_approval, resume_command
from binks.graph.builder import build_graph
from binks.graph.decision import Decision
from binks.settings import Settings
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.toolbox import FakeToolbox

SUBSCRIBERS = 100
EVENTS = 200
INTERVAL_S = 0.005
THREADS = 50
ROUNDS = 3
DECISIONS = 20


def scale(replicas: int) -> dict[str, Any]:
    """A model turn that scales web to ``replicas``."""
    command = f"kubectl -n shop scale deploy/web --replicas={replicas}"
    return {"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]}


def decisions_script() -> list[dict[str, Any]]:
    """The decision turns: replicas alternate 2 and 3, so every change changes something.

    A change whose dry-run changes nothing goes back to the model, not to a person.
    """
    script: list[dict[str, Any]] = []
    for index in range(DECISIONS):
        script += [scale(2 + index % 2), {"content": "done"}]
    return script


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def settings_in(path: Path) -> Settings:
    path.mkdir(parents=True, exist_ok=True)
    return Settings(_env_file=None, state_dir=path, api_key=SecretStr(KEY))


def line(name: str, value: float, unit: str, base: float | None = None, load: str | None = None) -> None:
    print(ratio_line(name, value, unit, base, load))


# --- 1. fan-out ------------------------------------------------------------------------
async def _produce(append: Callable[[int], Awaitable[None]]) -> None:
    for i in range(EVENTS):
        await append(i)
        await asyncio.sleep(INTERVAL_S)


async def fanout_baseline(path: Path) -> list[float]:
    path.mkdir(parents=True, exist_ok=True)
    engine = connect(f"sqlite:///{path / 'fanout.db'}")
    await prepare_database(engine)
    log = EventLog(engine)
    latencies: list[float] = []

    async def follower() -> None:
        subscription = log.subscribe("t")
        count = 0
        async for stored in log.follow(subscription, 0):
            latencies.append(time.monotonic() - stored.data["t"])
            count += 1
            if count == EVENTS:
                break
        log.unsubscribe(subscription)

    followers = [asyncio.create_task(follower()) for _ in range(SUBSCRIBERS)]
    await asyncio.sleep(0.2)
    await _produce(lambda i: _append(log, i))
    await asyncio.gather(*followers)
    await engine.close()
    return latencies


async def _append(log: EventLog, i: int) -> None:
    await log.append("t", "message", {"i": i, "t": time.monotonic()})


async def fanout_http(url: str, client: httpx.AsyncClient) -> list[float]:
    """100 SSE readers of one thread while the server appends to it (``POST /bench/append``).

    Each reader is a bare socket that notes when bytes arrive and picks the ``data:`` lines
    out of them (HTTP chunk-size lines never start so): a full HTTP client spends more CPU
    parsing 20,000 events than the server spends sending them, and on a busy machine that
    would be what the figure measured.
    """
    host, port = url.removeprefix("http://").split(":")
    thread_id = (await client.post("/invoke", json={"task": "hello"})).json()["thread_id"]
    base = (await client.get(f"/threads/{thread_id}")).json()["last_event_seq"]
    latencies: list[float] = []
    ready = 0

    async def subscriber() -> None:
        nonlocal ready
        reader, writer = await asyncio.open_connection(host, port)
        path = f"/threads/{thread_id}/events?after={base}"
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {KEY}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        ready += 1
        count, pending = 0, b""
        while count < EVENTS:
            chunk = await reader.read(1 << 16)
            # Stamped when the bytes arrive: parsing them is the client's cost, not the server's.
            arrived = time.monotonic()
            assert chunk, "the server closed the stream"
            lines = (pending + chunk).split(b"\r\n")
            pending = lines.pop()
            for line in lines:
                if line.startswith(b"data: "):
                    latencies.append(arrived - json.loads(line[6:])["t"])
                    count += 1
        writer.close()

    tasks = [asyncio.create_task(subscriber()) for _ in range(SUBSCRIBERS)]
    while ready < SUBSCRIBERS:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    body = {"thread_id": thread_id, "count": EVENTS, "interval_s": INTERVAL_S}
    (await client.post("/bench/append", json=body)).raise_for_status()
    await asyncio.gather(*tasks)
    return latencies


# --- 2. concurrent threads -------------------------------------------------------------
async def threads_baseline(path: Path) -> tuple[float, int]:
    settings = settings_in(path)
    engine = connect(f"sqlite:///{settings.database_path}")
    await prepare_database(engine)
    async with open_checkpointer(engine) as saver:
        model = ScriptedChatModel.from_script([{"content": f"answer {i}"} for i in range(THREADS)])
        graph = build_graph(
            model=model,
            toolbox=FakeToolbox(),
            settings=settings,
            checkpointer=saver,
            intents=IntentLog(engine),
        )

        async def one(i: int) -> None:
            config: Any = {"configurable": {"thread_id": f"b{i}"}}
            await graph.ainvoke({"messages": [HumanMessage(content="hi")]}, config)

        start = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(THREADS)), return_exceptions=True)
        elapsed = time.perf_counter() - start
        _show_failures(results)
    await engine.close()
    return THREADS / elapsed, sum(isinstance(r, BaseException) for r in results)


async def threads_http(client: httpx.AsyncClient) -> tuple[float, int, list[float]]:
    """50 ``POST /invoke`` at once through httpx, as Binks' own clients send them."""

    async def one() -> None:
        response = await client.post("/invoke", json={"task": "hi"})
        if response.status_code != 200 or response.json()["status"] != "completed":
            raise RuntimeError(response.text)

    return await _at_once(one)


async def threads_bare(url: str) -> tuple[float, int, list[float]]:
    """50 ``POST /invoke`` at once, each from a bare socket (a connection of its own).

    httpx spends about 3 ms of CPU on each request and its answer: on a busy machine a
    client process that slow is what limits the figure, not the server.
    """
    host, port = url.removeprefix("http://").split(":")
    body = json.dumps({"task": "hi"}).encode()
    head = f"POST /invoke HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {KEY}\r\nContent-Type: application/json\r\n"
    request = f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body

    async def one() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(request)
        status = await reader.readuntil(b"\r\n\r\n")
        headers = status.lower().split(b"\r\n")
        length = next(int(h.split(b":")[1]) for h in headers if h.startswith(b"content-length"))
        answer = json.loads(await reader.readexactly(length))
        writer.close()
        if not status.startswith(b"HTTP/1.1 200") or answer["status"] != "completed":
            raise RuntimeError(answer)

    return await _at_once(one)


async def _at_once(one: Callable[[], Awaitable[None]]) -> tuple[float, int, list[float]]:
    """Run ``THREADS`` of ``one`` at once: throughput, failures, each one's duration."""

    async def timed() -> float:
        started = time.perf_counter()
        await one()
        return time.perf_counter() - started

    start = time.perf_counter()
    results = await asyncio.gather(*(timed() for _ in range(THREADS)), return_exceptions=True)
    elapsed = time.perf_counter() - start
    durations = [r for r in results if isinstance(r, float)]
    _show_failures(results)
    return THREADS / elapsed, THREADS - len(durations), durations


def _show_failures(results: list[Any]) -> None:
    """Print each distinct failure once: a benchmark that fails must say why."""
    for failure in sorted({repr(r)[:300] for r in results if isinstance(r, BaseException)}):
        print(f"  failed: {failure}")


# --- 3. decision -> first mutation -----------------------------------------------------
async def decision_baseline(path: Path) -> list[float]:
    settings = settings_in(path)
    engine = connect(f"sqlite:///{settings.database_path}")
    await prepare_database(engine)
    toolbox = TimedToolbox()
    latencies = []
    async with open_checkpointer(engine) as saver:
        model = ScriptedChatModel.from_script(decisions_script())
        graph = build_graph(
            model=model, toolbox=toolbox, settings=settings, checkpointer=saver, intents=IntentLog(engine)
        )
        for i in range(DECISIONS):
            config: Any = {"configurable": {"thread_id": f"d{i}"}}
            await graph.ainvoke({"messages": [HumanMessage(content="scale")]}, config)
            pending = await pending_approval(graph, config)
            assert pending is not None
            decision = Decision(
                interrupt_id=pending.interrupt_id, plan_hash=pending.plan_hash, action="approve"
            )
            start = time.monotonic()
            await graph.ainvoke(resume_command(decision), config)
            latencies.append(toolbox.executed_at[-1] - start)
    await engine.close()
    return latencies


async def decision_http(client: httpx.AsyncClient) -> list[float]:
    latencies = []
    for _ in range(DECISIONS):
        body = (await client.post("/invoke", json={"task": "scale"})).json()
        before = len((await client.get("/bench/executed")).json())
        start = time.monotonic()
        decided = await client.post(body["how_to_decide"]["url"], json=body["how_to_decide"]["body"])
        assert decided.status_code == 202, decided.text
        async with aconnect_sse(client, "GET", f"/threads/{body['thread_id']}/events") as source:
            async for sse in source.aiter_sse():
                if sse.event in ("run_completed", "run_failed"):
                    break
        executed = (await client.get("/bench/executed")).json()
        latencies.append(executed[before] - start)
    return latencies


async def main_async() -> None:
    """Each figure's baseline runs right before it, so both meet the same machine."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"binks server bench: {SUBSCRIBERS} subscribers x {EVENTS} events, ", end="")
        print(f"{THREADS} threads x {ROUNDS} rounds, {DECISIONS} decisions")
        script: list[dict[str, Any]] = [{"content": "hello"}]
        script += [{"content": f"answer {i}"} for i in range(2 * THREADS * ROUNDS)]
        script += decisions_script()
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        server = serve.start(root / "srv", script)
        url = server.url
        try:
            async with httpx.AsyncClient(
                base_url=url, headers={"X-API-Key": KEY}, timeout=120, limits=limits
            ) as client:
                base_lat = await fanout_baseline(root / "b1")
                http_lat = await fanout_http(url, client)
                fanout_load = load_text()
                rates: list[tuple[float, float, float]] = []
                durations: list[float] = []
                errors = 0
                for index in range(ROUNDS):
                    base_rate, base_errors = await threads_baseline(root / f"b2-{index}")
                    bare_rate, bare_failed, taken = await threads_bare(url)
                    rate, failed, _taken = await threads_http(client)
                    rates.append((base_rate, bare_rate, rate))
                    durations += taken
                    errors += failed + bare_failed + base_errors
                threads_load = load_text()
                base_dec = await decision_baseline(root / "b3")
                dec = await decision_http(client)
                decision_load = load_text()
        finally:
            server.terminate()

        print("1. SSE fan-out (append -> delivered)")
        line("baseline in-process p50", pct(base_lat, 0.5) * 1000, "ms", load=fanout_load)
        line("baseline in-process p99", pct(base_lat, 0.99) * 1000, "ms", load=fanout_load)
        line("HTTP SSE p50", pct(http_lat, 0.5) * 1000, "ms", pct(base_lat, 0.5) * 1000, fanout_load)
        line("HTTP SSE p99", pct(http_lat, 0.99) * 1000, "ms", pct(base_lat, 0.99) * 1000, fanout_load)
        print(f"  events delivered: {len(http_lat)} of {SUBSCRIBERS * EVENTS}")
        print(f"2. {THREADS} concurrent threads, {ROUNDS} rounds (medians; ratio: median of the rounds')")
        base_rate = statistics.median(base for base, _, _ in rates)
        line("baseline bare graph throughput", base_rate, "runs/s", load=threads_load)
        ratio = statistics.median(bare / base for base, bare, _ in rates)
        line("HTTP /invoke throughput", base_rate * ratio, "runs/s", base_rate, threads_load)
        line("HTTP /invoke p50 latency", statistics.median(durations) * 1000, "ms", load=threads_load)
        ratio = statistics.median(rate / base for base, _, rate in rates)
        line("  the same through httpx", base_rate * ratio, "runs/s", base_rate, threads_load)
        print(f"  errors: {errors}; rounds (baseline, bare sockets, httpx runs/s): ", end="")
        print(", ".join(f"({base:.0f}, {bare:.0f}, {rate:.0f})" for base, bare, rate in rates))
        print("3. decision -> first mutating call")
        base_p50, p50 = statistics.median(base_dec) * 1000, statistics.median(dec) * 1000
        line("baseline graph resume p50", base_p50, "ms", load=decision_load)
        line("HTTP POST /decision p50", p50, "ms", base_p50, decision_load)
        line(
            "HTTP POST /decision p99", pct(dec, 0.99) * 1000, "ms", pct(base_dec, 0.99) * 1000, decision_load
        )


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    print(f"before: {load_text()}; busy processes: {args.under_load}")
    with busy(args.under_load):
        asyncio.run(main_async())


if __name__ == "__main__":
    main()
