"""The threads sidebar: one row per thread with a status badge; waiting-for-you stands out."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Label, ListItem, ListView

from binks.client.models import ThreadSummary

BADGES = {
    "awaiting_approval": ("! approve", "approval"),
    "running": ("● running", "running"),
    "completed": ("✓ done", "done"),
    "failed": ("✗ failed", "failed"),
    "cancelled": ("■ cancelled", "failed"),
    "interrupted": ("⏸ interrupted", "failed"),
}


class ThreadItem(ListItem):
    """One thread: its badge and the start of its first task."""

    def __init__(self, thread: ThreadSummary) -> None:
        badge, kind = BADGES.get(thread.status, (thread.status, "other"))
        if thread.awaiting_approval:
            badge, kind = BADGES["awaiting_approval"]
        super().__init__(classes=f"thread -{kind}")
        self.thread = thread
        self.badge = badge

    def compose(self) -> ComposeResult:
        """Badge on the first line, title (cut to fit) below."""
        title = self.thread.title or self.thread.thread_id
        yield Label(Text(self.badge), classes="badge")
        yield Label(Text(title, overflow="ellipsis", no_wrap=True), classes="title")


class ThreadList(ListView):
    """The sidebar; selecting a row opens that thread."""

    DEFAULT_CSS = """
    ThreadList { width: 26; border-right: vkey $foreground 30%; background: $surface; }
    ThreadList > ThreadItem { height: 2; padding: 0 1; }
    ThreadList > ThreadItem .title { color: $text-muted; }
    ThreadList > ThreadItem.-approval { background: $warning 25%; }
    ThreadList > ThreadItem.-approval .badge { color: $warning; text-style: bold; }
    ThreadList > ThreadItem.-running .badge { color: $accent; }
    ThreadList > ThreadItem.-done .badge { color: $success; }
    ThreadList > ThreadItem.-failed .badge { color: $error; }
    """

    async def show(self, threads: list[ThreadSummary], current: str | None) -> None:
        """Replace the rows, keeping the open thread highlighted."""
        ids = [thread.thread_id for thread in threads]
        await self.clear()
        await self.extend(ThreadItem(thread) for thread in threads)
        if current in ids:
            self.index = ids.index(current)
