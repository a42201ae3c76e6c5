"""A tiny fake Ollama HTTP server on a loopback port: /api/version, /api/tags, /api/show, /api/chat.

Enough for the capability check and for ChatOllama to get one scripted chat answer
(NDJSON when streaming), so tests exercise the real HTTP client code paths. A reply may
also fail the way a real server does mid-answer: ``{"content": "part", "error": "msg"}``
streams the content, then Ollama's error line; ``{"content": "part", "drop": true}``
streams the content and closes the connection without finishing.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeOllama:
    """What the fake server knows: its models, their capabilities, and chat replies."""

    models: dict[str, list[str]] = field(
        default_factory=lambda: {"qwen2.5-coder:7b": ["completion", "tools"]}
    )
    replies: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    chats: list[dict[str, Any]] = field(default_factory=list)
    """The bodies of the /api/chat requests (``stream``, ``tools``, ``messages``)."""
    url: str = ""


def _handler(fake: FakeOllama) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

        def _json(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")  # type: ignore[no-any-return]

        def do_GET(self) -> None:
            fake.requests.append(("GET", self.path))
            if self.path == "/api/version":
                self._json(200, {"version": "0.12.0"})
            elif self.path == "/api/tags":
                self._json(200, {"models": [{"name": name, "model": name} for name in fake.models]})
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            fake.requests.append(("POST", self.path))
            body = self._body()
            if self.path == "/api/show":
                name = body.get("model") or body.get("name")
                if name not in fake.models:
                    self._json(404, {"error": f"model '{name}' not found"})
                else:
                    self._json(200, {"capabilities": fake.models[name], "details": {"family": "qwen2"}})
            elif self.path == "/api/chat":
                self._chat(body)
            else:
                self._json(404, {"error": "not found"})

        def _chat(self, body: dict[str, Any]) -> None:
            fake.chats.append(body)
            if body.get("model") not in fake.models:
                self._json(404, {"error": f"model '{body.get('model')}' not found, try pulling it first"})
                return
            reply: dict[str, Any] = fake.replies.pop(0) if fake.replies else {"content": "ok"}
            message: dict[str, Any] = {"role": "assistant", "content": reply.get("content", "")}
            if reply.get("tool_calls"):
                message["tool_calls"] = [
                    {"function": {"name": call["name"], "arguments": call.get("args", {})}}
                    for call in reply["tool_calls"]
                ]
            if reply.get("error") is not None or reply.get("drop"):
                self._broken(body["model"], reply)
                return
            final = {
                "model": body["model"],
                "created_at": "2026-01-01T00:00:00Z",
                "message": message,
                "done": True,
                "done_reason": "stop",
                "prompt_eval_count": reply.get("prompt_tokens", 100),
                "eval_count": reply.get("output_tokens", 20),
            }
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.end_headers()
            self.wfile.write(json.dumps(final).encode() + b"\n")

        def _broken(self, model: str, reply: dict[str, Any]) -> None:
            """Stream part of an answer chunked, then an error line or a cut connection."""
            self.protocol_version = "HTTP/1.1"  # chunked: a cut is then visible as one
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            lines = [
                {"model": model, "message": {"role": "assistant", "content": word + " "}, "done": False}
                for word in str(reply.get("content", "")).split()
            ]
            if reply.get("error") is not None:
                lines.append({"error": reply["error"]})
            for line in lines:
                data = json.dumps(line).encode() + b"\n"
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()
            if not reply.get("drop"):
                self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True

    return Handler


@contextmanager
def serve_fake_ollama(fake: FakeOllama | None = None, port: int = 0) -> Iterator[FakeOllama]:
    """Run the fake on loopback (``port``, or a free one) for the duration of the block."""
    fake = fake or FakeOllama()
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
