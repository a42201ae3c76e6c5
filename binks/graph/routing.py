"""The edges: each router reads the state as a node leaves it and names the next node.

A direct run (:mod:`binks.graph.direct`) passes through ``agent`` to ``read_tools`` with
its given call and never goes back to the model: wherever a model run would return to
``agent``, it ends in ``respond``.
"""

from __future__ import annotations

from typing import Literal

from langchain_core.messages import AIMessage

from binks.graph.state import AgentState, get_calls, get_outcomes, next_step_id


def starts_direct(state: AgentState) -> bool:
    """A direct run that has not yet started: its given call is the last message.

    Every run enters at the agent node; a direct run passes through it without a model
    turn, and :func:`after_agent` sends its call to the tools.
    """
    last = state["messages"][-1] if state.get("messages") else None
    return bool(state.get("direct")) and isinstance(last, AIMessage) and bool(last.tool_calls)


def after_agent(state: AgentState) -> Literal["read_tools", "respond"]:
    """Tool calls go to the tools; an answer, or a hit bound, ends the turn."""
    if state.get("stop_reason"):
        return "respond"
    last = state["messages"][-1]
    if isinstance(last, AIMessage) and last.tool_calls:
        return "read_tools"
    return "respond"


def after_read_tools(state: AgentState) -> Literal["propose", "agent", "respond"]:
    """Mutating calls become a plan; otherwise the results go back to the model (or a stop ends it)."""
    if state.get("stop_reason"):
        return "respond"
    if get_calls(state):
        return "propose"
    return "respond" if state.get("direct") else "agent"


def after_propose(state: AgentState) -> Literal["approve", "agent", "respond"]:
    """A plan is decided; a failed proposal goes back to the model (or ends at the bound)."""
    if state.get("plan") is not None:
        return "approve"
    return "respond" if state.get("stop_reason") or state.get("direct") else "agent"


def after_approve(state: AgentState) -> Literal["execute", "propose", "verify"]:
    """Approve runs; edit is proposed again; reject and respond close the plan in verify."""
    action = (state.get("decision") or {}).get("action")
    if action == "approve" and next_step_id(state) is not None:
        return "execute"
    if action == "edit":
        return "propose"
    return "verify"


def after_execute(state: AgentState) -> Literal["execute", "approve", "verify"]:
    """One step per super-step; an uncertain step goes back to the person."""
    outcomes = get_outcomes(state)
    if outcomes and outcomes[-1].status == "uncertain" and state.get("plan") is not None:
        return "approve"
    if outcomes and outcomes[-1].status != "executed":
        return "verify"
    return "execute" if next_step_id(state) is not None else "verify"


def after_verify(state: AgentState) -> Literal["agent", "respond"]:
    """Back to the model with the results, unless a bound was hit (or no model takes part)."""
    return "respond" if state.get("stop_reason") or state.get("direct") else "agent"
