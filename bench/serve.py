"""The server of ``bench.server_stream``, in a process of its own.

A client and a server that share one interpreter share one GIL: every millisecond the
100 SSE readers spend parsing is a millisecond the server does not serve, so the HTTP
figures measured in one process are the client's cost as much as the server's. The
benchmark therefore starts this module as a child process (``python -m bench.serve``): the
real app, a scripted model, the in-memory toolbox, on a free loopback port that it prints
as ``PORT <n>``. Two routes exist only here, for the benchmark to observe the server from
outside without timing anything it should not:

- ``POST /bench/append`` appends ``count`` events to a thread's event log, one every
  ``interval_s``, each stamped with the monotonic clock at its append (Linux's
  ``CLOCK_MONOTONIC`` is the same in every process, so the client subtracts it from its own
  clock to get the delivery latency);
- ``GET /bench/executed`` lists when the toolbox's ``execute`` (the first mutating call of a
  decision) was entered, on the same clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import time
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import Depends, FastAPI
from pydantic import BaseModel

from binks.server.app import create_app
from binks.server.deps import ServicesDep, require_key
from binks.settings import load_settings
from binks.tools.models import ChangeResult, ProposedChange
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.toolbox import FakeToolbox
from tests.server.conftest import API_KEY
from tests.server.process import ServerProcess

KEY = API_KEY


class TimedToolbox(FakeToolbox):
    """The fake toolbox, noting when each execute (the first mutating request) starts."""

    def __init__(self) -> None:
        super().__init__()
        self.executed_at: list[float] = []

    async def execute(self, change: ProposedChange) -> ChangeResult:
        """Note the time, then execute as the fake does."""
        self.executed_at.append(time.monotonic())
        return await super().execute(change)


class AppendRequest(BaseModel):
    """What ``POST /bench/append`` appends."""

    thread_id: str
    count: int
    interval_s: float


def bench_app(state_dir: Path, script: list[dict[str, Any]]) -> FastAPI:
    """The real app plus the benchmark's two routes (the API key comes from ``BINKS_API_KEY``)."""
    state_dir.mkdir(parents=True, exist_ok=True)
    settings = load_settings(env_file=None, state_dir=state_dir)
    toolbox = TimedToolbox()
    app = create_app(settings, model=ScriptedChatModel.from_script(script), toolbox=toolbox)
    producers: set[asyncio.Task[None]] = set()

    async def produce(services: Any, request: AppendRequest) -> None:
        for index in range(request.count):
            data = {"i": index, "t": time.monotonic()}
            await services.events.append(request.thread_id, "message", data)
            await asyncio.sleep(request.interval_s)

    @app.post("/bench/append", dependencies=[Depends(require_key)])
    async def append(request: AppendRequest, services: ServicesDep) -> dict[str, int]:
        task = asyncio.get_running_loop().create_task(produce(services, request))
        producers.add(task)
        task.add_done_callback(producers.discard)
        return {"last_seq": await services.events.last_seq(request.thread_id)}

    @app.get("/bench/executed", dependencies=[Depends(require_key)])
    async def executed() -> list[float]:
        return list(toolbox.executed_at)

    return app


def main() -> None:
    """Serve :func:`bench_app` on a free loopback port until SIGTERM (``tests.server.process``)."""
    parser = argparse.ArgumentParser(prog="python -m bench.serve")
    parser.add_argument("--state-dir", required=True, type=Path)
    parser.add_argument("--script", required=True, type=Path, help="JSON list of model answers")
    args = parser.parse_args()
    app = bench_app(args.state_dir, json.loads(args.script.read_text(encoding="utf-8")))
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
    # and without it every response waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on")).run(sockets=[sock])


def start(state_dir: Path, script: list[dict[str, Any]]) -> ServerProcess:
    """:func:`main` in a child process, started and answering."""
    return ServerProcess(state_dir, script, module="bench.serve").start()


if __name__ == "__main__":
    main()
