"""Binks' errors as MCP tool errors whose message says what to do.

A tool that cannot do its job raises :class:`~mcp.server.mcpserver.exceptions.ToolError`:
the call comes back with ``isError`` and this text, for the calling agent to read and
pass on. Each case names its cause first (server away, bad key, thread busy, decision
stale, refused) so an agent, or the person reading over its shoulder, can act on it.
Messages come from the client's errors and the server's answers, which never contain the
API key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ToolError

from binks.client import AuthenticationFailed, ServerError, ServerUnavailable
from binks.errors import ApprovalConflict, BinksError, ThreadBusy, ThreadNotFound

BAD_KEY = (
    "Bad key: the Binks server refused the API key. For the local 'binks mcp' server set "
    "BINKS_API_KEY to the key 'binks key' prints on the server (or run 'binks login URL --key KEY'); "
    "for the remote /mcp entry, send it as 'Authorization: Bearer <key>'. Then call this tool again."
)

_BY_CODE = {
    "refused": "Refused by Binks (nothing ran): {detail}",
    "needs_approval": "Not a read (nothing ran): {detail}",
    "not_a_change": "Nothing to approve: {detail}",
    "invalid_request": "Bad arguments: {detail}",
    "cluster_unavailable": "The cluster cannot be reached from the Binks server: {detail}",
    "model_unavailable": "Binks' model backend is not available: {detail}",
    "shutting_down": "The Binks server is shutting down: {detail}. Call again once it is back.",
}


@contextmanager
def reported() -> Iterator[None]:
    """Turn Binks' errors raised inside the block into tool errors that say what to do."""
    try:
        yield
    except BinksError as exc:
        raise ToolError(message_for(exc)) from exc


def message_for(exc: BinksError) -> str:
    """The tool error's text for one of Binks' errors."""
    if isinstance(exc, ServerUnavailable):
        return f"Server away: {exc}. Then call this tool again."
    if isinstance(exc, AuthenticationFailed):
        return BAD_KEY
    if isinstance(exc, ThreadNotFound):
        return f"Unknown thread: {exc}. Use a thread_id that ask or propose_change returned."
    if isinstance(exc, ApprovalConflict):
        return (
            f"Decision stale, nothing ran: {exc}. Call thread_status to see what the thread waits "
            "for now; a person has to decide on the current plan."
        )
    if isinstance(exc, ThreadBusy):
        return f"Thread busy: {exc}. Call thread_status with wait_s to wait for it, then try again."
    if isinstance(exc, ServerError) and exc.code in _BY_CODE:
        return _BY_CODE[exc.code].format(detail=exc.detail or str(exc))
    return str(exc)
