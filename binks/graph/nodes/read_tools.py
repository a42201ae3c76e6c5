"""read_tools: the tool layer classifies every call; reads run at once, changes wait.

The model never decides what needs approval: ``Toolbox.assess`` does. A refused call is
answered with the reason and the kubectl-native way to ask; a destructive call in a
protected namespace is refused by policy here, before any dry-run or question; a read runs
and its output goes back to the model; a mutating call becomes a pending plan step for
``propose``. The same failing call made again and again is stopped
(:mod:`binks.graph.repeats`).
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage, ToolMessage

from binks.errors import ClusterError, CommandRefused
from binks.graph.canonical import call_key
from binks.graph.deps import GraphDeps, Node
from binks.graph.events import emit
from binks.graph.loops import REPEAT_LIMIT, SeenCall, duplicate_text, excerpt, repeat_text
from binks.graph.marks import REFUSED_BY_KEY, REPEATED_KEY
from binks.graph.policy import protected_refusal
from binks.graph.prompts import REFUSED_HINT
from binks.graph.repeats import (
    FAILURE_LIMIT,
    CallFailures,
    describe_call,
    failed_again,
    not_run,
    shorten,
)
from binks.graph.state import AgentState, PendingCall, dump


def make_read_tools(deps: GraphDeps) -> Node:
    """The read_tools node bound to the toolbox in ``deps``."""
    toolbox = deps.toolbox

    async def run_one(name: str, args: dict[str, Any]) -> tuple[bool, str, PendingCall | None, str | None]:
        """(ok, output, pending change, policy refusal) of one call."""
        try:
            classification = toolbox.assess(name, args)
        except CommandRefused as exc:
            return False, f"Refused: {exc}", None, None
        except ValueError as exc:
            return False, f"Refused: {exc}. {REFUSED_HINT}", None, None
        if classification.mutating:
            refusal = protected_refusal(
                classification.verb,
                classification.risk,
                [classification.namespace, *classification.namespaces],
                deps.settings,
            )
            if refusal:
                return False, f"Refused: {refusal}.", None, "protected_namespace"
            return True, "", PendingCall(step_id="", call_id="", name=name, args=args), None
        try:
            result = await toolbox.read(name, args)
        except (ClusterError, CommandRefused, ValueError) as exc:
            return False, f"Error: {exc}", None, None
        output = result.output
        if result.truncated_bytes:
            output += f"\n[{result.truncated_bytes} more bytes cut; narrow the query]"
        return result.ok, output, None, None

    async def read_tools(state: AgentState) -> dict[str, Any]:
        last = state["messages"][-1]
        if not isinstance(last, AIMessage):
            raise ValueError("read_tools runs only after a model answer with tool calls")
        answers: list[ToolMessage] = []
        pending: list[PendingCall] = []
        failures = _failures(state)
        seen = {key: SeenCall.model_validate(raw) for key, raw in (state.get("seen") or {}).items()}
        repeats = int(state.get("repeats") or 0)
        in_answer: dict[str, str] = {}
        update: dict[str, Any] = {}
        for call in last.tool_calls:
            call_id = str(call.get("id"))
            name, args = call["name"], call["args"]
            emit("tool_call", {"id": call_id, "name": name, "args": args})
            key = call_key(name, args)
            if key in in_answer:
                answers.append(_answer(call_id, name, True, duplicate_text(in_answer[key]), repeated=True))
                continue
            in_answer[key] = call_id
            record = failures.get(key)
            if record is not None and record.count >= FAILURE_LIMIT:
                record.refused += 1
                if record.refused > 1:
                    update["final_only"] = "failing"
                answers.append(_answer(call_id, name, False, not_run(record), repeated=True))
                continue
            if key in seen:
                repeats += 1
                if repeats >= REPEAT_LIMIT:
                    update["final_only"] = "repeats"
                answers.append(_answer(call_id, name, True, repeat_text(seen[key]), repeated=True))
                continue
            ok, output, change, policy = await run_one(name, args)
            if change is not None:
                step_id = f"s{len(pending) + 1}"
                pending.append(change.model_copy(update={"step_id": step_id, "call_id": call_id}))
                continue
            if not ok:
                record = failures.setdefault(key, CallFailures(call=describe_call(name, args)))
                record.count += 1
                record.error = shorten(output)
                if record.count >= FAILURE_LIMIT:
                    output += failed_again(record)
            elif policy is None:
                seen[key] = SeenCall(
                    call_id=call_id, turn=int(state.get("turns") or 0), excerpt=excerpt(output)
                )
            answers.append(_answer(call_id, name, ok, output, refused_by=policy))
        update["failures"] = {key: record.model_dump() for key, record in failures.items()}
        update["seen"] = {key: entry.model_dump() for key, entry in seen.items()}
        update["repeats"] = repeats
        update["messages"] = answers
        update["calls"] = dump(pending)
        return update

    return read_tools


def _failures(state: AgentState) -> dict[str, CallFailures]:
    return {key: CallFailures.model_validate(raw) for key, raw in (state.get("failures") or {}).items()}


def _answer(
    call_id: str, name: str, ok: bool, output: str, *, refused_by: str | None = None, repeated: bool = False
) -> ToolMessage:
    """The tool result for the model, and its ``tool_result`` event."""
    event: dict[str, Any] = {"id": call_id, "name": name, "ok": ok, "output": output}
    if refused_by:
        event["refused_by"] = refused_by
    if repeated:
        event["repeated"] = True
    emit("tool_result", event)
    status: Literal["success", "error"] = "success" if ok else "error"
    marks: dict[str, Any] = {}
    if refused_by:
        marks[REFUSED_BY_KEY] = refused_by
    if repeated:
        marks[REPEATED_KEY] = True
    return ToolMessage(
        content=output, tool_call_id=call_id, name=name, status=status, additional_kwargs=marks
    )
