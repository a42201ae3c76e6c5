"""``binks mcp``: the MCP server on stdin/stdout, as a client of the running ``binks serve``.

opencode (or any MCP client) starts it as a subprocess on the workstation or a laptop. It
does not open the database or the cluster itself: every tool call is an HTTP request to
the server that owns them, found the way the CLI finds it (``BINKS_URL`` /
``BINKS_API_KEY``, ``binks login``'s file, or the server on this machine and its key file).
So there is one writer, one set of per-thread locks and one event stream, and a plan
proposed here shows up at once in ``binks tui`` and ``binks threads``. A server that is
away or a wrong key is reported on stderr at start and by every tool call, which keeps
answering with the fix instead of the client seeing a dead server.
"""

from __future__ import annotations

import logging

from binks.client import AsyncBinksClient, ClientConfig
from binks.errors import BinksError
from binks.mcp.backend import shared_client
from binks.mcp.errors import message_for
from binks.mcp.server import build_server

logger = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 30.0
"""Per HTTP request; waits for a run (``?wait=``) get their own, longer timeout."""


async def serve_stdio(config: ClientConfig, max_wait_s: float) -> None:
    """Serve MCP on stdio until the client closes it."""
    async with AsyncBinksClient(config, timeout=REQUEST_TIMEOUT_S) as client:
        await _check(client)
        await build_server(shared_client(client), max_wait_s).run_stdio_async()


async def _check(client: AsyncBinksClient) -> None:
    """Say on stderr which server this talks to, and whether it answers with this key."""
    try:
        await client.list_threads()
    except BinksError as exc:
        logger.warning("binks mcp: %s", message_for(exc))
        return
    logger.info(
        "binks mcp: serving Binks at %s (key from %s) over stdio", client.config.url, client.config.source
    )
