"""Per-step overhead of the Binks graph against a bare LangGraph graph of the same shape.

Run: ``.venv/bin/python -m bench.graph_overhead [--under-load [N]]``. Both graphs run the
same task (one read, one change, interrupt for approval, resume, execute, verify, final
answer) with the same scripted model, the same fake toolbox and the same checkpointer
(Binks' own, on an SQLite database of each graph's own), made durable the way the server
does it (``binks.server.run_task``), the model's tokens streamed into an outbox like the
server's: the bare graph's through LangGraph's ``messages`` stream (how a LangGraph
application streams tokens), Binks' through its run's sink, as the server runs it, with
its events. The bare graph does only the calls (model, cluster context, assess, read,
propose, interrupt, execute, verify), and the model gets the same request from both: the
tools Binks shows the task, its system prompt and context line. The Binks graph adds what
makes it safe: tool-call validation, the plan and its hash, decision checks, a durable
intent before the step and its result after, outcome records and events. Neither graph
pays a thread hop per edge: the bare graph's routers are coroutines, Binks' run inside its
nodes. Goal: ≤ 1.3× per step, as the median of the cycles' ratios, each Binks cycle
against the bare cycle run just before it: a busy machine's speed drifts over seconds,
and a pair shares the moment (the ratio of the two medians is printed beside it). After
the timed cycles, cycles of their own measure where the difference goes
(:mod:`bench.breakdown`).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any, Literal, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command, interrupt

from bench import breakdown
from bench.load import busy, load_text, parser
from binks.checkpoints.intents import IntentLog
from binks.checkpoints.saver import open_checkpointer
from binks.graph.approval import pending_approval, resume_command
from binks.graph.builder import build_graph
from binks.graph.decision import Decision
from binks.graph.events import EVENTS_KEY, Event
from binks.graph.prompts import system_messages
from binks.graph.toolsets import shown_for
from binks.server.outbox import Outbox
from binks.server.run_task import DURABILITY, STREAM_MODE
from binks.settings import Settings
from binks.tools.typed import TypedToolbox
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import make_settings, open_database

TASK = "scale web to 3"
CYCLES = 100
NODE_RUNS = 9
"""agent, read_tools, propose, approve, approve (resumed), execute, verify, agent, respond."""
GET = {"name": "run_kubectl", "args": {"command": "kubectl get deployment web -n shop"}}


def scale(replicas: int) -> dict[str, Any]:
    """A change to ``replicas``: cycles alternate 3 and 4, so each one changes something."""
    command = f"kubectl scale deployment web --replicas={replicas} -n shop"
    return {"name": "run_kubectl", "args": {"command": command}}


CALLBACKS: list[Any] = []
"""Callback handlers of the runs (the breakdown's node timer, only in its own cycles)."""
BREAKDOWN_CYCLES = 15


def script() -> list[dict[str, Any]]:
    """Each cycle reads, then changes the replica count (a no-op change would go back to the model)."""
    turns: list[dict[str, Any]] = []
    for cycle in range(CYCLES + BREAKDOWN_CYCLES):
        replicas = 3 + cycle % 2
        turns += [{"tool_calls": [GET, scale(replicas)]}, {"content": f"Scaled web to {replicas}."}]
    return turns


class BareState(TypedDict, total=False):
    """The bare graph's state: messages plus the one change."""

    messages: Annotated[list[AnyMessage], add_messages]
    context: str
    change: Any
    result: Any


def bare_graph(
    model: ScriptedChatModel, toolbox: FakeToolbox, saver: BaseCheckpointSaver[Any], settings: Settings
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The same shape and the same external calls, nothing else.

    The model gets the request Binks sends it: the tools Binks shows this task, its system
    prompt and the cluster's context line (read once per task). How big a request is
    costs the model, not the graph.
    """
    bound = model.bind_tools(shown_for(TASK, TypedToolbox(toolbox, settings).specs()))

    async def agent(state: BareState) -> dict[str, Any]:
        context = state.get("context") or (await toolbox.cluster_context()).line()
        answer = await bound.ainvoke([*system_messages(context), *state["messages"]])
        return {"messages": [answer], "context": context}

    async def read_tools(state: BareState) -> dict[str, Any]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        out: list[AnyMessage] = []
        for call in last.tool_calls:
            if not toolbox.assess(call["name"], call["args"]).mutating:
                result = await toolbox.read(call["name"], call["args"])
                out.append(ToolMessage(content=result.output, tool_call_id=str(call["id"])))
        return {"messages": out}

    async def propose(state: BareState) -> dict[str, Any]:
        last = next(m for m in reversed(state["messages"]) if isinstance(m, AIMessage))
        call = last.tool_calls[-1]
        change = await toolbox.propose(call["name"], call["args"], thread_id="t", step_id="s1")
        return {"change": change.model_dump(mode="json")}

    async def approve(state: BareState) -> dict[str, Any]:
        interrupt({"plan": state["change"]})
        return {}

    async def execute(state: BareState) -> dict[str, Any]:
        from binks.tools.models import ProposedChange

        result = await toolbox.execute(ProposedChange.model_validate(state["change"]))
        return {"result": result.model_dump(mode="json")}

    async def verify(state: BareState) -> dict[str, Any]:
        from binks.tools.models import ChangeResult, ProposedChange

        last = next(m for m in reversed(state["messages"]) if isinstance(m, AIMessage))
        change = ProposedChange.model_validate(state["change"])
        check = await toolbox.verify(change, ChangeResult.model_validate(state["result"]))
        return {"messages": [ToolMessage(content=check.check, tool_call_id=str(last.tool_calls[-1]["id"]))]}

    async def respond(state: BareState) -> dict[str, Any]:  # noqa: ARG001
        return {}

    # Coroutines: a plain-function edge would cost the baseline a thread hop per edge that
    # Binks does not pay (its routers run inside its nodes, ``binks.graph.builder.routed``).
    async def after_agent(state: BareState) -> Literal["read_tools", "respond"]:
        last = state["messages"][-1]
        return "read_tools" if isinstance(last, AIMessage) and last.tool_calls else "respond"

    async def after_read(state: BareState) -> Literal["propose", "agent"]:  # noqa: ARG001
        return "propose"

    graph = StateGraph(BareState)
    for name, node in [
        ("agent", agent),
        ("read_tools", read_tools),
        ("propose", propose),
        ("approve", approve),
        ("execute", execute),
        ("verify", verify),
        ("respond", respond),
    ]:
        graph.add_node(name, node)
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", after_agent)
    graph.add_conditional_edges("read_tools", after_read)
    graph.add_edge("propose", "approve")
    graph.add_edge("approve", "execute")
    graph.add_edge("execute", "verify")
    graph.add_edge("verify", "agent")
    graph.add_edge("respond", END)
    return graph.compile(checkpointer=saver)


async def bare_drain(graph: CompiledStateGraph[Any, Any, Any, Any], value: Any, thread: str) -> None:
    """Run the bare graph, its tokens streamed the LangGraph way into an outbox like the server's."""
    config: Any = {"configurable": {"thread_id": thread}, "callbacks": list(CALLBACKS)}
    async with Outbox(unwritten) as outbox:
        stream = graph.astream(value, config, stream_mode="messages", version="v2", durability=DURABILITY)
        async for part in stream:
            outbox.put({"event": "part", "data": part})


async def binks_drain(graph: CompiledStateGraph[Any, Any, Any, Any], value: Any, thread: str) -> None:
    """Run the Binks graph as the server does: its events and tokens to the run's outbox."""
    config: Any = {"configurable": {"thread_id": thread}, "callbacks": list(CALLBACKS)}
    async with Outbox(unwritten) as outbox:
        config["configurable"][EVENTS_KEY] = outbox.put
        await graph.ainvoke(value, config, stream_mode=STREAM_MODE, durability=DURABILITY)


async def unwritten(item: Event) -> None:
    """The server would translate the item and store it: the same for both graphs, so left out."""


async def bare_cycle(graph: CompiledStateGraph[Any, Any, Any, Any], thread: str) -> None:
    await bare_drain(graph, {"messages": [HumanMessage(TASK)]}, thread)
    config: Any = {"configurable": {"thread_id": thread}}
    pending = (await graph.aget_state(config)).interrupts[0]
    await bare_drain(graph, Command(resume={pending.id: {"action": "approve"}}), thread)


async def binks_cycle(graph: CompiledStateGraph[Any, Any, Any, Any], thread: str) -> None:
    await binks_drain(graph, {"messages": [HumanMessage(TASK)]}, thread)
    config: Any = {"configurable": {"thread_id": thread}}
    pending = await pending_approval(graph, config)
    assert pending is not None
    decision = Decision(interrupt_id=pending.interrupt_id, plan_hash=pending.plan_hash, action="approve")
    await binks_drain(graph, resume_command(decision), thread)


async def main() -> None:
    """Time both graphs, interleaved, and print per-step figures and the ratio."""
    with tempfile.TemporaryDirectory() as bare_dir, tempfile.TemporaryDirectory() as binks_dir:
        # A database each, as each graph would run alone: in one file, execute's fsync would
        # also flush the log frames the bare graph's checkpoints left since the last one.
        bare_settings, settings = make_settings(Path(bare_dir)), make_settings(Path(binks_dir))
        async with (
            open_database(bare_settings) as bare_engine,
            open_checkpointer(bare_engine) as bare_saver,
            open_database(settings) as engine,
            open_checkpointer(engine) as saver,
        ):
            bare_box, binks_box = FakeToolbox(), FakeToolbox()
            bare = bare_graph(ScriptedChatModel.from_script(script()), bare_box, bare_saver, bare_settings)
            binks = build_graph(
                model=ScriptedChatModel.from_script(script()),
                toolbox=binks_box,
                settings=settings,
                checkpointer=saver,
                intents=IntentLog(engine),
            )
            await bare_cycle(bare, "warm-bare")
            await binks_cycle(binks, "warm-binks")
            warm: Any = {"configurable": {"thread_id": "warm-binks"}}
            final = (await binks.aget_state(warm)).values["final_answer"]
            assert "executed and verified" in final, final
            bare_times: list[float] = []
            binks_times: list[float] = []
            for index in range(CYCLES - 1):
                start = time.perf_counter()
                await bare_cycle(bare, f"bare-{index}")
                bare_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                await binks_cycle(binks, f"binks-{index}")
                binks_times.append(time.perf_counter() - start)
            bare_tally, binks_tally = breakdown.Tally(), breakdown.Tally()
            for index in range(BREAKDOWN_CYCLES):
                with breakdown.watching_checkpoints(bare_tally, bare_saver):
                    CALLBACKS[:] = [breakdown.NodeTimer(bare_tally)]
                    await bare_cycle(bare, f"bare-b{index}")
                with (
                    breakdown.watching_checkpoints(binks_tally, saver),
                    breakdown.watching_binks(binks_tally),
                ):
                    CALLBACKS[:] = [breakdown.NodeTimer(binks_tally)]
                    await binks_cycle(binks, f"binks-b{index}")
            CALLBACKS.clear()
    steps = NODE_RUNS
    bare_step = statistics.median(bare_times) / steps * 1000
    binks_step = statistics.median(binks_times) / steps * 1000
    print(
        f"cycles: {CYCLES - 1} each (read + change + approval + execute + verify + answer, {steps} node runs)"
    )
    for label, per_step, times in (
        ("bare LangGraph", bare_step, bare_times),
        ("Binks graph", binks_step, binks_times),
    ):
        print(
            f"{label:15s}: {per_step:6.2f} ms per step"
            f" (median cycle {statistics.median(times) * 1000:.1f} ms)"
        )
    paired = statistics.median(binks / bare for bare, binks in zip(bare_times, binks_times, strict=True))
    print(
        f"ratio          : {paired:.2f}x (goal <= 1.3x; each Binks cycle against the bare one just"
        f" before it; ratio of the medians {binks_step / bare_step:.2f}x)   ({load_text()})"
    )
    medians = (statistics.median(bare_times) * 1000, statistics.median(binks_times) * 1000)
    for text in breakdown.report(bare_tally, binks_tally, BREAKDOWN_CYCLES, *medians):
        print(text)


if __name__ == "__main__":
    arguments = parser(__doc__.splitlines()[0]).parse_args()
    print(f"before: {load_text()}; busy processes: {arguments.under_load}")
    with busy(arguments.under_load):
        asyncio.run(main())
