"""read_tools: the tool layer classifies every call; reads run at once, changes wait.

The model never decides what needs approval: ``Toolbox.assess`` does. A refused call is
answered with the reason and the kubectl-native way to ask; a read runs and its output
goes back to the model; a mutating call becomes a pending plan step for ``propose``.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, ToolMessage

from binks.errors import ClusterError, CommandRefused
from binks.graph.deps import GraphDeps, Node
from binks.graph.events import emit
from binks.graph.prompts import REFUSED_HINT
from binks.graph.state import AgentState, PendingCall, dump


def make_read_tools(deps: GraphDeps) -> Node:
    """The read_tools node bound to the toolbox in ``deps``."""
    toolbox = deps.toolbox

    async def read_tools(state: AgentState) -> dict[str, Any]:
        last = state["messages"][-1]
        if not isinstance(last, AIMessage):
            raise ValueError("read_tools runs only after a model answer with tool calls")
        answers: list[ToolMessage] = []
        pending: list[PendingCall] = []
        for call in last.tool_calls:
            call_id = str(call.get("id"))
            name, args = call["name"], call["args"]
            emit("tool_call", {"id": call_id, "name": name, "args": args})
            try:
                classification = toolbox.assess(name, args)
            except (CommandRefused, ValueError) as exc:
                text = f"Refused: {exc}. {REFUSED_HINT}"
                answers.append(ToolMessage(content=text, tool_call_id=call_id, name=name, status="error"))
                emit("tool_result", {"id": call_id, "name": name, "ok": False, "output": text})
                continue
            if classification.mutating:
                step_id = f"s{len(pending) + 1}"
                pending.append(PendingCall(step_id=step_id, call_id=call_id, name=name, args=args))
                continue
            try:
                result = await toolbox.read(name, args)
                ok, output = result.ok, result.output
                if result.truncated_bytes:
                    output += f"\n[{result.truncated_bytes} more bytes cut; narrow the query]"
            except (ClusterError, CommandRefused, ValueError) as exc:
                ok, output = False, f"Error: {exc}"
            answers.append(
                ToolMessage(
                    content=output, tool_call_id=call_id, name=name, status="success" if ok else "error"
                )
            )
            emit("tool_result", {"id": call_id, "name": name, "ok": ok, "output": output})
        return {"messages": answers, "calls": dump(pending)}

    return read_tools
