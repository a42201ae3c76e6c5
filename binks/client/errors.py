"""What can go wrong between a client and the Binks server, each with the fix in its message.

The HTTP status codes the server uses map onto these (and onto the shared errors in
:mod:`binks.errors`), so the CLI can pick an exit code and the TUI can show one line.
"""

from __future__ import annotations

from binks.errors import BinksError


class ServerUnavailable(BinksError):
    """The server could not be reached: not running, wrong URL, or the network dropped."""

    exit_code = 5


class AuthenticationFailed(BinksError):
    """The server refused the API key (HTTP 401/403)."""

    exit_code = 6


class ServerError(BinksError):
    """The server answered with an error the client cannot act on (HTTP 4xx/5xx)."""

    def __init__(self, message: str, status_code: int, code: str | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        #: The server's error code (``refused``, ``needs_approval``, ``invalid_request``, ...).
        self.code = code
        #: The server's own explanation, without the client's framing.
        self.detail = detail


class ApprovalNeeded(BinksError):
    """A run is waiting for a decision and this client was told (or is unable) not to ask."""

    exit_code = 4


class NothingToCancel(BinksError):
    """The thread has no run in progress (HTTP 409 on cancel); a pending plan is rejected instead."""

    exit_code = 3
