"""The replan bound: rejected or failed plans a task may take before the run stops."""

from __future__ import annotations

from typing import Any

from binks.graph.state import AgentState
from binks.settings import Settings


def replan_update(state: AgentState, settings: Settings) -> dict[str, Any]:
    """Count one more rejected or failed plan; past ``max_replans`` the run stops with a reason."""
    replans = int(state.get("replans", 0)) + 1
    update: dict[str, Any] = {"replans": replans}
    if replans > settings.max_replans:
        update["stop_reason"] = (
            f"Stopped: {replans} plans were rejected or failed (BINKS_MAX_REPLANS={settings.max_replans})."
            " Nothing more will be tried in this task; say what you want differently and ask again."
        )
    return update
