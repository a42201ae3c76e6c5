"""The one function that wires the agent graph (DESIGN §1).

::

    START → agent ─(answer / bound)──────────────────────────▶ respond → END
      │       │ ▲
      │       │ └── read_tools (reads run; changes go on to propose)
      └─(direct run: its given call)─▶ read_tools   (never back to agent: ends in respond)
              ▼
           propose → approve ─(edit)→ propose
                       ├─(reject / respond)→ verify
                       ▼
                     execute ⟲ (one step per super-step; uncertain → approve)
                       ▼
                     verify ───────────────────────────────▶ agent
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.intents import IntentLog
from binks.graph import routing
from binks.graph.deps import GraphDeps
from binks.graph.nodes.agent import make_agent
from binks.graph.nodes.approve import make_approve
from binks.graph.nodes.execute import make_execute
from binks.graph.nodes.propose import make_propose
from binks.graph.nodes.read_tools import make_read_tools
from binks.graph.nodes.respond import make_respond
from binks.graph.nodes.verify import make_verify
from binks.graph.state import AgentState
from binks.settings import Settings
from binks.tools.protocol import Toolbox
from binks.tools.typed import TypedToolbox

R = TypeVar("R")

SUPERSTEPS_PER_TURN = 8
"""agent, read_tools, propose, approve, execute (≥1), verify, plus slack for edits."""


def recursion_limit(settings: Settings) -> int:
    """A super-step limit safely above what ``max_steps`` turns can need.

    The turn and replan bounds end a run with a clear message first; this limit only
    catches a routing bug instead of looping forever.
    """
    return SUPERSTEPS_PER_TURN * (settings.max_steps + settings.max_replans + 2) + 100


def on_loop(router: Callable[[AgentState], R]) -> Callable[[AgentState], Awaitable[R]]:
    """``router`` as a coroutine function, so its edge is decided on the event loop.

    An async graph runs a plain-function edge in a thread pool: a thread hop for every
    edge taken (eight per approved change), and on a busy machine a wait for the GIL each
    way. A router only reads the state, so it runs inline. The wrapper keeps the router's
    name and ``Literal`` return type, from which LangGraph draws the edges.
    """

    @functools.wraps(router)
    async def route(state: AgentState) -> R:
        return router(state)

    return route


def build_graph(
    *,
    model: BaseChatModel,
    toolbox: Toolbox,
    settings: Settings,
    checkpointer: BaseCheckpointSaver[Any],
    intents: IntentLog,
    audit: AuditLog | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the Binks agent graph with the given model, tools and persistence.

    With ``audit``, every executed change and every policy approval is appended to it.
    """
    toolbox = TypedToolbox(toolbox, settings)  # typed tools compile to run_kubectl: one gate for all
    deps = GraphDeps(
        model=model,
        toolbox=toolbox,
        settings=settings,
        intents=intents,
        specs=tuple(toolbox.specs()),
        audit=audit,
    )
    graph = StateGraph(AgentState)
    graph.add_node("agent", make_agent(deps))
    graph.add_node("read_tools", make_read_tools(deps))
    graph.add_node("propose", make_propose(deps))
    graph.add_node("approve", make_approve(deps))
    graph.add_node("execute", make_execute(deps))
    graph.add_node("verify", make_verify(deps))
    graph.add_node("respond", make_respond(deps))
    graph.add_conditional_edges(START, on_loop(routing.at_start))
    graph.add_conditional_edges("agent", on_loop(routing.after_agent))
    graph.add_conditional_edges("read_tools", on_loop(routing.after_read_tools))
    graph.add_conditional_edges("propose", on_loop(routing.after_propose))
    graph.add_conditional_edges("approve", on_loop(routing.after_approve))
    graph.add_conditional_edges("execute", on_loop(routing.after_execute))
    graph.add_conditional_edges("verify", on_loop(routing.after_verify))
    graph.add_edge("respond", END)
    compiled = graph.compile(checkpointer=checkpointer, name="binks")
    return compiled.with_config(recursion_limit=recursion_limit(settings))
