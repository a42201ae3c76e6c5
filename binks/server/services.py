"""What the server's lifespan owns: one object handed to routes through ``deps``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import Database
from binks.checkpoints.events import EventLog
from binks.checkpoints.threads import ThreadIndex
from binks.server.auth import KeySource
from binks.server.health import HealthChecker
from binks.server.metrics import Metrics
from binks.server.runs import RunManager
from binks.settings import Settings
from binks.tools.protocol import Toolbox


@dataclass
class Services:
    """The database, checkpointer, graph, logs, run manager and metrics of one running server."""

    settings: Settings
    keys: KeySource
    database: Database
    checkpointer: BaseCheckpointSaver[Any]
    graph: CompiledStateGraph[Any, Any, Any, Any]
    threads: ThreadIndex
    events: EventLog
    audit: AuditLog
    runs: RunManager
    model: BaseChatModel
    toolbox: Toolbox
    health: HealthChecker
    heartbeat_s: float
    metrics: Metrics
