"""The events the nodes emit (``tool_call``, ``plan_proposed``, ...), handed to the run's sink.

Names are the ones in the event contract (DESIGN §4); data is JSON.

Whoever runs the graph and wants its events passes a sink in the run's config
(``configurable[EVENTS_KEY]``): the server's run outbox, the tests' harness. A node calls it
in line, so an event costs a function call. LangGraph's own ``custom`` stream could carry
them, but each of its items is a thread-safe hand-off that wakes the stream's reader and
its wait on the running nodes: measured, ten events an approved change cost about a
twentieth of the graph's time (``bench.graph_overhead``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from langgraph.config import get_config

from binks.tools.shown import redact_payload

EventName = Literal[
    "tool_call",
    "tool_result",
    "plan_proposed",
    "approval_required",
    "approval_decided",
    "step_started",
    "step_finished",
    "verified",
    "message",
]

EVENTS_KEY = "binks_events"
"""The config key of the run's event sink (``configurable``; a callable is never checkpointed)."""

EventSink = Callable[[dict[str, Any]], None]
"""Takes ``{"event": name, "data": ...}``, in the order the nodes emit; must not block."""


def emit(event: EventName, data: dict[str, Any]) -> None:
    """Hand one event to the run's sink (nothing happens when the run has none).

    Commands in the data are redacted here, the one door every graph event goes through.
    """
    sink: EventSink | None = get_config().get("configurable", {}).get(EVENTS_KEY)
    if sink is not None:
        sink({"event": event, "data": redact_payload(data)})
