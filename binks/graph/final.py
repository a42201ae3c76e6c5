"""The final answer, asked for with no tools bound, and what it says was not checked.

Some runs must end before the model decides to: it reached the turn bound
(``BINKS_MAX_STEPS``) or the bound on rejected and failed plans (``BINKS_MAX_REPLANS``),
kept repeating calls, or could not write a valid call twice in a row. Such a run still
ends with the best answer the evidence supports: the model is asked once more, with no
tools bound, to answer from the tool results gathered so far. If it
gives nothing usable (empty, or another tool call), the answer is built from those results
directly. The closing note says why the answer came early and which calls failed, so a
person knows what was not checked. A run never ends empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from binks.graph.asking import ask_model
from binks.graph.repair import parse_text_calls
from binks.graph.repeats import CallFailures
from binks.graph.texts import message_text, only_data
from binks.settings import Settings

FinalReason = Literal["bound", "replans", "repeats", "failing", "invalid", "empty", "data"]

FINAL_KEY = "binks_final"
"""Response-metadata key on an answer asked for with no tools bound (its value: the reason)."""

FINAL_PROMPT = (
    "Stop calling tools now. Answer the task in plain words from the tool results above:"
    " name the objects and values you found, and say what you could not find out."
)
_SHOWN_RESULTS = 3
_RESULT_CHARS = 400


async def final_answer(
    model: BaseChatModel, messages: Sequence[BaseMessage], settings: Settings, reason: FinalReason
) -> AIMessage:
    """The model's answer with no tools bound; built from the tool results if it gives none."""
    answer = await ask_model(model, [*messages, HumanMessage(content=FINAL_PROMPT)], settings)
    text = message_text(answer).strip()
    if not text or parse_text_calls(text) is not None or only_data(text):
        text = evidence_answer(messages)
    return AIMessage(
        content=text,
        id=answer.id,
        response_metadata={**answer.response_metadata, FINAL_KEY: reason},
        usage_metadata=answer.usage_metadata,
    )


def evidence_answer(messages: Sequence[BaseMessage]) -> str:
    """An answer made of the last tool results, when the model gives none."""
    results = [m for m in messages if isinstance(m, ToolMessage) and message_text(m).strip()]
    if not results:
        return "The model gave no answer, and no tool returned anything in this task."
    shown = []
    for result in results[-_SHOWN_RESULTS:]:
        text = message_text(result).strip()
        if len(text) > _RESULT_CHARS:
            text = text[: _RESULT_CHARS - 1] + "…"
        shown.append(f"- {result.name or 'tool'}: {text}")
    return "The model gave no final answer. What the tools returned last:\n" + "\n".join(shown)


def closing_note(
    reason: FinalReason, failures: dict[str, CallFailures], settings: Settings, detail: str = ""
) -> str:
    """Why the answer came early, and the calls that failed (what was not checked)."""
    if reason == "failing" and not detail:
        stuck = [record for record in failures.values() if record.refused > 1]
        detail = f" (`{stuck[0].call}`)" if stuck else ""
    why = {
        "bound": f"Binks ended the task after {settings.max_steps} model turns (BINKS_MAX_STEPS)",
        "replans": f"{settings.max_replans + 1} plans were rejected or failed (BINKS_MAX_REPLANS="
        f"{settings.max_replans}), so nothing more will be tried; say what you want differently",
        "repeats": "The model kept asking for results it already had, so Binks asked it for its answer",
        "failing": f"The model kept repeating a call that fails{detail}, so Binks asked it for its answer",
        "invalid": f"The model's tool call could not be used{detail}; nothing more was run",
        "empty": "The model gave empty answers, so this answer is built from the tool results",
        "data": "The model answered with data only (a call or a tool result) or with the question"
        " itself, so this answer is built from the tool results",
    }[reason]
    failed = [
        f"`{record.call or key}` ({record.error[:120]})" for key, record in failures.items() if record.count
    ]
    unchecked = f" Not checked (these calls failed): {'; '.join(failed[:3])}." if failed else ""
    return f"({why}; this answer rests on the results gathered so far.{unchecked})"
