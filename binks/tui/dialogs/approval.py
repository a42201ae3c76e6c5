"""The approval card: everything about a plan, and the five ways to answer it.

Each step shows its command or template, namespace, risk, the server-side dry-run outcome
and a syntax-coloured diff. Keys: ``a`` approve all, ``s`` approve the ticked steps, ``r``
reject with a reason, ``e`` edit the focused step (dry-run and asked again), ``p`` respond
to the model, ``Esc`` close and decide later. Focus starts on "Decide later", so a stray
Enter approves nothing.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Label, Static

from binks.client.models import Decision, PendingApproval, PlanStep
from binks.terminal.render import RISK_STYLE
from binks.tui.dialogs.prompts import TextPrompt


class StepCard(Vertical):
    """One step: a tick box to select it, what it runs, where, how risky, dry-run and diff."""

    DEFAULT_CSS = """
    StepCard { height: auto; margin-bottom: 1; padding: 0 1; border-left: thick $foreground 20%; }
    StepCard.-destructive { border-left: thick $error; }
    StepCard.-change { border-left: thick $warning; }
    StepCard Checkbox { border: none; padding: 0; height: 1; background: transparent; }
    StepCard .diff { margin-left: 2; }
    """

    def __init__(self, index: int, step: PlanStep, dark: bool) -> None:
        super().__init__(classes=f"-{step.risk}")
        self.index = index
        self.step = step
        self.dark = dark

    def compose(self) -> ComposeResult:
        """Tick box with the header, then command, dry-run, diff."""
        step = self.step
        label = Text(f"{self.index}. {step.id}  ")
        label.append(step.risk.upper(), style=RISK_STYLE.get(step.risk, ""))
        label.append(f"  ns: {step.namespace or '-'}")
        if step.target():
            label.append(f"  {step.target()}", style="dim")
        yield Checkbox(label, value=False, id=f"pick-{step.id}")
        yield Static(Text(f"$ {step.command()}", style="bold"), classes="command")
        for note in step.notes():
            yield Static(Text(f"! {note}", style="yellow"), classes="note")
        if step.dry_run is None:
            yield Static(Text("no dry-run for this step", style="dim"))
            return
        ok = step.dry_run.ok
        verdict = Text("dry-run ok: " if ok else "dry-run FAILED: ", style="green" if ok else "bold red")
        verdict.append(step.dry_run.message)
        parts: list[Text | Syntax] = [verdict]
        yield Static(Group(*parts))
        if step.dry_run.diff and step.dry_run.diff.strip():
            theme = "ansi_dark" if self.dark else "ansi_light"
            syntax = Syntax(step.dry_run.diff.rstrip("\n"), "diff", theme=theme, background_color="default")
            yield Static(syntax, classes="diff")


class ApprovalCard(ModalScreen[Decision | None]):
    """The plan a thread waits on; dismisses with the :class:`Decision` (or ``None``: later)."""

    DEFAULT_CSS = """
    ApprovalCard { align: center middle; }
    ApprovalCard > Vertical {
        width: 100; max-width: 100%; height: 1fr; max-height: 40; margin-bottom: 1;
        border: thick $warning; background: $panel; padding: 0 1;
    }
    ApprovalCard #title { text-style: bold; width: 100%; background: $warning 30%; padding: 0 1; }
    ApprovalCard #summary { color: $text-muted; padding: 0 1; }
    ApprovalCard #note { color: $warning; padding: 0 1; }
    ApprovalCard #steps { height: 1fr; }
    ApprovalCard #keys { color: $text-muted; height: auto; padding: 0 1; }
    ApprovalCard #buttons { height: auto; align-horizontal: right; }
    ApprovalCard Button { margin-left: 1; min-width: 10; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "approve_all", "Approve all"),
        Binding("s", "approve_selected", "Approve ticked"),
        Binding("r", "reject", "Reject"),
        Binding("e", "edit", "Edit"),
        Binding("p", "respond", "Respond"),
        Binding("escape", "later", "Later"),
    ]
    AUTO_FOCUS = "#later"

    def __init__(self, thread_id: str, pending: PendingApproval) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.pending = pending

    def compose(self) -> ComposeResult:
        """Title, summary, the steps (scrolling), the key help and the buttons."""
        steps = self.pending.plan.steps
        dark = self.app.current_theme.dark
        with Vertical():
            yield Label(f"Approve {len(steps)} step(s) on thread {self.thread_id}?", id="title")
            if self.pending.plan.summary:
                yield Label(self.pending.plan.summary, id="summary")
            if self.pending.note:
                yield Label(self.pending.note, id="note")
            with VerticalScroll(id="steps"):
                for index, step in enumerate(steps, 1):
                    yield StepCard(index, step, dark)
            yield Label("space ticks a step · Enter on a button · nothing runs until you approve", id="keys")
            with Horizontal(id="buttons"):
                yield Button("Decide later", id="later")
                yield Button("Reject…", id="reject", variant="error")
                yield Button("Approve ticked", id="approve_selected")
                yield Button("Approve all", id="approve_all", variant="success")
        yield Footer()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        if event.button.id:
            await self.run_action(event.button.id)

    def _decision(self, action: str, **fields: object) -> Decision:
        return Decision.model_validate(
            {
                "interrupt_id": self.pending.interrupt_id,
                "plan_hash": self.pending.plan_hash,
                "action": action,
                **fields,
            }
        )

    def ticked(self) -> list[str]:
        """Ids of the ticked steps, in plan order."""
        return [
            step.id for step in self.pending.plan.steps if self.query_one(f"#pick-{step.id}", Checkbox).value
        ]

    def action_approve_all(self) -> None:
        """Approve every step."""
        self.dismiss(self._decision("approve"))

    def action_approve_selected(self) -> None:
        """Approve the ticked steps; with none ticked, move to the first tick box instead."""
        chosen = self.ticked()
        if not chosen:
            self.query(Checkbox).first().focus()
            self.notify("Tick the steps to approve (space), then press s.", title="Select steps")
            return
        self.dismiss(self._decision("approve", steps=chosen))

    def action_later(self) -> None:
        """Close the card; the approval stays pending."""
        self.dismiss(None)

    def _focused_step(self) -> PlanStep:
        if self.focused is not None:
            for node in self.focused.ancestors_with_self:
                if isinstance(node, StepCard):
                    return node.step
        return self.pending.plan.steps[0]

    def action_reject(self) -> None:
        """Ask why, then reject; the model reads the reason."""

        def send(reason: str | None) -> None:
            if reason:
                self.dismiss(self._decision("reject", reason=reason))

        self.app.push_screen(TextPrompt("Why reject? (the model reads this)", confirm="Reject"), send)

    def action_respond(self) -> None:
        """Answer the model instead of deciding (it may propose a new plan)."""

        def send(answer: str | None) -> None:
            if answer:
                self.dismiss(self._decision("respond", reason=answer))

        self.app.push_screen(TextPrompt("Your answer to the model:", confirm="Send"), send)

    def action_edit(self) -> None:
        """Edit the focused step's command (or its arguments); the server dry-runs it and asks again."""
        if not self.pending.plan.steps:
            return
        step = self._focused_step()
        kind, value = step.editable()
        question = f"Edit the {kind} of {step.id} (it is dry-run again and shown to you again):"

        def send(answer: str | None) -> None:
            if not answer:
                return
            try:
                edit = step.edited_args(answer)
            except ValueError as exc:
                self.notify(str(exc), title="Not sent", severity="error")
                return
            self.dismiss(self._decision("edit", edits={step.id: edit}))

        self.app.push_screen(TextPrompt(question, value=value, confirm="Dry-run again"), send)
