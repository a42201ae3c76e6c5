"""A run's outbox: the events the graph hands its sink, written in order by one task.

Nodes hand their events and the model's tokens to the run's sink in line
(:mod:`binks.graph.events`), in the order they happen; the sink is :meth:`Outbox.put`. One
task takes them from the queue and writes them (translation, then the event log), so the
graph goes on while an event is stored, and nothing can overtake anything.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType

from binks.graph.events import Event

logger = logging.getLogger(__name__)


class Outbox:
    """Queue a run's events; one task writes them with ``write``, in order.

    Use as ``async with``: leaving the block writes everything queued, whatever ended the
    run (events of steps that ran are kept even when the run fails or is cancelled). A
    failed write stops the run: the next event raises the writer's error.
    """

    def __init__(self, write: Callable[[Event], Awaitable[None]]) -> None:
        self._write = write
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()
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

    def put(self, item: Event) -> None:
        """Queue one event (the run's sink): never blocks, raises if the writer failed."""
        assert self._writer is not None, "use the outbox as `async with`"
        if self._writer.done():
            self._writer.result()  # raises the writer's error; a writer stops only on one
        if threading.get_ident() == self._thread:
            self._queue.put_nowait(item)
        else:  # a node run in a worker thread: hand over on the loop, still in order
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    async def _drain(self) -> None:
        while (item := await self._queue.get()) is not None:
            await self._write(item)
