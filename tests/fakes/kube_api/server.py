"""Serve a :class:`ServerState` with uvicorn on a free loopback port in a background thread."""

from __future__ import annotations

import socket
import threading

import uvicorn

from tests.fakes.kube_api.app import build_app
from tests.fakes.kube_api.state import ServerState


class _Server(uvicorn.Server):
    """A uvicorn server that tells another thread when it is accepting connections."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


class ServerThread:
    """Owns the listening socket, the uvicorn server and its thread."""

    def __init__(self, state: ServerState, port: int = 0) -> None:
        self.state = state
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port = int(self._socket.getsockname()[1])
        state.address = f"127.0.0.1:{self.port}"
        config = uvicorn.Config(
            build_app(state),
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name="fake-kube-api", daemon=True
        )

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start serving; returns once the server accepts connections."""
        self._thread.start()
        if not self._server.ready.wait(timeout=15):
            raise RuntimeError("the fake Kubernetes API server did not start within 15 s")

    def stop(self) -> None:
        """Stop serving (open watches end) and wait for the thread."""
        self.state.store.clear()
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (``python -m``)."""
        self._server.run(sockets=[self._socket])
