"""The top line: which server, which thread, and whether the stream is connected."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static


class StatusLine(Static):
    """``Binks · URL · thread ID · ● connected`` (reconnecting shows in the warning colour)."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $primary 30%; padding: 0 1; }
    """

    url: reactive[str] = reactive("")
    thread: reactive[str] = reactive("")
    connection: reactive[str] = reactive("connecting")

    def render(self) -> Text:
        """Compose the line from the three reactive parts."""
        text = Text("Binks", style="bold")
        text.append(f" · {self.url}", style="dim")
        text.append(f" · {('thread ' + self.thread) if self.thread else 'new thread'}")
        style = {"connected": "green", "reconnecting": "bold yellow", "unreachable": "bold red"}
        text.append(f" · ● {self.connection}", style=style.get(self.connection, "dim"))
        return text
