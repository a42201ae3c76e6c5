"""Binks as an MCP server: any MCP client's agent reads the cluster and proposes changes.

The tools are a face of the HTTP API (:mod:`binks.mcp.backend`), never of the graph: reads
run through the tool layer's refusals, redaction and caps; a change becomes an ordinary
Binks thread whose plan waits for a person. Nothing here can approve: only the person
does, in ``binks tui``, with ``binks approve``, or through an elicitation their client shows
them (:mod:`binks.mcp.approval`). ``binks mcp`` serves it over stdio; ``binks serve``
mounts it at ``/mcp`` (streamable HTTP, same API key).
"""

from binks.mcp.backend import ClientFactory, shared_client
from binks.mcp.server import build_server

__all__ = ["ClientFactory", "build_server", "shared_client"]
