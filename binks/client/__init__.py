"""The HTTP + SSE client for the Binks server, used by the CLI, the TUI and scripts.

``BinksClient`` blocks (CLI, scripts); ``AsyncBinksClient`` is for asyncio (the TUI). Both
read the server's URL and key from :func:`load_client_config`. Nothing here imports the
server, the graph or the tools: the client speaks only the HTTP contract (DESIGN §4).
"""

from binks.client.aio import AsyncBinksClient
from binks.client.backoff import Backoff
from binks.client.config import ClientConfig, config_path, load_client_config, save_client_config
from binks.client.errors import (
    ApprovalNeeded,
    AuthenticationFailed,
    NothingToCancel,
    ServerError,
    ServerUnavailable,
)
from binks.client.models import (
    TERMINAL_EVENTS,
    ConnectionStatus,
    Decision,
    DryRunOutcome,
    EventPage,
    Health,
    PendingApproval,
    Plan,
    PlanStep,
    ReadResult,
    StreamEvent,
    ThreadCreated,
    ThreadDetail,
    ThreadSummary,
)
from binks.client.sync import BinksClient

__all__ = [
    "TERMINAL_EVENTS",
    "ApprovalNeeded",
    "AsyncBinksClient",
    "AuthenticationFailed",
    "Backoff",
    "BinksClient",
    "ClientConfig",
    "ConnectionStatus",
    "Decision",
    "DryRunOutcome",
    "EventPage",
    "Health",
    "NothingToCancel",
    "PendingApproval",
    "Plan",
    "PlanStep",
    "ReadResult",
    "ServerError",
    "ServerUnavailable",
    "StreamEvent",
    "ThreadCreated",
    "ThreadDetail",
    "ThreadSummary",
    "config_path",
    "load_client_config",
    "save_client_config",
]
