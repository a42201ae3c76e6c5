"""Waiting in pilot tests for what a person would wait for (a card, a line), with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot

from binks.tui.widgets.conversation import Conversation, Entry
from tests.timing import generous


async def until(pilot: Pilot[int], predicate: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    """Let the app run until ``predicate`` holds; fail naming ``what`` after ``generous(timeout)`` s."""
    deadline = time.monotonic() + generous(timeout)
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)
    await pilot.pause()


def conversation_text(pilot: Pilot[int]) -> str:
    """Every entry of the conversation, one per line, as plain text."""
    pane = pilot.app.screen_stack[1].query_one(Conversation)
    return "\n".join(str(entry.render()) for entry in pane.query(Entry))
