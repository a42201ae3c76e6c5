"""A real uvicorn serving an app on a free loopback port, in a thread of its own.

SSE must be tested over a socket: httpx's in-process ASGI transport buffers streams. The
server runs its own event loop in a thread, like a separate process would, and stops the
way a SIGTERM stops it (sse-starlette's process-global exit flag, reset afterwards).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI
from sse_starlette.sse import AppStatus

from tests.timing import generous

T = TypeVar("T")


class LiveServer:
    """``with LiveServer(app) as server: server.url``."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> LiveServer:
        # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP,
        # and without it every response waits ~40 ms for the client's delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="on", timeout_graceful_shutdown=int(generous(30))
        )
        self._server = server = uvicorn.Server(config)

        async def serve_here() -> None:
            self.loop = asyncio.get_running_loop()
            await server.serve(sockets=[sock])

        def serve() -> None:
            try:
                asyncio.run(serve_here())
            except BaseException as exc:  # pragma: no cover - surfaced by the wait below
                self.error = exc

        AppStatus.should_exit = False
        self._thread = threading.Thread(target=serve, name=f"uvicorn-{port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + generous(30)
        while not server.started:
            if self.error is not None or not self._thread.is_alive():
                raise RuntimeError(f"the test server did not start: {self.error!r}")
            if time.monotonic() > deadline:
                raise TimeoutError("the test server did not start in time")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        """Stop like SIGTERM: streams get their final event, the lifespan drains runs."""
        if self._server is None or self._thread is None:
            return
        AppStatus.should_exit = True
        self._server.should_exit = True
        self._thread.join(generous(60))
        AppStatus.should_exit = False
        alive = self._thread.is_alive()
        self._server = None
        if alive:  # pragma: no cover - a hang is a bug worth a loud failure
            raise RuntimeError("the test server did not stop in time")

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's event loop (benchmarks inject events this way)."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(generous(60))

    def __exit__(self, *_exc: Any) -> None:
        self.stop()
