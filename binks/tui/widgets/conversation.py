"""The conversation: each step of the open thread as it streams.

Model text gathers into one paragraph, tool calls fold with their results, the plan and
every executed step and verification get a line of their own.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Collapsible, Static

from binks.client.models import PlanStep, StreamEvent
from binks.terminal.render import RISK_STYLE, decision_line, run_title, text_of


class Entry(Static):
    """One line or paragraph of the conversation; its CSS class says what kind."""

    DEFAULT_CSS = """
    Entry { margin: 0 1; }
    Entry.-task { margin-top: 1; text-style: bold; color: $accent; }
    Entry.-model { color: $text-muted; text-style: italic; }
    Entry.-answer { margin-top: 1; padding: 0 1; border-left: thick $success; }
    Entry.-plan { margin-top: 1; padding: 0 1; border-left: thick $warning; }
    Entry.-ok { color: $success; }
    Entry.-bad { color: $error; text-style: bold; }
    Entry.-note { color: $text-muted; }
    """

    def __init__(self, content: str | Text = "", **kwargs: Any) -> None:
        # What the model and the cluster write is text, never markup (``[@click=...]``).
        super().__init__(content, markup=False, **kwargs)


def plan_text(steps: list[PlanStep], summary: str) -> Text:
    """The plan as a few lines: what would change where, and how risky."""
    text = Text(f"Plan: {summary or f'{len(steps)} step(s)'}\n", style="bold")
    for step in steps:
        text.append(f"  {step.id} ")
        text.append(f"[{step.risk}]", style=RISK_STYLE.get(step.risk, ""))
        text.append(f" {step.command()}\n")
    return text


class Conversation(VerticalScroll):
    """The open thread's events, appended as they arrive; follows the bottom."""

    DEFAULT_CSS = """
    Conversation { height: 1fr; padding-bottom: 1; }
    Conversation Collapsible { margin: 0 1; padding: 0; border: none; background: transparent; }
    Conversation Collapsible Static { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._model: Entry | None = None
        self._model_text = ""
        self._tool_calls: dict[str, Collapsible] = {}

    async def reset(self, intro: str = "") -> None:
        """Empty the pane (a thread was opened); show ``intro`` if given."""
        self._model = None
        self._model_text = ""
        self._tool_calls.clear()
        await self.remove_children()
        if intro:
            await self.mount(Entry(intro, classes="-note"))

    async def add(self, event: StreamEvent) -> None:
        """Append what ``event`` shows; model tokens extend the current paragraph."""
        data = event.data
        name = event.event
        if name == "model_token":
            self._model_text += text_of(data, "text", "token", "content", "delta")
            if self._model is None:
                self._model = Entry("", classes="-model")
                await self.mount(self._model)
            self._model.update(self._model_text.strip())
            self.scroll_end(animate=False)
            return
        if name == "message" and self._model is not None:
            streamed = self._model_text.strip()
            if streamed and text_of(data, "text", "content").strip().startswith(streamed):
                await self._model.remove()  # the streamed text was the answer: show it once
        self._model, self._model_text = None, ""
        widget = self._widget_for(event)
        if widget is not None:
            await self.mount(widget)
        self.scroll_end(animate=False)

    def _widget_for(self, event: StreamEvent) -> Static | Collapsible | None:
        data = event.data
        name = event.event
        if name == "run_started":
            return Entry(f"› {run_title(data)}", classes="-task")
        if name == "tool_call":
            title = f"→ {text_of(data, 'name', 'tool')} {text_of(data, 'args', 'argv')}"[:120]
            body = Static(Text(text_of(data, "args", "argv", "input")))
            fold = Collapsible(body, title=title, collapsed=True)
            self._tool_calls[text_of(data, "name", "tool")] = fold
            return fold
        if name == "tool_result":
            output = text_of(data, "output", "content", "result", "error")
            key = text_of(data, "name", "tool")
            call = self._tool_calls.get(key)
            if call is not None:
                del self._tool_calls[key]
                call.query_one(Static).update(Text(output))
                call.title = call.title + f"  ({len(output.splitlines())} lines)"
                return None
            return Collapsible(
                Static(Text(output)), title=f"← {text_of(data, 'name', 'tool')}", collapsed=True
            )
        if name == "plan_proposed":
            from binks.client.models import Plan

            plan = Plan.model_validate(data.get("plan") or {})
            return Entry(plan_text(plan.steps, plan.summary), classes="-plan")
        if name == "approval_required":
            return Entry("⚠ waiting for your decision (the approval card)", classes="-note")
        if name == "approval_decided":
            return Entry(decision_line(data))
        if name == "step_started":
            what = text_of(data, "description", "command", "argv")
            return Entry(f"… running {text_of(data, 'step_id', 'id')}: {what}")
        if name == "step_finished":
            ok = data.get("ok", True) is not False
            detail = text_of(data, "output", "message", "error")
            mark = "✓" if ok else "✗"
            return Entry(f"{mark} {text_of(data, 'step_id', 'id')} {detail}", classes="-ok" if ok else "-bad")
        if name == "verified":
            ok = data.get("ok", True) is not False
            message = text_of(data, "message", "detail", "summary")
            label = "✔ verified" if ok else "✗ not verified"
            return Entry(f"{label}: {message}", classes="-ok" if ok else "-bad")
        if name == "message":
            return Entry(text_of(data, "text", "content"), classes="-answer")
        if name == "run_failed":
            return Entry(f"✗ run failed: {text_of(data, 'error', 'message', 'detail')}", classes="-bad")
        if name == "run_cancelled":
            return Entry("■ run cancelled", classes="-note")
        return None
