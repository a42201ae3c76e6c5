"""Run worker scripts the way a pod does, and serve them stub HTTP endpoints on loopback.

Scripts run as subprocesses with ``python -E -S``: no site-packages and no ``PYTHONPATH``, so a
worker that imports anything outside the standard library fails here exactly as it would on
a stock ``python:3.12-slim`` image.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "manifests"
AGENTS = MANIFESTS / "agents"
RESULT_PREFIX = "BINKS_RESULT "


@dataclass
class WorkerRun:
    """What a worker process left behind: exit code, output and the parsed result line."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def result(self) -> dict[str, Any]:
        """The ``BINKS_RESULT`` object; fails the test unless it is the last stdout line."""
        lines = self.stdout.strip().splitlines()
        assert lines, f"no output at all; stderr:\n{self.stderr}"
        last = lines[-1]
        assert last.startswith(RESULT_PREFIX), f"last line is not a result: {last!r}\nstderr:\n{self.stderr}"
        parsed = json.loads(last[len(RESULT_PREFIX) :])
        assert isinstance(parsed, dict)
        return parsed


def run_script(
    script: Path, env: Mapping[str, str], *, task: Mapping[str, Any] | None = None, timeout: float = 30
) -> WorkerRun:
    """Run ``script`` with exactly ``env`` (plus ``BINKS_TASK`` from ``task``)."""
    full_env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", **env}
    if task is not None:
        full_env["BINKS_TASK"] = json.dumps(task)
    completed = subprocess.run(
        [sys.executable, "-E", "-S", str(script)],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return WorkerRun(completed.returncode, completed.stdout, completed.stderr)


@dataclass
class Request:
    """One request a stub server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


Reply = tuple[int, str, bytes]
Handler = Callable[[Request], Reply]


@dataclass
class StubServer:
    """A tiny HTTP server on 127.0.0.1: routes ``(method, path)`` to handlers, logs requests."""

    routes: dict[tuple[str, str], Handler]
    requests: list[Request] = field(default_factory=list)
    url: str = ""


def json_reply(payload: Any, status: int = 200) -> Reply:
    """A JSON response."""
    return status, "application/json", json.dumps(payload).encode()


def text_reply(text: str, status: int = 200) -> Reply:
    """A plain text response."""
    return status, "text/plain", text.encode()


@contextmanager
def stub_server(routes: dict[tuple[str, str], Handler]) -> Iterator[StubServer]:
    """Serve ``routes`` on a free loopback port for the duration of the block."""
    stub = StubServer(routes)

    class _Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
            stub.requests.append(request)
            handler = stub.routes.get((self.command, self.path.split("?", 1)[0]))
            status, content_type, body = handler(request) if handler else text_reply("not found", 404)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def closed_port_url() -> str:
    """A loopback URL nothing listens on (the port was just bound and released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
