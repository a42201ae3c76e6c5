"""The one function that wires the agent graph (DESIGN §1).

::

    START → agent ─(answer / bound)──────────────────────────▶ respond → END
              │ ▲
              │ └── read_tools (reads run; changes go on to propose)
              │     (a direct run passes agent with its given call, never comes back to it:
              ▼      it ends in respond)
           propose → approve ─(edit)→ propose
                       ├─(reject / respond)→ verify
                       ▼
                     execute ⟲ (one step per super-step; uncertain → approve)
                       ▼
                     verify ───────────────────────────────▶ agent
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, cast, get_args, get_type_hints

from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.intents import IntentLog
from binks.graph import routing
from binks.graph.deps import ConfigNode, GraphDeps, Node
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

SUPERSTEPS_PER_TURN = 8
"""agent, read_tools, propose, approve, execute (≥1), verify, plus slack for edits."""


def recursion_limit(settings: Settings) -> int:
    """A super-step limit safely above what ``max_steps`` turns can need.

    The turn and replan bounds end a run with a clear message first; this limit only
    catches a routing bug instead of looping forever.
    """
    return SUPERSTEPS_PER_TURN * (settings.max_steps + settings.max_replans + 2) + 100


class RoutedNode(Protocol):
    """A node that names the next one: its update and where the run goes, as a ``Command``."""

    def __call__(self, state: AgentState, config: RunnableConfig) -> Awaitable[Command[str]]:
        """Return the update and the next node."""
        ...


def routed(node: Node | ConfigNode, router: Callable[[AgentState], str]) -> RoutedNode:
    """``node`` followed by ``router``, as one node that names where the run goes next.

    A conditional edge reads the state in a copy of every channel with the node's writes
    applied (LangGraph's ``local_read``): with Binks' two dozen state channels that copy
    cost more than the rest of a routing step, on each of the seven edges an approved
    change takes. The router needs only the state as the node leaves it, which the node
    has at hand: its input with its update applied, messages through their own reducer.
    The result is a ``Command`` with only the values the update changes (:func:`changes`).
    """
    takes_config = len(inspect.signature(node).parameters) > 1

    async def run(state: AgentState, config: RunnableConfig) -> Command[str]:
        if takes_config:
            update = await cast(ConfigNode, node)(state, config)
        else:
            update = await cast(Node, node)(state)
        return Command(update=changes(state, update), goto=router(after(state, update)))

    return run


def changes(state: AgentState, update: dict[str, Any]) -> dict[str, Any]:
    """``update`` without the values the state already holds.

    Nodes return whole sets of keys (a new task resets a dozen counters, a finished plan
    clears its fields), most of them as they were. Each write costs LangGraph a new
    channel version, a write record in the checkpointer and the bytes of both, and a
    value written again unchanged reads back the same: only what differs is written. A
    key the state never held reads as empty to every reader (``state.get``, the state
    is ``total=False``), so an empty value for it is not written either: a new thread's
    first task starts with nothing to reset. Messages always are: their reducer merges.
    """
    return {
        key: value
        for key, value in update.items()
        if key == "messages" or (state[key] != value if key in state else not _empty(value))  # type: ignore[literal-required]
    }


def _empty(value: Any) -> bool:
    """``None``, ``0``, ``False``, ``""``, ``[]``, ``{}``: what an absent key reads as."""
    return value is None or (isinstance(value, (bool, int, str, list, dict)) and not value)


def after(state: AgentState, update: dict[str, Any]) -> AgentState:
    """The state as ``update`` leaves it, as the channels will hold it."""
    view = cast(dict[str, Any], {**state, **update})
    if "messages" in update:
        view["messages"] = add_messages(cast(list[Any], state.get("messages") or []), update["messages"])
    return cast(AgentState, view)


def destinations(router: Callable[[AgentState], str]) -> tuple[str, ...]:
    """The nodes ``router`` can name: its ``Literal`` return type (drawn as the node's edges)."""
    return tuple(get_args(get_type_hints(router)["return"]))


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
    routes: list[tuple[str, Node | ConfigNode, Callable[[AgentState], str]]] = [
        ("agent", make_agent(deps), routing.after_agent),
        ("read_tools", make_read_tools(deps), routing.after_read_tools),
        ("propose", make_propose(deps), routing.after_propose),
        ("approve", make_approve(deps), routing.after_approve),
        ("execute", make_execute(deps), routing.after_execute),
        ("verify", make_verify(deps), routing.after_verify),
    ]
    for name, node, router in routes:
        graph.add_node(name, routed(node, router), destinations=destinations(router))
    graph.add_node("respond", make_respond(deps))
    graph.add_edge(START, "agent")
    graph.add_edge("respond", END)
    compiled = graph.compile(checkpointer=checkpointer, name="binks")
    return compiled.with_config(recursion_limit=recursion_limit(settings))
