"""How long to wait before reconnecting to a stream, and when to give up.

Doubling from a short first delay keeps a quick server restart almost invisible while a
server that stays away is not hammered; a successful event resets the schedule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Reconnect delays: ``first``, doubling up to ``ceiling``; ``give_up_after`` s of failure."""

    first: float = 0.2
    ceiling: float = 5.0
    give_up_after: float | None = None
    attempt: int = 0
    _failing_since: float | None = field(default=None, repr=False)

    def next_delay(self) -> float | None:
        """The wait before the next attempt, or ``None`` when it is time to give up."""
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = now
        if self.give_up_after is not None and now - self._failing_since >= self.give_up_after:
            return None
        delay = min(self.first * 2.0**self.attempt, self.ceiling)
        self.attempt += 1
        return delay

    def reset(self) -> None:
        """The connection works again: start from the short delay next time."""
        self.attempt = 0
        self._failing_since = None
