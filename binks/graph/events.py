"""The nodes' events (``tool_call``, ``plan_proposed``, ...) and model tokens, to the run's sink.

Names are the ones in the event contract (DESIGN §4); data is JSON.

Whoever runs the graph and wants its events passes a sink in the run's config
(``configurable[EVENTS_KEY]``): the server's run outbox, the tests' harness. Nodes call it
in line, in the order things happen, so an event costs a function call and tokens and
events can never overtake each other. LangGraph's stream modes (``custom``, ``messages``)
could carry them, but each of their items is a thread-safe hand-off that wakes the
stream's reader and its wait on the running nodes, and the ``messages`` mode also reads
every node's whole input and output looking for messages: measured, the two cost about a
ninth of the graph's time per step (``bench.graph_overhead``).
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

TOKEN = "model_token"
"""The event of a piece of the model's answer: ``{"text", "node"}`` (the server coalesces them)."""

EventSink = Callable[[dict[str, Any]], None]
"""Takes ``{"event": name, "data": ...}``, in the order the nodes emit; must not block."""


def emit(event: EventName, data: dict[str, Any]) -> None:
    """Hand one event to the run's sink (nothing happens when the run has none).

    Commands in the data are redacted here, the one door every graph event goes through.
    """
    if (sink := _sink()) is not None:
        sink({"event": event, "data": redact_payload(data)})


def emit_token(text: str) -> None:
    """Hand a piece of the model's answer to the run's sink, named with the node that asked."""
    if (sink := _sink()) is not None:
        node = get_config().get("metadata", {}).get("langgraph_node")
        sink({"event": TOKEN, "data": {"text": text, "node": node}})


def _sink() -> EventSink | None:
    """The sink of the run this code runs in; ``None`` outside a run or when it has none."""
    try:
        config = get_config()
    except RuntimeError:  # outside a run (a model asked directly): nobody listens
        return None
    sink: EventSink | None = config.get("configurable", {}).get(EVENTS_KEY)
    return sink
