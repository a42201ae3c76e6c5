"""The Binks MCP server: one definition, served over stdio (``binks mcp``) and HTTP (``/mcp``)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver import MCPServer

from binks import __version__
from binks.mcp.approval import register_approval
from binks.mcp.backend import ClientFactory
from binks.mcp.context import register_context
from binks.mcp.tools import register_tools

INSTRUCTIONS = (
    "Binks manages a Kubernetes cluster for a person, who approves every change. Reads are free: "
    "cluster_status and kubectl_read run at once. Changes are only ever proposed: propose_change (or "
    "ask, which lets Binks' own model work on a task) returns a plan with a dry-run and a diff that "
    "waits for the person's approval in binks tui, binks approve, or request_approval. You cannot "
    "approve anything. Follow a thread with thread_status until it is completed: its answer lists "
    "what ran and what Binks verified."
)


def build_server(clients: ClientFactory, max_wait_s: float) -> MCPServer:
    """The MCP server whose tools reach Binks through ``clients``; no tool waits past ``max_wait_s``."""
    with _logging_untouched():
        server = MCPServer("binks", title="Binks", version=__version__, instructions=INSTRUCTIONS)
    register_tools(server, clients, max_wait_s)
    register_approval(server, clients, max_wait_s)
    register_context(server, clients, max_wait_s)
    return server


@contextmanager
def _logging_untouched() -> Iterator[None]:
    """Keep the root logger as Binks set it up (or left it).

    ``MCPServer()`` calls ``logging.basicConfig``, which on a process that has not configured
    logging (``binks eval``, a script embedding the app) would install its own handler at
    INFO on the root logger. Logging is the command's business, so that is undone here.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
