"""A scripted tool-calling chat model: replays answers, streams them token by token.

Tests (and a server subprocess, via :meth:`ScriptedChatModel.from_file`) drive the graph
with it. Each script step is one model answer:

- ``{"content": "text"}`` — a text answer (tool calls written as text included);
- ``{"tool_calls": [{"name": ..., "args": {...}, "id": optional}]}`` — structured calls;
- ``{"error": "message"}`` — the backend is unreachable (``ConnectionError``); with
  ``"content"`` too, the error comes mid-stream after those tokens;
- ``{"sleep": seconds}`` — answer slowly (for timeouts), combined with any of the above;
- ``{"gate": path}`` — create ``path + ".reached"``, then answer only once ``path`` exists:
  a test holds the model at a known point, across processes, for as long as it needs;
- ``{"usage": {"input_tokens": n, "output_tokens": m, "total_tokens": n + m}}`` — the token
  usage the backend reports with the answer (on its last chunk, as Ollama does).

Every call records the messages the model was given in :attr:`received`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.tool import tool_call, tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from pydantic import Field

GATE_BOUND_S = 600.0
"""A gate a test never opens fails the answer after this long instead of hanging the server."""


async def _pass_gate(path: Path) -> None:
    Path(f"{path}.reached").touch()
    async with asyncio.timeout(GATE_BOUND_S):
        while not path.exists():
            await asyncio.sleep(0.01)


class ScriptExhausted(RuntimeError):
    """The graph asked the model more often than the script foresaw."""


class ScriptedChatModel(BaseChatModel):
    """Replays ``script`` one answer per call."""

    script: list[dict[str, Any]]
    position: int = 0
    received: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[Any] = Field(default_factory=list)
    with_tools: list[bool] = Field(default_factory=list)
    """Per call: whether tools were bound to it (the final answer is asked without)."""

    @classmethod
    def from_script(cls, steps: list[dict[str, Any]]) -> ScriptedChatModel:
        """A model that answers with ``steps`` in order."""
        return cls(script=[dict(step) for step in steps])

    @classmethod
    def from_file(cls, path: str | Path) -> ScriptedChatModel:
        """A model whose script is the JSON list in ``path``."""
        return cls.from_script(json.loads(Path(path).read_text(encoding="utf-8")))

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def remaining(self) -> int:
        """Answers not given yet."""
        return len(self.script) - self.position

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Any | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Remember the tools; calls through the result are marked in :attr:`with_tools`."""
        self.bound_tools = list(tools)
        return self.bind(tools=self.bound_tools)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
        self.received.append(list(messages))
        self.with_tools.append(bool((kwargs or {}).get("tools")))
        if self.position >= len(self.script):
            raise ScriptExhausted(f"the script has only {len(self.script)} answers")
        step = self.script[self.position]
        self.position += 1
        return step

    def _message(self, step: dict[str, Any]) -> AIMessage:
        calls = [
            tool_call(name=call["name"], args=call.get("args", {}), id=call.get("id") or self._call_id(index))
            for index, call in enumerate(step.get("tool_calls") or [])
        ]
        return AIMessage(content=step.get("content", ""), tool_calls=calls)

    def _call_id(self, index: int) -> str:
        return f"call_{self.position}_{index}"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        step = self._next(messages, kwargs)
        if "error" in step:
            raise ConnectionError(step["error"])
        return ChatResult(generations=[ChatGeneration(message=self._message(step))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        step = self._next(messages, kwargs)
        for chunk in self._chunks(step):
            if run_manager is not None:
                run_manager.on_llm_new_token(str(chunk.message.content), chunk=chunk)
            yield chunk
        if "error" in step:
            raise ConnectionError(step["error"])

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        step = self._next(messages, kwargs)
        if step.get("gate"):
            await _pass_gate(Path(step["gate"]))
        if step.get("sleep"):
            await asyncio.sleep(float(step["sleep"]))
        if "error" in step and not step.get("content"):
            raise ConnectionError(step["error"])
        for chunk in self._chunks(step):
            if run_manager is not None:
                await run_manager.on_llm_new_token(str(chunk.message.content), chunk=chunk)
            yield chunk
        if "error" in step:
            raise ConnectionError(step["error"])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        chunks = [chunk async for chunk in self._astream(messages, stop, run_manager, **kwargs)]
        message = chunks[0].message
        for chunk in chunks[1:]:
            message = message + chunk.message
        final = AIMessage(
            content=message.content,
            tool_calls=getattr(message, "tool_calls", []),
            id=message.id,
            usage_metadata=getattr(message, "usage_metadata", None),
        )
        return ChatResult(generations=[ChatGeneration(message=final)])

    def _chunks(self, step: dict[str, Any]) -> Iterator[ChatGenerationChunk]:
        content = str(step.get("content", ""))
        for token in re.findall(r"\s*\S+|\s+", content):
            yield ChatGenerationChunk(message=AIMessageChunk(content=token))
        calls = step.get("tool_calls") or []
        chunks = [
            tool_call_chunk(
                name=call["name"],
                args=json.dumps(call.get("args", {})),
                id=call.get("id") or self._call_id(index),
                index=index,
            )
            for index, call in enumerate(calls)
        ]
        usage = step.get("usage")
        if chunks or not content or usage:
            last = AIMessageChunk(content="", tool_call_chunks=chunks, usage_metadata=usage)
            yield ChatGenerationChunk(message=last)
