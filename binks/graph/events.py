"""Custom stream events the nodes emit (``stream_mode="custom"``), forwarded by the server.

Names are the ones in the event contract (DESIGN §4); data is JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.config import get_stream_writer

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


def emit(event: EventName, data: dict[str, Any]) -> None:
    """Write one custom event to the run's stream (a no-op when nobody streams custom events).

    Commands in the data are redacted here, the one door every graph event goes through.
    """
    get_stream_writer()({"event": event, "data": redact_payload(data)})
