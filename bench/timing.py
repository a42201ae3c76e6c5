"""Timing helpers the benchmarks share."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable


async def median_s(action: Callable[[], Awaitable[object]], runs: int) -> float:
    """Median seconds of ``runs`` calls of ``action``, after one warm-up call (pools, caches)."""
    await action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        await action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
