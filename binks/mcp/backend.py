"""How the MCP tools reach Binks: always through the HTTP API's client.

A :data:`ClientFactory` opens an :class:`~binks.client.AsyncBinksClient` for one tool call.
``binks mcp`` (stdio, on the workstation or a laptop) hands out one long-lived client that
talks to ``binks serve`` over the network, with the URL and key the CLI finds. The ``/mcp``
route inside ``binks serve`` hands out clients bound to its own app in-process (no socket).
Either way a tool call is an ordinary API request: the same key check, the same run
manager and its per-thread locks, the same audit log. There is one database writer, so
threads started through MCP are the threads ``binks threads``, the TUI and ``binks approve``
see, live.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from binks.client import AsyncBinksClient

ClientFactory = Callable[[], AbstractAsyncContextManager[AsyncBinksClient]]
"""Opens the client a tool call uses (and closes it, or keeps it for the next call)."""


def shared_client(client: AsyncBinksClient) -> ClientFactory:
    """A factory that lends the same client to every call; its owner closes it."""

    @asynccontextmanager
    async def lend() -> AsyncIterator[AsyncBinksClient]:
        yield client

    return lend
