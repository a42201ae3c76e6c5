"""The errors Binks raises on purpose.

Every error a person can cause carries a message that says what to do next, so the CLI,
the server and the TUI can show ``str(error)`` as it is. Callers chain the cause with
``raise ... from exc`` so logs keep the original traceback.
"""

from __future__ import annotations


class BinksError(Exception):
    """Base of every error Binks raises deliberately; its message is meant for a person."""

    #: Process exit code used by the CLI when this error ends a command.
    exit_code: int = 1


class ConfigError(BinksError):
    """Settings are missing or invalid; the message names the variable and the fix."""

    exit_code = 2


class ClusterError(BinksError):
    """The Kubernetes API or kubectl failed: unreachable, forbidden, not found, conflict."""


class CommandRefused(BinksError):
    """A kubectl command was refused before running (shell syntax, identity flags, ...)."""


class ModelError(BinksError):
    """The LLM backend is unreachable, lacks the model or tools, or answered unusably."""


class ApprovalConflict(BinksError):
    """A decision does not answer the thread's pending approval (stale id or plan hash)."""

    exit_code = 3


class ThreadNotFound(BinksError):
    """No thread with that id exists in the thread index."""


class ThreadBusy(BinksError):
    """The thread already has a run in progress; one run per thread at a time."""


class NeedsApproval(BinksError):
    """A call offered as a read is a change: it has to be proposed and approved, not run."""


class NothingToApprove(BinksError):
    """A call offered as a change is a read: it needs no plan, run it as a read."""
