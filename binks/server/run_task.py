"""One run: drive the graph's stream, write its events, and say how it ended.

:func:`drive` never raises for what happens inside the graph: a model or cluster error, a
cancel, a shutdown drain, a bug — each becomes a :class:`Finale` (the thread's new status
and the last event of the run), which the run manager applies under the thread's lock.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.errors import GraphDrained, GraphRecursionError
from langgraph.runtime import RunControl
from langgraph.types import Command, Durability, StreamMode

from binks.checkpoints.threads import ThreadStatus
from binks.errors import BinksError
from binks.graph.approval import PendingApproval, pending_in
from binks.graph.deps import RUN_ID_KEY
from binks.graph.events import EVENTS_KEY
from binks.logs import log_context
from binks.server.instrument import ModelTimer
from binks.server.outbox import Outbox
from binks.server.streaming import EventTranslator
from binks.tools.shown import redact_payload

if TYPE_CHECKING:
    from binks.server.runs import RunManager

logger = logging.getLogger(__name__)

RunKind = Literal["start", "message", "decision", "resume"]
STREAM_MODE: StreamMode = "custom"
"""LangGraph's stream carries nothing the server reads: the nodes hand their events and the
model's tokens to the run's outbox in line (``binks.graph.events``). ``custom`` is the mode
that costs nothing when nothing is written to it; state updates are not streamed (each
would cost LangGraph a copy of a node's whole update per step; the state is read once at
a run's end)."""
DURABILITY: Durability = "async"
"""Checkpoints are written while the next step runs. A crash may lose the last of them: a
lost approval is asked again, and execute's durable intent (on disk before kubectl runs)
keeps a change from running twice (``tests/graph/test_crash_safety.py``)."""


@dataclass
class Run:
    """A run in progress (or just finished): its id, how to stop it, how it ended."""

    run_id: str
    thread_id: str
    kind: RunKind
    control: RunControl = field(default_factory=RunControl)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    cancel_requested: bool = False
    status: ThreadStatus = "running"
    result: str | None = None
    error: str | None = None
    pending: PendingApproval | None = None
    claimed: bool = False
    """True once the thread's row names this run (its claim committed)."""


@dataclass
class Finale:
    """How a run ended: the thread's status and the run's last event."""

    status: ThreadStatus
    event: str
    data: dict[str, Any]
    error: str | None = None


def thread_config(thread_id: str, run_id: str | None = None) -> RunnableConfig:
    """The LangGraph config of a thread (the graph sets its own recursion limit).

    With ``run_id``, execute's intent claims are fenced by it (``binks.graph.deps.run_of``).
    """
    configurable: dict[str, Any] = {"thread_id": thread_id}
    if run_id is not None:
        configurable[RUN_ID_KEY] = run_id
    return {"configurable": configurable}


def pending_out(pending: PendingApproval) -> dict[str, Any]:
    """The JSON of a pending approval, as events and responses carry it."""
    return {
        "interrupt_id": pending.interrupt_id,
        "plan_hash": pending.plan_hash,
        "plan": redact_payload(pending.plan.model_dump(mode="json")),
    }


async def drive(manager: RunManager, run: Run, graph_input: dict[str, Any] | Command[Any] | None) -> Finale:
    """Run the graph to its end or next approval, emitting events; report how it ended.

    ``run_started`` was written with the run's claim; the graph's own events follow it, all
    written before this returns (the run's last event comes after them).
    """

    async def emit(event: str, data: dict[str, Any]) -> None:
        await manager.events.append(run.thread_id, event, {"run_id": run.run_id, **data})

    translator = EventTranslator(emit)
    config = thread_config(run.thread_id, run.run_id)
    config["callbacks"] = [ModelTimer(manager.metrics)]
    with log_context(thread_id=run.thread_id, run_id=run.run_id):
        try:
            async with Outbox(translator.take) as outbox:
                config["configurable"][EVENTS_KEY] = outbox.put
                await manager.graph.ainvoke(
                    graph_input, config, stream_mode=STREAM_MODE, durability=DURABILITY, control=run.control
                )
            await translator.flush()
            return await _settled(manager, run, translator, config)
        except GraphDrained as exc:
            await translator.flush()
            return _stopped(run, exc.reason)
        except asyncio.CancelledError:
            # We are the only ones who cancel this task (cancel or shutdown past its grace).
            return _stopped(run, "cancel" if run.cancel_requested else "shutdown")
        except GraphRecursionError as exc:
            logger.warning("run stopped at the recursion limit: %s", exc)
            return _failed(run, "the run took too many steps and was stopped; send a narrower task")
        except BinksError as exc:
            logger.warning("run failed: %s", exc)
            return _failed(run, str(exc))
        except Exception as exc:
            logger.exception("run failed with an unexpected error")
            return _failed(run, f"internal error ({type(exc).__name__}); see the server log")


async def _settled(
    manager: RunManager, run: Run, translator: EventTranslator, config: RunnableConfig
) -> Finale:
    # One read of the thread's state answers both: does it wait for a person, or what is its answer.
    state = await manager.graph.aget_state(config)
    pending = pending_in(state)
    if pending is not None:
        run.pending = pending
        data = {**translator.held.get("approval_required", {}), **pending_out(pending)}
        return Finale(status="awaiting_approval", event="approval_required", data=data)
    answer = state.values.get("final_answer")
    run.result = answer if isinstance(answer, str) else None
    return Finale(status="completed", event="run_completed", data={"result": run.result})


def _stopped(run: Run, reason: str) -> Finale:
    if reason == "cancel":
        return Finale(status="cancelled", event="run_cancelled", data={"reason": "cancelled on request"})
    message = (
        f"the server stopped this run at a checkpoint; continue it with POST /threads/{run.thread_id}/resume"
    )
    run.error = message
    return Finale(
        status="interrupted",
        event="run_failed",
        data={"error": message, "resumable": True, "status": "interrupted"},
        error=message,
    )


def _failed(run: Run, message: str) -> Finale:
    run.error = message
    return Finale(
        status="failed",
        event="run_failed",
        data={"error": message, "resumable": True, "status": "failed"},
        error=message,
    )
