"""The replan bound: rejected or failed plans a task may take before its answer is asked for."""

from __future__ import annotations

from typing import Any

from binks.graph.state import AgentState
from binks.settings import Settings


def replan_update(state: AgentState, settings: Settings) -> dict[str, Any]:
    """Count one more rejected or failed plan; past ``max_replans`` the run stops with a reason."""
    replans = int(state.get("replans", 0)) + 1
    update: dict[str, Any] = {"replans": replans}
    if replans > settings.max_replans:
        # No more plans in this task: the model gives its answer, with no tools (binks.graph.final).
        update["final_only"] = "replans"
    return update
