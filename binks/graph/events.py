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

from langchain_core.runnables import RunnableConfig
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

Event = dict[str, Any]
"""``{"event": name, "data": ...}``: what a sink is handed."""

EventSink = Callable[[Event], None]
"""Takes events in the order the nodes emit them; must not block."""


def emit(event: EventName, data: dict[str, Any]) -> None:
    """Hand one event to the run's sink (nothing happens when the run has none).

    Commands in the data are redacted here, the one door every graph event goes through.
    """
    if (sink := _sink(_run_config())) is not None:
        sink({"event": event, "data": redact_payload(data)})


def emit_token(text: str) -> None:
    """Hand a piece of the model's answer to the run's sink, named with the node that asked."""
    config = _run_config()
    if (sink := _sink(config)) is not None:
        node = config.get("metadata", {}).get("langgraph_node")
        sink({"event": TOKEN, "data": {"text": text, "node": node}})


def _run_config() -> RunnableConfig:
    """The config of the run this code runs in; empty outside a run (a model asked directly)."""
    try:
        return get_config()
    except RuntimeError:
        return {}


def _sink(config: RunnableConfig) -> EventSink | None:
    """The run's sink, ``None`` when it has none: then nobody listens."""
    sink: EventSink | None = config.get("configurable", {}).get(EVENTS_KEY)
    return sink
