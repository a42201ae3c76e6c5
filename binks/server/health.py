"""Health checks: the database, the model backend and the cluster, each bounded and cached.

``/health`` is what systemd, a load balancer or a person's ``curl`` asks, often; the checks
reach out to Ollama and the cluster, so their results are kept for a few seconds and each
check gets a short timeout. A missing model or an unreachable cluster makes the server
*degraded*, not down: threads, history and decisions still work.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from binks.server.schemas import CheckOut

logger = logging.getLogger(__name__)

Check = Callable[[], Awaitable[CheckOut]]

#: Seconds a check result is reused.
CACHE_S = 5.0
#: Seconds one check may take before it counts as failed.
CHECK_TIMEOUT_S = 5.0


class HealthChecker:
    """Runs named checks concurrently and caches their results briefly."""

    def __init__(self, checks: dict[str, Check]) -> None:
        self._checks = checks
        self._cached: dict[str, CheckOut] | None = None
        self._at = 0.0
        self._lock = asyncio.Lock()

    async def results(self) -> dict[str, CheckOut]:
        """Every check's current result (cached for :data:`CACHE_S`)."""
        async with self._lock:
            if self._cached is None or time.monotonic() - self._at > CACHE_S:
                names = list(self._checks)
                outcomes = await asyncio.gather(*(self._one(name) for name in names))
                self._cached = dict(zip(names, outcomes, strict=True))
                self._at = time.monotonic()
            return dict(self._cached)

    async def _one(self, name: str) -> CheckOut:
        try:
            return await asyncio.wait_for(self._checks[name](), CHECK_TIMEOUT_S)
        except TimeoutError:
            return CheckOut(ok=False, detail=f"no answer within {CHECK_TIMEOUT_S:.0f} s")
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, exc)
            return CheckOut(ok=False, detail=str(exc) or type(exc).__name__)
