"""Following one run to its end, asking for decisions on the way when a person is there.

``ask``, ``resume``, ``watch`` and ``chat`` all use :func:`follow_run`; it returns the
process exit code (README: "Exit codes").
"""

from __future__ import annotations

from dataclasses import dataclass

from binks.client import ApprovalNeeded, Backoff, BinksClient, PendingApproval, StreamEvent
from binks.terminal.display import Display
from binks.terminal.prompt import ReadLine, ask_decision

EXIT_OK = 0
EXIT_RUN_FAILED = 1

#: How long a CLI keeps reconnecting to a lost server before it gives up (exit 5).
RECONNECT_WINDOW_S = 60.0


@dataclass
class FollowOptions:
    """How to follow: from where, whether a person can be asked, and when to stop."""

    after: int | None = None
    #: Ask at the terminal on an approval; otherwise stop with exit 4 and a hint.
    interactive: bool = False
    #: Stop when the thread comes to rest (run over, or waiting for a decision nobody here gives).
    stop_at_rest: bool = True
    #: Events up to this seq are history (replayed), not something to act on.
    history_until: int = 0
    read: ReadLine = input


def _live_pending(client: BinksClient, thread_id: str, event: StreamEvent) -> PendingApproval | None:
    """The thread's pending approval if ``event`` announced it (not an old, answered one)."""
    pending = client.get_thread(thread_id).pending
    if pending is None or pending.interrupt_id != event.data.get("interrupt_id"):
        return None
    return pending


def _needs_decision(thread_id: str, reason: str) -> ApprovalNeeded:
    return ApprovalNeeded(
        f"thread {thread_id} waits for a decision ({reason}); decide with "
        f"'binks approve {thread_id}' or 'binks reject {thread_id} --reason ...', "
        f"or run 'binks resume {thread_id}' in a terminal"
    )


def follow_run(client: BinksClient, thread_id: str, display: Display, options: FollowOptions) -> int:
    """Show the thread's events until the run ends; returns the exit code."""
    backoff = Backoff(give_up_after=RECONNECT_WINDOW_S)
    stream = client.events(thread_id, after=options.after, on_status=display.status, backoff=backoff)
    try:
        for event in stream:
            display.event(event)
            historical = event.seq <= options.history_until
            if event.event == "approval_required" and not historical:
                pending = _live_pending(client, thread_id, event)
                if pending is None:
                    continue
                display.plan(thread_id, pending)
                if not options.interactive:
                    if options.stop_at_rest:
                        raise _needs_decision(thread_id, "this client does not prompt")
                    continue
                decision = ask_decision(pending, options.read)
                if decision is None:
                    raise _needs_decision(thread_id, "left for later")
                client.decide(thread_id, decision)
            elif event.terminal and not historical and options.stop_at_rest:
                return EXIT_OK if event.event == "run_completed" else EXIT_RUN_FAILED
    finally:
        stream.close()
        display.close()
    return EXIT_OK  # pragma: no cover - the stream only ends by raising
