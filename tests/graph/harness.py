"""Drive the real graph with a scripted model, a fake toolbox and SQLite in a temp dir."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.messages import HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, Durability

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import Database, connect, database_url
from binks.checkpoints.intents import IntentLog
from binks.checkpoints.saver import open_checkpointer
from binks.checkpoints.schema import prepare_database
from binks.graph.approval import PendingApproval, check_decision, pending_approval, resume_command
from binks.graph.builder import build_graph
from binks.graph.decision import Decision
from binks.graph.events import EVENTS_KEY, TOKEN
from binks.settings import Settings, load_settings
from binks.tools.protocol import Toolbox
from tests.fakes.chat_model import ScriptedChatModel


def make_settings(state_dir: Path, **overrides: Any) -> Settings:
    """Settings with the state dir (and so the database) in ``state_dir``."""
    return load_settings(env_file=None, state_dir=state_dir, **overrides)


@dataclass
class Harness:
    """One thread of the graph plus everything the tests look at."""

    graph: CompiledStateGraph[Any, Any, Any, Any]
    model: ScriptedChatModel
    toolbox: Toolbox
    settings: Settings
    intents: IntentLog
    audit: AuditLog
    thread_id: str = "t1"
    durability: Durability = "sync"
    """Each step's checkpoint written before the next starts, so a test reads exactly the state
    a step left (the server writes them while the next step runs: ``run_task.DURABILITY``)."""
    events: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)

    @property
    def config(self) -> RunnableConfig:
        return {"configurable": {"thread_id": self.thread_id, EVENTS_KEY: self.take}}

    def take(self, item: dict[str, Any]) -> None:
        """The run's event sink: tokens apart from the graph's events."""
        if item["event"] == TOKEN:
            self.tokens.append(item["data"]["text"])
        else:
            self.events.append(item)

    async def run(self, value: dict[str, Any] | Command[Any] | None) -> dict[str, Any]:
        """Run as the server does (events to the sink, nothing streamed); return the state values."""
        await self.graph.ainvoke(value, self.config, stream_mode="custom", durability=self.durability)
        state = await self.graph.aget_state(self.config)
        return dict(state.values)

    async def ask(self, task: str) -> dict[str, Any]:
        return await self.run({"messages": [HumanMessage(content=task)]})

    async def pending(self) -> PendingApproval:
        found = await pending_approval(self.graph, self.config)
        assert found is not None, "the thread is not waiting for an approval"
        return found

    async def decide(self, action: str, **fields: Any) -> dict[str, Any]:
        """Answer the pending approval the way the server does: check, then resume."""
        pending = await self.pending()
        decision = Decision.model_validate(
            {"interrupt_id": pending.interrupt_id, "plan_hash": pending.plan_hash, "action": action, **fields}
        )
        check_decision(pending, decision)
        return await self.run(resume_command(decision))

    def names(self) -> list[str]:
        return [event["event"] for event in self.events]


@asynccontextmanager
async def open_harness(
    state_dir: Path,
    script: Sequence[Any],
    toolbox: Toolbox,
    **settings_overrides: Any,
) -> AsyncIterator[Harness]:
    """A graph on a fresh checkpointer over ``state_dir/binks.db`` (reopenable: same dir, same db)."""
    settings = make_settings(state_dir, **settings_overrides)
    model = ScriptedChatModel.from_script([dict(step) for step in script])
    async with open_database(settings) as database, open_checkpointer(database) as saver:
        intents = IntentLog(database)
        audit = AuditLog(database)
        yield Harness(
            graph=graph_for(model, toolbox, settings, saver, intents, audit),
            model=model,
            toolbox=toolbox,
            settings=settings,
            intents=intents,
            audit=audit,
        )


def graph_for(
    model: ScriptedChatModel,
    toolbox: Toolbox,
    settings: Settings,
    saver: BaseCheckpointSaver[Any],
    intents: IntentLog,
    audit: AuditLog | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    return build_graph(
        model=model, toolbox=toolbox, settings=settings, checkpointer=saver, intents=intents, audit=audit
    )


@asynccontextmanager
async def open_database(settings: Settings) -> AsyncIterator[Database]:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    database = connect(database_url(settings))
    try:
        await prepare_database(database)
        yield database
    finally:
        await database.close()
