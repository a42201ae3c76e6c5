"""Turn what the graph hands its run's sink into the Binks events that are stored.

The graph's own events (``tool_call``, ``plan_proposed``, ...) pass through as they are.
The model's tokens (``model_token``, one per piece the model streams) are coalesced so a
fast model does not cost one database write per token: tokens are sent together when a
tenth of a second has passed, when many have piled up, or when any other event comes
(so the order of events is kept).

``approval_required`` is held back: the run manager sends it itself once the run has ended
and the thread's status says ``awaiting_approval``, so a client that acts on it at once is
never told the thread is still busy.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from binks.graph.events import TOKEN

Emit = Callable[[str, dict[str, Any]], Awaitable[None]]

#: Send buffered tokens after this long, in seconds...
TOKEN_FLUSH_S = 0.1
#: ...or once this many characters are buffered.
TOKEN_FLUSH_CHARS = 400
#: Graph events the run manager sends itself when the run has settled.
HELD_EVENTS = frozenset({"approval_required"})


class EventTranslator:
    """Give it the graph's events in order (:meth:`take`); it emits Binks events through ``emit``."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._tokens: list[str] = []
        self._token_node: str | None = None
        self._since = 0.0
        self.seen: set[str] = set()
        self.held: dict[str, dict[str, Any]] = {}

    async def take(self, item: Mapping[str, Any]) -> None:
        """Handle one ``{"event", "data"}`` the graph handed its sink (``binks.graph.events``)."""
        event, data = item["event"], item["data"]
        if event == TOKEN:
            await self._token(str(data["text"]), str(data.get("node") or ""))
        else:
            await self.emit(event, data)

    async def emit(self, event: str, data: dict[str, Any]) -> None:
        """Emit an event after any buffered tokens, remembering which events this run sent."""
        if event in HELD_EVENTS:
            self.held[event] = data
            return
        await self.flush()
        self.seen.add(event)
        await self._emit(event, data)

    async def flush(self) -> None:
        """Send the buffered tokens as one ``model_token`` event."""
        if not self._tokens:
            return
        text = "".join(self._tokens)
        node = self._token_node
        self._tokens.clear()
        await self._emit("model_token", {"text": text, "node": node})

    async def _token(self, text: str, node: str) -> None:
        if self._tokens and node != self._token_node:
            await self.flush()
        if not self._tokens:
            self._since = time.monotonic()
            self._token_node = node
        self._tokens.append(text)
        if (
            time.monotonic() - self._since >= TOKEN_FLUSH_S
            or sum(map(len, self._tokens)) >= TOKEN_FLUSH_CHARS
        ):
            await self.flush()
