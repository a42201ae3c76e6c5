"""What the nodes need from outside the graph, bundled once by the builder."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.intents import IntentLog
from binks.graph.state import AgentState
from binks.settings import Settings
from binks.tools.protocol import Toolbox


@dataclass(frozen=True)
class GraphDeps:
    """The model, the tools, the settings, the intent log and the audit log the nodes share.

    ``audit`` is ``None`` only where no audit is kept (graph tests, evaluations); the server
    always passes its log, so every executed change is recorded.
    """

    model: BaseChatModel
    toolbox: Toolbox
    settings: Settings
    intents: IntentLog
    specs: tuple[dict[str, Any], ...]
    audit: AuditLog | None = None


class Node(Protocol):
    """A node that needs only the state."""

    def __call__(self, state: AgentState) -> Awaitable[dict[str, Any]]:
        """Return the state update."""
        ...


class ConfigNode(Protocol):
    """A node that also needs the run's config (thread id, checkpoint namespace)."""

    def __call__(self, state: AgentState, config: RunnableConfig) -> Awaitable[dict[str, Any]]:
        """Return the state update."""
        ...


RUN_ID_KEY = "binks_run_id"
"""The config key under which the server passes the run's id (the thread's current owner)."""


def thread_of(config: RunnableConfig) -> str:
    """The thread id the run was started with."""
    return str(config["configurable"]["thread_id"])


def run_of(config: RunnableConfig) -> str | None:
    """The server's run id, when a server runs the graph: execute fences its intents with it."""
    value = config.get("configurable", {}).get(RUN_ID_KEY)
    return str(value) if value is not None else None
