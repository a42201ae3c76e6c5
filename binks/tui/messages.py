"""Messages the stream worker posts to the UI (Textual handles them on the app's loop)."""

from __future__ import annotations

from textual.message import Message

from binks.client.models import ConnectionStatus, PendingApproval, StreamEvent, ThreadSummary


class StreamEventArrived(Message):
    """One event of the open thread's stream."""

    def __init__(self, event: StreamEvent) -> None:
        super().__init__()
        self.event = event


class ConnectionChanged(Message):
    """The stream lost its server (``reconnecting``) or found it again (``connected``)."""

    def __init__(self, status: ConnectionStatus) -> None:
        super().__init__()
        self.status = status


class ApprovalPending(Message):
    """The open thread waits for a decision on this plan."""

    def __init__(self, thread_id: str, pending: PendingApproval) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.pending = pending


class ThreadsLoaded(Message):
    """A fresh list of threads for the sidebar."""

    def __init__(self, threads: list[ThreadSummary]) -> None:
        super().__init__()
        self.threads = threads
