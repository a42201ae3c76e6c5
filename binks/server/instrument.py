"""Measuring the graph's calls to the tools and the model, without the graph or tools knowing.

:class:`TimedToolbox` wraps the toolbox the graph is built with and times each call by tool,
kubectl verb and operation. :class:`ModelTimer` is a LangChain callback handler passed in
a run's config: LangChain calls it around every chat-model call inside the graph, with the
token usage the backend reported. Both only observe; errors pass through unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from typing_extensions import override

from binks.errors import BinksError
from binks.server.metrics import Metrics, label_verb
from binks.tools.models import (
    ChangeResult,
    Classification,
    ClusterContext,
    ProposedChange,
    ReconcileOutcome,
    ToolResult,
    Verification,
)
from binks.tools.protocol import Toolbox

T = TypeVar("T")


class TimedToolbox:
    """A :class:`~binks.tools.protocol.Toolbox` that records how long each call took."""

    def __init__(self, inner: Toolbox, metrics: Metrics) -> None:
        self.inner = inner
        self._histogram = metrics.tool_duration

    async def _timed(self, tool: str, verb: str | None, operation: str, call: Awaitable[T]) -> T:
        start = time.perf_counter()
        try:
            return await call
        finally:
            self._histogram.labels(tool, label_verb(verb), operation).observe(time.perf_counter() - start)

    def _verb(self, name: str, args: dict[str, Any]) -> str | None:
        try:
            return self.inner.assess(name, args).verb
        except (BinksError, ValueError):
            return None

    def specs(self) -> list[dict[str, Any]]:
        """The inner toolbox's tool schemas."""
        return self.inner.specs()

    def assess(self, name: str, args: dict[str, Any]) -> Classification:
        """Classify with the inner toolbox (not timed: no I/O)."""
        return self.inner.assess(name, args)

    async def cluster_context(self) -> ClusterContext:
        """The context and namespaces for the prompt, timed (once per task)."""
        return await self._timed("cluster_context", None, "read", self.inner.cluster_context())

    async def read(self, name: str, args: dict[str, Any]) -> ToolResult:
        """A read, timed."""
        return await self._timed(name, self._verb(name, args), "read", self.inner.read(name, args))

    async def propose(
        self, name: str, args: dict[str, Any], *, thread_id: str, step_id: str
    ) -> ProposedChange:
        """A dry-run and diff, timed."""
        call = self.inner.propose(name, args, thread_id=thread_id, step_id=step_id)
        return await self._timed(name, self._verb(name, args), "propose", call)

    async def execute(self, change: ProposedChange) -> ChangeResult:
        """An approved change, timed."""
        return await self._timed(change.tool, change.verb, "execute", self.inner.execute(change))

    async def verify(self, change: ProposedChange, result: ChangeResult) -> Verification:
        """A verification, timed (it includes waiting for a rollout)."""
        return await self._timed(change.tool, change.verb, "verify", self.inner.verify(change, result))

    async def reconcile(self, change: ProposedChange) -> ReconcileOutcome:
        """A post-crash check, timed."""
        return await self._timed(change.tool, change.verb, "reconcile", self.inner.reconcile(change))


class ModelTimer(BaseCallbackHandler):
    """Times chat-model calls and counts the tokens the backend reports."""

    run_inline = True
    ignore_chain = True
    ignore_agent = True
    ignore_retriever = True
    ignore_retry = True
    ignore_custom_event = True

    def __init__(self, metrics: Metrics, clock: Callable[[], float] = time.perf_counter) -> None:
        self._metrics = metrics
        self._clock = clock
        self._started: dict[UUID, float] = {}

    @override
    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *, run_id: UUID, **kwargs: Any
    ) -> None:
        """Note when the call started."""
        self._started[run_id] = self._clock()

    @override
    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        """Record the duration and the reported token usage."""
        self._observe(run_id, "ok")
        for generations in response.generations:
            for generation in generations:
                usage = (
                    getattr(generation.message, "usage_metadata", None)
                    if isinstance(generation, ChatGeneration)
                    else None
                )
                if usage:
                    self._metrics.model_tokens.labels("input").inc(usage.get("input_tokens", 0))
                    self._metrics.model_tokens.labels("output").inc(usage.get("output_tokens", 0))

    @override
    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Record the duration of a failed call."""
        self._observe(run_id, "error")

    def _observe(self, run_id: UUID, outcome: str) -> None:
        started = self._started.pop(run_id, None)
        if started is not None:
            self._metrics.model_duration.labels(outcome).observe(self._clock() - started)
