"""respond: the final answer, built from what the state says happened.

The model's last text is included, but the list of changes comes from the recorded step
outcomes and verifications, so the answer cannot claim success for a step that failed or
never ran. An answer about the cluster given without any tool call says that nothing was
checked. Tool calls left unanswered by a stop are answered here, so the thread's
history stays valid for the next task. A direct run (no model) says why its call was not
proposed, or what the person answered instead of approving.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from binks.graph.deps import GraphDeps, Node
from binks.graph.events import emit
from binks.graph.guards import UNCHECKED_NOTE, about_cluster, tool_called
from binks.graph.nodes.agent import FEEDBACK_PREFIX, task_key, task_messages
from binks.graph.state import AgentState, get_outcomes

NO_ANSWER = "(The model gave no answer.)"
CHANGES_HEADER = "Changes in this task (as recorded and verified by Binks):"


def make_respond(_deps: GraphDeps) -> Node:
    """The respond node."""

    async def respond(state: AgentState) -> dict[str, Any]:
        current = task_messages(state.get("messages") or [], task_key(state))
        parts: list[str] = []
        stop = state.get("stop_reason")
        last = current[-1] if current else None
        if isinstance(last, AIMessage) and not last.tool_calls and isinstance(last.content, str):
            if last.content.strip() and not stop:
                parts.append(last.content.strip())
                task = current[0].content if isinstance(current[0], HumanMessage) else ""
                if not tool_called(current) and about_cluster(str(task)):
                    parts.append(UNCHECKED_NOTE)
        note = state.get("closing_note")
        if note and not stop:
            parts.append(note)
        if stop:
            parts.append(stop)
        history = get_outcomes(state, "history")
        if history:
            lines = "\n".join(f"- {outcome.line()}" for outcome in history)
            parts.append(f"{CHANGES_HEADER}\n{lines}")
        if state.get("direct"):
            parts.extend(_direct_notes(current, bool(history)))
        final = "\n\n".join(parts) or NO_ANSWER
        emit("message", {"role": "assistant", "text": final, "final": True})
        return {"final_answer": final, "messages": _answer_dangling(current)}

    return respond


def _direct_notes(messages: list[Any], planned: bool) -> list[str]:
    """What a direct run adds: why no plan came (refused, a read, dry-run failed), or the person's words.

    There is no model text in a direct run, so these come from the recorded tool results.
    """
    notes: list[str] = []
    if not planned:
        notes.extend(
            f"No plan was made for the proposed call: {message.content}"
            for message in messages
            if isinstance(message, ToolMessage) and message.content
        )
    notes.extend(
        f"The person answered instead of approving: {message.content}"
        for message in messages
        if isinstance(message, HumanMessage) and (message.id or "").startswith(FEEDBACK_PREFIX)
    )
    return notes


def _answer_dangling(messages: list[Any]) -> list[ToolMessage]:
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    return [
        ToolMessage(content="Not run: the task stopped first.", tool_call_id=str(call["id"]), status="error")
        for m in messages
        if isinstance(m, AIMessage)
        for call in m.tool_calls
        if call.get("id") not in answered
    ]
