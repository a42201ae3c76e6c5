"""Where the Binks graph's extra time per cycle goes, for ``bench.graph_overhead``.

Measured in cycles of their own, after the timed ones, because measuring costs time too:

- **per node**: wall time from a node's start to its end (its routers included), Binks
  against the bare graph, from LangGraph's callbacks. What is left of a cycle is
  LangGraph's own loop: checkpoints, channels, the stream;
- **events**: how many events a cycle emits, and the time spent redacting them and handing
  them and the model's tokens to the run's outbox (storing them is the server's, the same
  for both graphs);
- **durable writes**: the time in execute's intent writes, and in the ``fsync`` that makes
  an intent durable before kubectl runs (the log flushed ahead while a person decides runs
  on a thread of its own and is shown apart);
- **checkpoints**: the bytes each cycle serialises, and the time in the checkpointer.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langgraph.checkpoint.base import BaseCheckpointSaver

import binks.graph.events as graph_events
from binks.checkpoints.db import SqliteDatabase
from binks.checkpoints.intents import IntentLog
from binks.server.outbox import Outbox
from binks.tools.shown import redact_payload


@dataclass
class Tally:
    """Seconds and counts gathered over the measured cycles."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, seconds: float, count: int = 1) -> None:
        """Count one more ``name`` that took ``seconds``."""
        self.seconds[name] += seconds
        self.counts[name] += count


class NodeTimer(BaseCallbackHandler):
    """Times each node run: the outermost chain run that carries the node's name."""

    run_inline = True

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self._started: dict[UUID, tuple[str, float]] = {}

    def on_chain_start(
        self,
        serialized: dict[str, Any] | None,  # noqa: ARG002
        inputs: Any,  # noqa: ARG002
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Note the start of a node's own run (not of the runs inside it)."""
        node = (metadata or {}).get("langgraph_node")
        if node and kwargs.get("name") == node and parent_run_id not in self._started:
            self._started[run_id] = (str(node), time.perf_counter())

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:  # noqa: ARG002
        """Add the node run's time."""
        found = self._started.pop(run_id, None)
        if found is not None:
            self.tally.add(f"node {found[0]}", time.perf_counter() - found[1])

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:  # noqa: ARG002
        """An interrupt ends the approve node's first run with an error: it still counts."""
        self.on_chain_end(None, run_id=run_id)


def _timed(tally: Tally, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            tally.add(name, time.perf_counter() - start)

    return timed


def _timed_async(tally: Tally, name: str, function: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await function(*args, **kwargs)
        finally:
            tally.add(name, time.perf_counter() - start)

    return timed


@contextmanager
def patched(target: Any, name: str, replacement: Any) -> Iterator[None]:
    """``target.name`` is ``replacement`` inside the block."""
    original = getattr(target, name)
    setattr(target, name, replacement)
    try:
        yield
    finally:
        setattr(target, name, original)


@contextmanager
def watching_binks(tally: Tally) -> Iterator[None]:
    """Time the Binks graph's events, redaction and intent writes inside the block."""
    to_outbox = _timed(tally, "events, tokens: to the outbox", Outbox.put)
    redact = _timed(tally, "events: redaction", redact_payload)
    claim = _timed_async(tally, "intent writes (durable)", IntentLog.claim)
    result = _timed_async(tally, "intent writes (durable)", IntentLog.record_result)
    on_loop = _timed(tally, "  of which fsync", SqliteDatabase.sync_log)
    ahead = _timed(tally, "log flushed ahead (off the loop)", SqliteDatabase.sync_log)

    def sync(database: SqliteDatabase) -> None:
        """The fsync a durable write waits for, apart from the one ahead of a decision."""
        on_thread = threading.current_thread() is not threading.main_thread()
        (ahead if on_thread else on_loop)(database)

    with (
        patched(Outbox, "put", to_outbox),
        patched(graph_events, "redact_payload", redact),
        patched(IntentLog, "claim", claim),
        patched(IntentLog, "record_result", result),
        patched(SqliteDatabase, "sync_log", sync),
    ):
        yield


@contextmanager
def watching_checkpoints(tally: Tally, saver: BaseCheckpointSaver[Any]) -> Iterator[None]:
    """Count the bytes the checkpointer serialises and the time it takes, inside the block."""
    serde = saver.serde
    dumps = serde.dumps_typed

    def counted(value: Any) -> tuple[str, bytes]:
        kind, data = dumps(value)
        tally.add("checkpoint bytes", 0.0, len(data))
        return kind, data

    methods = ("aput", "aput_writes", "aget_tuple")
    with patched(serde, "dumps_typed", counted):
        originals = {name: getattr(saver, name) for name in methods}
        for name, method in originals.items():
            setattr(saver, name, _timed_async(tally, "checkpointer", method))
        try:
            yield
        finally:
            for name in methods:
                delattr(saver, name)


def report(bare: Tally, binks: Tally, cycles: int, bare_cycle_ms: float, binks_cycle_ms: float) -> list[str]:
    """The breakdown as lines: per cycle, Binks against the bare graph."""

    def ms(tally: Tally, name: str) -> float:
        return tally.seconds.get(name, 0.0) / cycles * 1000

    lines = [f"where the extra {binks_cycle_ms - bare_cycle_ms:.1f} ms per cycle goes (ms per cycle):"]
    nodes = sorted({name for name in (*bare.seconds, *binks.seconds) if name.startswith("node ")})
    for name in nodes:
        lines.append(f"  {name:<34} bare {ms(bare, name):6.2f}   Binks {ms(binks, name):6.2f}")
    in_nodes = [sum(ms(t, n) for n in nodes) for t in (bare, binks)]
    loop = (bare_cycle_ms - in_nodes[0], binks_cycle_ms - in_nodes[1])
    lines.append(f"  {'LangGraph loop (rest of a cycle)':<34} bare {loop[0]:6.2f}   Binks {loop[1]:6.2f}")
    for name in ("checkpointer",):
        lines.append(
            f"  {'  of which ' + name:<34} bare {ms(bare, name):6.2f}   Binks {ms(binks, name):6.2f}"
        )
    size = [t.counts.get("checkpoint bytes", 0) / cycles / 1024 for t in (bare, binks)]
    lines.append(f"  {'checkpoint KiB written':<34} bare {size[0]:6.1f}   Binks {size[1]:6.1f}")
    events = binks.counts.get("events: redaction", 0) / cycles
    lines.append(f"  inside Binks' nodes: {events:.0f} events per cycle")
    for name in (
        "events: redaction",
        "events, tokens: to the outbox",
        "intent writes (durable)",
        "  of which fsync",
        "log flushed ahead (off the loop)",
    ):
        lines.append(f"    {name:<32} {ms(binks, name):6.2f}")
    return lines
