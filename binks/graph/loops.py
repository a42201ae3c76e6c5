"""Loops on success: the same successful read, asked for again, is not run again.

A small model that got its answer often asks the same question again (and again: one run
called ``get_cluster_status`` 25 times). Within a task, and until a change runs (which can
change any read's answer), Binks remembers each successful read by its canonical key
(:func:`binks.graph.canonical.call_key`). A repeat is answered without running, with a
reference to the earlier result and the start of it, and the model is told to answer or
do something different. After :data:`REPEAT_LIMIT` such repeats the model is asked for its
final answer with no tools bound (:mod:`binks.graph.final`).
"""

from __future__ import annotations

from pydantic import BaseModel

from binks.graph.repeats import shorten

REPEAT_LIMIT = 2
"""Repeats not run in a task before the model must give its final answer."""
_EXCERPT = 240


class SeenCall(BaseModel):
    """A successful read of this task: where its result is, and how it began."""

    call_id: str
    turn: int
    excerpt: str


def excerpt(output: str) -> str:
    """The start of a result on one line, enough for a small model to find it again."""
    return shorten(output, _EXCERPT)


def repeat_text(seen: SeenCall) -> str:
    """The tool result for a repeated successful call, which Binks does not run again."""
    return (
        f"Not run again: this exact call already succeeded (call {seen.call_id}, turn {seen.turn}) and"
        f" nothing has changed since. Its result, above, began: {seen.excerpt} -- Answer the task from"
        " that result now, or make a different call."
    )


def duplicate_text(first_id: str) -> str:
    """The tool result for a call repeated within one answer."""
    return f"Not run: the same call appears earlier in this answer (call {first_id}); see its result."
