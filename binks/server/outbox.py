"""A run's outbox: its stream parts and graph events, written in order by one task.

The graph hands events to a sink in line (:mod:`binks.graph.events`) and the stream brings
model tokens; both go into one queue here, in the order they happened, and one task writes
them (translation, then the event log), so the graph goes on while an event is stored.

Why one queue keeps the order: a node's events are queued the moment it emits them, and
the stream's parts (model tokens) are queued as the stream yields them. LangGraph yields
all of a step's parts before it starts the next step, and the driver queues each part
without waiting, so a step's tokens are queued before any later step's events. The only
node that streams tokens (``agent``) emits no events of its own.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

logger = logging.getLogger(__name__)

Part = Mapping[str, Any]
"""A v2 stream part: ``{"type", "ns", "data"}``; a graph event travels as a ``custom`` part."""


class Outbox:
    """Queue a run's parts and events; one task writes them with ``write``, in order.

    Use as ``async with``: leaving the block writes everything queued, whatever ended the
    run (events of steps that ran are kept even when the run fails or is cancelled). A
    failed write stops the run: the next event or part raises the writer's error.
    """

    def __init__(self, write: Callable[[Part], Awaitable[None]]) -> None:
        self._write = write
        self._queue: asyncio.Queue[Part | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._writer: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Outbox:
        self._writer = asyncio.create_task(self._drain(), name="binks-outbox")
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._queue.put_nowait(None)
        assert self._writer is not None
        if error is None:
            await self._writer  # a failed write is the run's error
            return
        await asyncio.wait([self._writer])  # the run's own error says what happened
        if not self._writer.cancelled() and (failure := self._writer.exception()) is not None:
            logger.warning("the run's last events could not be written: %s", failure)

    def put(self, part: Part) -> None:
        """Queue a stream part (the driver's side)."""
        assert self._writer is not None, "use the outbox as `async with`"
        if self._writer.done():
            self._writer.result()  # raises the writer's error; a writer stops only on one
        if threading.get_ident() == self._thread:
            self._queue.put_nowait(part)
        else:  # a node run in a worker thread: hand over on the loop, still in order
            self._loop.call_soon_threadsafe(self._queue.put_nowait, part)

    def event(self, event: dict[str, Any]) -> None:
        """Queue a graph event (the sink the graph gets, ``binks.graph.events.EventSink``)."""
        self.put({"type": "custom", "ns": (), "data": event})

    async def _drain(self) -> None:
        while (part := await self._queue.get()) is not None:
            await self._write(part)
