"""Where a followed run is shown: NDJSON for scripts, or lines with a spinner for people."""

from __future__ import annotations

import sys
from typing import IO, Protocol

from binks.client.models import ConnectionStatus, PendingApproval, StreamEvent


class Display(Protocol):
    """What :func:`binks.terminal.follow.follow_run` needs from an output."""

    def event(self, event: StreamEvent) -> None:
        """Show one event."""

    def plan(self, thread_id: str, pending: PendingApproval) -> None:
        """Show a plan that waits for a decision."""

    def status(self, status: ConnectionStatus) -> None:
        """Show that the stream is reconnecting or connected again."""

    def close(self) -> None:
        """Stop any spinner and flush pending text."""


def status_text(status: ConnectionStatus) -> str:
    """One line about the connection, for stderr."""
    if status.state == "connected":
        return "reconnected\n"
    return f"reconnecting (attempt {status.attempt}, next try in {status.retry_in:.1f}s: {status.error})\n"


class NdjsonDisplay:
    """One JSON object per event on stdout: ``{"seq", "thread_id", "event", "data"}``.

    Connection notes go to stderr so stdout stays machine-readable.
    """

    def __init__(self, out: IO[str] | None = None) -> None:
        self.out = out or sys.stdout

    def event(self, event: StreamEvent) -> None:
        """Write the event as one line and flush, so a pipe sees it at once."""
        self.out.write(event.model_dump_json() + "\n")
        self.out.flush()

    def plan(self, thread_id: str, pending: PendingApproval) -> None:
        """The plan is already in the ``approval_required`` event's data."""

    def status(self, status: ConnectionStatus) -> None:
        """Connection notes go to stderr."""
        sys.stderr.write(status_text(status))

    def close(self) -> None:
        """Nothing is buffered."""


class HumanDisplay:
    """Readable lines; model text is gathered into one paragraph; a spinner on a terminal."""

    def __init__(self, out: IO[str] | None = None) -> None:
        from rich.console import Console

        self.out = out or sys.stdout
        self.console = Console(file=self.out, highlight=False, soft_wrap=True)
        self.spinner = self.console.status("working…") if self.console.is_terminal else None
        self.tokens: list[str] = []

    def _spin(self, text: str | None) -> None:
        if self.spinner is None:
            return
        if text is None:
            self.spinner.stop()
        else:
            self.spinner.update(text)
            self.spinner.start()

    def _flush_tokens(self) -> None:
        if self.tokens:
            from rich.text import Text

            self.console.print(Text("".join(self.tokens).strip(), style="italic"))
            self.tokens.clear()

    def event(self, event: StreamEvent) -> None:
        """Print the event's line; keep the spinner going while the run works."""
        from binks.terminal.render import event_line, text_of

        if event.event == "model_token":
            self.tokens.append(text_of(event.data, "text", "token", "content", "delta"))
            self._spin(f"the model is writing… ({sum(map(len, self.tokens))} chars)")
            return
        streamed = "".join(self.tokens).strip()
        answer = text_of(event.data, "text", "content") if event.event == "message" else ""
        if streamed and answer.startswith(streamed):
            self.tokens.clear()  # the streamed text was (the start of) the answer: show it once
        self._flush_tokens()
        line = event_line(event)
        if line is not None:
            self.console.print(line)
        if event.terminal or event.event == "approval_required":
            self._spin(None)
        elif event.event == "step_started":
            self._spin(f"running {event.data.get('step_id', 'a step')}…")
        elif event.event in ("run_started", "tool_call", "tool_result", "approval_decided", "verified"):
            self._spin("working…")

    def plan(self, thread_id: str, pending: PendingApproval) -> None:
        """Show every step with its command, risk, namespace, dry-run and diff."""
        from binks.terminal.render import plan_view

        self._spin(None)
        self.console.print(plan_view(thread_id, pending))

    def status(self, status: ConnectionStatus) -> None:
        """Connection notes on stderr; the spinner says so too."""
        sys.stderr.write(status_text(status))
        if status.state == "reconnecting":
            self._spin("reconnecting…")

    def close(self) -> None:
        """Stop the spinner and print any model text still gathered."""
        self._flush_tokens()
        self._spin(None)
