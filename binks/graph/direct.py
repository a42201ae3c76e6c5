"""A run that starts from a given tool call instead of a model turn.

An MCP client (or any API caller) may propose its own change: "run this kubectl command",
"spawn this worker". Binks still decides what it is (the tool layer classifies it), refuses
what it refuses, dry-runs and diffs it, hashes the plan, asks the person (or applies an
explicit auto-approve rule), executes exactly what was approved and verifies it: the
thread goes through the same nodes as a model's call. Only the model is left out. Binks'
own model does not choose the change, does not re-plan after a rejection and does not
write the final answer, which is built from the recorded outcomes alone. So a proposal
also works while the model backend is away.

The input is the person's words plus one assistant message carrying the call; ``direct``
routes the run around the agent node (:mod:`binks.graph.routing`). It starts a new thread
(nothing of an earlier task is reset); a later task on the same thread is an ordinary model
task again (the agent node clears ``direct``).
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from pydantic import BaseModel, ConfigDict, Field

DIRECT_CALL_PREFIX = "direct-"
"""Id prefix of the tool call a direct run starts from (visible in ``tool_call`` events)."""


class DirectCall(BaseModel):
    """The tool call a direct run proposes: one of the tools' names and its arguments."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    args: dict[str, Any] = Field(default_factory=dict)


def direct_input(task: str, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """The graph input of a run that proposes ``name(args)`` for ``task`` without the model."""
    call_id = f"{DIRECT_CALL_PREFIX}{uuid.uuid4().hex[:12]}"
    return {
        "messages": [
            HumanMessage(content=task),
            AIMessage(content="", tool_calls=[{"name": name, "args": dict(args), "id": call_id}]),
        ],
        "direct": True,
    }
