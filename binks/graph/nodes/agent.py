"""agent: one model turn, with tool-call repair and the turn bound.

The model sees a short system prompt, the conversation, and the four tools. Its calls are
validated against the tool schemas (:mod:`binks.graph.repair`); calls written as text are
turned into real calls; an invalid or empty answer gets one corrective retry. The system
prompt carries the task's cluster context (context name, namespaces), read once per task.
A text answer given while no tool was called in the task is nudged once
(:mod:`binks.graph.guards`). Backend failures raise :class:`ModelError` out of the run,
leaving the thread resumable at this node.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable

from binks.errors import ClusterError
from binks.graph.asking import ask_model
from binks.graph.constrained import bind_constrained, tools_listing, unwrap_answer
from binks.graph.deps import GraphDeps, Node
from binks.graph.final import FINAL_KEY, FinalReason, closing_note, evidence_answer, final_answer
from binks.graph.guards import NUDGED_KEY, nudge_for, nudge_text
from binks.graph.model import bind_agent_tools
from binks.graph.prompts import EMPTY_ANSWER_PROMPT, corrective_prompt, system_messages
from binks.graph.repair import CallCheck, ToolSchemas, check_message, repaired_message
from binks.graph.repeats import CallFailures
from binks.graph.review import answer_review, echoes, namespaces_of, recovery
from binks.graph.routing import starts_direct
from binks.graph.state import AgentState
from binks.graph.texts import message_text, only_data
from binks.graph.toolsets import shown_for
from binks.settings import Settings
from binks.tools.models import ClusterContext

MessageT = TypeVar("MessageT", bound=BaseMessage)

REVIEWED_KEY = "binks_reviewed"
"""Response-metadata key on an answer given after a review re-ask (its value: the review kind)."""

FEEDBACK_PREFIX = "feedback-"
"""Ids of messages Binks adds on the person's behalf (a 'respond' decision): not a new task."""


def _task_text(state: AgentState) -> str:
    """The person's latest task, as text."""
    key = task_key(state)
    found = next((m for m in state.get("messages") or [] if m.id == key), None)
    return message_text(found) if found is not None else ""


def task_key(state: AgentState) -> str | None:
    """Id of the person's latest task message; counters and results belong to it."""
    for message in reversed(state.get("messages") or []):
        if isinstance(message, HumanMessage) and _is_task(message):
            return message.id
    return None


def new_task_reset(state: AgentState) -> dict[str, Any]:
    """A fresh task: counters, plan and results of the previous one are cleared."""
    key = task_key(state)
    if key is None or key == state.get("run_key"):
        return {}
    return {
        "run_key": key,
        "turns": 0,
        "replans": 0,
        "calls": [],
        "plan": None,
        "plan_hash": None,
        "note": None,
        "decision": None,
        "approved": [],
        "attempts": {},
        "outcomes": [],
        "history": [],
        "feedback": None,
        "failures": {},
        "context": None,
        "seen": {},
        "repeats": 0,
        "final_only": None,
        "closing_note": None,
        "retries": {},
        "stop_reason": None,
        "final_answer": "",
        "direct": False,
    }


TASK_BINDINGS = 256
"""Task texts whose tool binding the agent keeps at hand."""


def make_agent(deps: GraphDeps) -> Node:
    """The agent node bound to the model and tools in ``deps``."""
    schemas = ToolSchemas(deps.specs)  # every real tool validates, shown or not
    bindings: dict[str, tuple[Runnable[LanguageModelInput, BaseMessage], str | None]] = {}

    @functools.lru_cache(maxsize=TASK_BINDINGS)
    def binding(task: str) -> tuple[Runnable[LanguageModelInput, BaseMessage], str | None]:
        """The model bound to the tools this task is shown (see ``toolsets``), and their listing.

        One binding per tool set (tasks share a few), found once per task text: every turn of
        a task asks for it, and choosing the tools reads the task's words against each one.
        """
        specs = shown_for(task, deps.specs)
        key = json.dumps(specs, sort_keys=True)
        if key not in bindings:
            if deps.settings.output_mode == "json":
                bindings[key] = (bind_constrained(deps.model, specs, deps.settings), tools_listing(specs))
            else:
                bindings[key] = (bind_agent_tools(deps.model, specs, deps.settings), None)
        return bindings[key]

    async def agent(state: AgentState) -> dict[str, Any]:
        if starts_direct(state):
            return {}  # a direct run's given call goes to the tools: no model turn
        update = new_task_reset(state)
        turns = int(update.get("turns", state.get("turns", 0)))
        context = None if "run_key" in update else state.get("context")
        if context is None:
            context = await _context_line(deps)
            update["context"] = context
        bound, listing = binding(_task_text(state))
        messages: list[BaseMessage] = [*system_messages(context, listing), *state["messages"]]
        early: FinalReason | None = None if "run_key" in update else state.get("final_only")  # type: ignore[assignment]
        if turns >= deps.settings.max_steps:
            early = "bound"
        if early is not None:
            return {**update, **await _early_answer(deps, state, messages, early, turns)}
        answer, check = await _answer(bound, messages, schemas, deps.settings)
        if _empty(answer):
            return {**update, **await _early_answer(deps, state, messages, "empty", turns)}
        if not check.errors and not check.calls:
            answer, check = await _nudged(bound, messages, answer, check, schemas, deps.settings)
            answer, check = await _reviewed(
                bound, messages, answer, check, schemas, deps.settings, state, update
            )
        if check.errors and not check.calls:
            reason = "; ".join(check.errors)
            return {**update, **await _early_answer(deps, state, messages, "invalid", turns, f" ({reason})")}
        if not check.calls and (
            only_data(_text(answer)) or echoes(_current_task(messages)[1], _text(answer))
        ):
            # Asked again and still only data (a call without its tool, an echoed result, a
            # made-up JSON value) or the question itself: the person gets the tool results.
            return {**update, **await _early_answer(deps, state, messages, "data", turns)}
        update["turns"] = turns + 1
        update["messages"] = [repaired_message(answer, check) if check.calls or check.errors else answer]
        return update

    return agent


async def _early_answer(
    deps: GraphDeps,
    state: AgentState,
    messages: list[BaseMessage],
    reason: FinalReason,
    turns: int,
    detail: str = "",
) -> dict[str, Any]:
    """The final answer asked for with no tools bound, and the note on what was not checked."""
    if reason in ("empty", "data"):
        answer = AIMessage(content=evidence_answer(messages), response_metadata={FINAL_KEY: reason})
    else:
        answer = await final_answer(deps.model, messages, deps.settings, reason)
    failures = {key: CallFailures.model_validate(raw) for key, raw in (state.get("failures") or {}).items()}
    return {
        "turns": turns + 1,
        "messages": [answer],
        "final_only": None,
        "closing_note": closing_note(reason, failures, deps.settings, detail),
    }


async def _reviewed(
    bound: Runnable[LanguageModelInput, BaseMessage],
    messages: list[BaseMessage],
    answer: AIMessage,
    check: CallCheck,
    schemas: ToolSchemas,
    settings: Settings,
    state: AgentState,
    update: dict[str, Any],
) -> tuple[AIMessage, CallCheck]:
    """A final text answer that gives up after an error, or fails the answer check, is asked again."""
    if check.calls or check.errors:
        return answer, check
    current, task = _current_task(messages)
    retries = dict(update.get("retries", state.get("retries")) or {})
    namespaces = namespaces_of(update.get("context", state.get("context")))
    while not check.calls and not check.errors:
        text = _text(answer)
        review = recovery(text, current, retries.get("recover", 0)) or answer_review(
            task, text, current, namespaces, retries.get("answer", 0)
        )
        if review is None:
            break
        retries[review.kind] = retries.get(review.kind, 0) + 1
        update["retries"] = retries
        retry = [*messages, AIMessage(content=text), HumanMessage(content=review.prompt)]
        second, second_check = await _answer(bound, retry, schemas, settings)
        if _empty(second):
            break
        second.response_metadata = {**second.response_metadata, REVIEWED_KEY: review.kind}
        answer, check = second, second_check
    return answer, check


async def _context_line(deps: GraphDeps) -> str:
    """The cluster context line for the prompt; a cluster that cannot be read is said so."""
    try:
        context = await deps.toolbox.cluster_context()
    except ClusterError as exc:
        context = ClusterContext(error=str(exc))
    return context.line()


def task_messages(messages: Sequence[MessageT], key: str | None) -> list[MessageT]:
    """The messages of the task whose person's message has id ``key`` (all when not found)."""
    start = next((i for i, m in enumerate(messages) if m.id == key), 0)
    return list(messages[start:])


async def _nudged(
    bound: Runnable[LanguageModelInput, BaseMessage],
    messages: list[BaseMessage],
    answer: AIMessage,
    check: CallCheck,
    schemas: ToolSchemas,
    settings: Settings,
) -> tuple[AIMessage, CallCheck]:
    """A text answer given with no tool called in the task is nudged once (see ``guards``)."""
    current, task = _current_task(messages)
    kind = nudge_for(task, _text(answer), current)
    if kind is None:
        return answer, check
    retry = [*messages, AIMessage(content=_text(answer)), HumanMessage(content=nudge_text(kind))]
    second, second_check = await _answer(bound, retry, schemas, settings)
    second.response_metadata = {**second.response_metadata, NUDGED_KEY: kind}
    return second, second_check


def _current_task(messages: list[BaseMessage]) -> tuple[list[BaseMessage], str]:
    """The messages of the task being worked on, and its text."""
    key = next((m.id for m in reversed(messages) if isinstance(m, HumanMessage) and _is_task(m)), None)
    current = task_messages([m for m in messages if not isinstance(m, SystemMessage)], key)
    task = _text(current[0]) if current and isinstance(current[0], HumanMessage) else ""
    return current, task


def _is_task(message: HumanMessage) -> bool:
    return not (message.id or "").startswith(FEEDBACK_PREFIX)


async def _answer(
    bound: Runnable[LanguageModelInput, BaseMessage],
    messages: list[BaseMessage],
    schemas: ToolSchemas,
    settings: Settings,
) -> tuple[AIMessage, CallCheck]:
    """Ask the model; on an invalid or empty answer, ask once more with the reason."""
    answer = unwrap_answer(await ask_model(bound, messages, settings))
    check = check_message(answer, schemas)
    if not check.errors and not _empty(answer):
        return answer, check
    prompt = corrective_prompt(check.errors, schemas.names) if check.errors else EMPTY_ANSWER_PROMPT
    retry = [*messages, AIMessage(content=_text(answer) or "(empty)"), HumanMessage(content=prompt)]
    second = unwrap_answer(await ask_model(bound, retry, settings))
    return second, check_message(second, schemas)


_text = message_text


def _empty(message: AIMessage) -> bool:
    return not message.tool_calls and not message.invalid_tool_calls and not _text(message).strip()
