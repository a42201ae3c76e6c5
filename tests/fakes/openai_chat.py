"""A scripted OpenAI-compatible chat server, for driving a real MCP client's agent (opencode).

``POST /v1/chat/completions`` answers from a script, one step per request that offers tools:
``{"tool_calls": [{"name": ..., "args": {...}}]}`` or ``{"content": "text"}``. Requests without
tools (opencode asks for a session title that way) get a short title and do not use up the
script. Answers stream as SSE chunks when the client asks (opencode does), else plain JSON.
Every request is kept in :attr:`ScriptedChat.requests`, so a test can see which tools the
client offered its model and what the tools answered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse


@dataclass
class ScriptedChat:
    """The script and what the client sent."""

    script: list[dict[str, Any]]
    requests: list[dict[str, Any]] = field(default_factory=list)
    position: int = 0

    def offered_tools(self) -> set[str]:
        """Names of every tool the client offered its model."""
        return {
            tool["function"]["name"]
            for body in self.requests
            for tool in body.get("tools") or []
            if "function" in tool
        }

    def tool_results(self) -> list[str]:
        """The content of every tool message the client sent back, in order."""
        seen: list[str] = []
        for body in self.requests:
            for message in body.get("messages", []):
                if message.get("role") == "tool" and message.get("content") not in seen:
                    seen.append(str(message.get("content")))
        return seen

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        """The next message: a title for tool-less requests, else the next script step."""
        self.requests.append(body)
        if not body.get("tools"):
            return {"role": "assistant", "content": "Binks session"}
        if self.position >= len(self.script):
            return {"role": "assistant", "content": "(the script is over)"}
        step = self.script[self.position]
        self.position += 1
        if "tool_calls" in step:
            calls = [
                {
                    "id": f"call_{self.position}_{index}",
                    "type": "function",
                    "function": {"name": call["name"], "arguments": json.dumps(call.get("args", {}))},
                }
                for index, call in enumerate(step["tool_calls"])
            ]
            return {"role": "assistant", "content": None, "tool_calls": calls}
        return {"role": "assistant", "content": str(step.get("content", ""))}


def create_chat_app(chat: ScriptedChat) -> FastAPI:
    """The app serving ``chat``."""
    app = FastAPI()

    @app.get("/v1/models")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "tests"}]}

    @app.post("/v1/chat/completions")
    async def completions(request: Request) -> Response:
        body = await request.json()
        message = chat.answer(body)
        finish = "tool_calls" if message.get("tool_calls") else "stop"
        if body.get("stream"):
            return StreamingResponse(_chunks(message, finish), media_type="text/event-stream")
        return JSONResponse(
            {
                "id": "chatcmpl-scripted",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "scripted"),
                "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        )

    return app


def _chunks(message: dict[str, Any], finish: str) -> Iterator[str]:
    """The message as OpenAI's stream: one delta, the finish reason with usage, then [DONE]."""
    delta: dict[str, Any] = {"role": "assistant"}
    if message.get("tool_calls"):
        delta["tool_calls"] = [{"index": index, **call} for index, call in enumerate(message["tool_calls"])]
    else:
        delta["content"] = message.get("content") or ""
    base = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": int(time.time())}
    yield _sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    yield _sse({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}], "usage": usage})
    yield "data: [DONE]\n\n"


def _sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data)}\n\n"
