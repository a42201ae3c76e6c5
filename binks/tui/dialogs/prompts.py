"""Small modal prompts the approval card opens: a reason (reject, respond) and a step edit."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; Enter sends it (if not empty), Esc cancels."""

    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > Vertical {
        width: 70; max-width: 95%; height: auto; padding: 1 2;
        border: thick $primary; background: $panel;
    }
    TextPrompt Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    TextPrompt Button { margin-left: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, *, value: str = "", confirm: str = "Send") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        """Question, input, buttons."""
        with Vertical():
            yield Label(self.question)
            yield Input(value=self.value, id="answer", select_on_focus=False)
            with Horizontal():
                yield Button("Cancel (Esc)", id="cancel")
                yield Button(self.confirm, id="send", variant="primary")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the field sends a non-empty answer."""
        self._send(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Send or cancel."""
        if event.button.id == "send":
            self._send(self.query_one("#answer", Input).value)
        else:
            self.dismiss(None)

    def _send(self, value: str) -> None:
        if value.strip():
            self.dismiss(value.strip())
        else:
            self.notify("Type something first, or press Esc.", severity="warning")

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
