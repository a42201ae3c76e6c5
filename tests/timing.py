"""Time in tests: waits are generous and scale with one setting; no assertion is on speed.

A test waits for an event (a gate, a log line, a request the API server holds), never for
a duration it hopes is long enough. Where a test must bound a wait (so a hang fails rather
than blocks), the bound is generous and multiplied by ``BINKS_TEST_SLOWDOWN`` (default 1):
on a machine that is slow or busy with other work, ``BINKS_TEST_SLOWDOWN=4 scripts/check``
gives every such wait, and pytest-timeout's per-test limit, four times as long. A fault a
test provokes with a short timeout comes from something that never answers in time
(a held request, a model that waits on a gate), not from a machine assumed to be fast.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

SLOWDOWN_ENV = "BINKS_TEST_SLOWDOWN"


def slowdown() -> float:
    """The factor from ``BINKS_TEST_SLOWDOWN`` (at least 1)."""
    raw = os.environ.get(SLOWDOWN_ENV, "").strip()
    if not raw:
        return 1.0
    try:
        factor = float(raw)
    except ValueError:
        raise ValueError(f"{SLOWDOWN_ENV}={raw!r} is not a number; set it to e.g. 2 or 4") from None
    if not factor >= 1:
        raise ValueError(f"{SLOWDOWN_ENV}={raw!r} must be at least 1 (it only ever lengthens waits)")
    return factor


def generous(seconds: float) -> float:
    """A bound on a wait that should end far sooner: ``seconds`` times the slowdown."""
    return seconds * slowdown()


async def eventually(condition: Callable[[], object], what: str, timeout: float = 30) -> None:
    """Wait until ``condition()`` is true; fail naming ``what`` after ``generous(timeout)`` s.

    For states a test cannot be told about directly (another thread's flag, a file, a row).
    """
    deadline = time.monotonic() + generous(timeout)
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)
