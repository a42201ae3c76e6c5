"""The main screen: threads on the left, the open conversation, an input, the footer.

One worker follows the open thread's event stream (``exclusive``: opening another thread
cancels it) and posts each event to the UI; another keeps the sidebar fresh. A pending
approval opens the :class:`~binks.tui.dialogs.approval.ApprovalCard`.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, ListView

from binks.client import AsyncBinksClient, ConnectionStatus, Decision, PendingApproval
from binks.errors import BinksError
from binks.tui.dialogs.approval import ApprovalCard
from binks.tui.messages import ApprovalPending, ConnectionChanged, StreamEventArrived, ThreadsLoaded
from binks.tui.widgets.conversation import Conversation
from binks.tui.widgets.status_line import StatusLine
from binks.tui.widgets.thread_list import ThreadItem, ThreadList

#: Seconds between sidebar refreshes (other clients start threads too).
REFRESH_SECONDS = 5.0


class MainScreen(Screen[None]):
    """Threads, conversation, input; the approval card on top when a decision is due."""

    DEFAULT_CSS = """
    MainScreen #main { width: 1fr; }
    MainScreen #task { dock: bottom; margin: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "new_thread", "New thread"),
        Binding("f2", "show_approval", "Approval"),
        Binding("f5", "refresh", "Refresh"),
        Binding("ctrl+t", "toggle_theme", "Light/dark"),
    ]
    AUTO_FOCUS = "#task"

    def __init__(self, client: AsyncBinksClient, thread_id: str | None = None) -> None:
        super().__init__()
        self.client = client
        self.thread_id = thread_id
        self.pending: PendingApproval | None = None
        self._card_for: str | None = None

    def compose(self) -> ComposeResult:
        """Status line, sidebar + conversation + input, footer."""
        yield StatusLine(id="status")
        with Horizontal():
            yield ThreadList(id="threads")
            with Vertical(id="main"):
                yield Conversation(id="conversation")
                yield Input(
                    placeholder="Type a task and press Enter (a follow-up if a thread is open)",
                    id="task",
                    select_on_focus=False,
                )
        yield Footer()

    async def on_mount(self) -> None:
        """Show the server, load the threads, open the requested thread."""
        self.query_one(StatusLine).url = self.client.config.url
        self.refresh_threads()
        self.set_interval(REFRESH_SECONDS, self.refresh_threads)
        if self.thread_id:
            await self.open_thread(self.thread_id)
        else:
            await self.query_one(Conversation).reset("Type a task below to start a thread.")

    async def open_thread(self, thread_id: str) -> None:
        """Show ``thread_id`` from its first event and follow it."""
        self.thread_id = thread_id
        self.pending = None
        self._card_for = None
        self.query_one(StatusLine).thread = thread_id
        await self.query_one(Conversation).reset()
        self.follow(thread_id)

    @work(exclusive=True, group="stream")
    async def follow(self, thread_id: str) -> None:
        """Post the thread's events to the UI; a pending approval also posts the plan."""

        def on_status(status: ConnectionStatus) -> None:
            self.post_message(ConnectionChanged(status))

        try:
            async for event in self.client.events(thread_id, on_status=on_status):
                self.post_message(StreamEventArrived(event))
                if event.event == "approval_required":
                    pending = (await self.client.get_thread(thread_id)).pending
                    if pending is not None and pending.interrupt_id == event.data.get("interrupt_id"):
                        self.post_message(ApprovalPending(thread_id, pending))
                if event.terminal or event.event in ("approval_required", "approval_decided"):
                    self.refresh_threads()
        except BinksError as exc:
            self.notify(str(exc), title="Stream stopped", severity="error", timeout=10)

    @work(exclusive=True, group="threads")
    async def refresh_threads(self) -> None:
        """Fetch the thread list; an unreachable server shows in the status line, not as a crash."""
        try:
            threads = await self.client.list_threads()
        except BinksError as exc:
            for line in self.query(StatusLine):  # none while the app shuts down
                line.connection = "unreachable"
            self.log.warning(str(exc))
            return
        self.post_message(ThreadsLoaded(threads))

    async def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        """Redraw the sidebar."""
        status = self.query_one(StatusLine)
        if status.connection in ("connecting", "unreachable"):
            status.connection = "connected"
        await self.query_one(ThreadList).show(message.threads, self.thread_id)

    async def on_stream_event_arrived(self, message: StreamEventArrived) -> None:
        """Append the event to the conversation."""
        self.query_one(StatusLine).connection = "connected"
        if message.event.event == "approval_decided":
            self.pending = None
        await self.query_one(Conversation).add(message.event)

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        """Show ``reconnecting`` while the server is away."""
        self.query_one(StatusLine).connection = message.status.state

    def on_approval_pending(self, message: ApprovalPending) -> None:
        """Open the card once per pending approval of the open thread."""
        if message.thread_id != self.thread_id:
            return
        self.pending = message.pending
        if self._card_for != message.pending.interrupt_id:
            self._card_for = message.pending.interrupt_id
            self.action_show_approval()

    def action_show_approval(self) -> None:
        """Open the approval card for the pending plan (F2 reopens it after Esc)."""
        if self.pending is None or self.thread_id is None:
            self.notify("Nothing is waiting for your decision.")
            return
        thread_id = self.thread_id

        def decided(decision: Decision | None) -> None:
            if decision is None:
                self.notify("Left pending; press F2 to decide.", title="Approval")
            else:
                self.send_decision(thread_id, decision)

        self.app.push_screen(ApprovalCard(thread_id, self.pending), decided)

    @work(group="decisions")
    async def send_decision(self, thread_id: str, decision: Decision) -> None:
        """Send the decision; a stale one (409) is explained, nothing runs."""
        try:
            await self.client.decide(thread_id, decision)
        except BinksError as exc:
            self.notify(str(exc), title="Decision not taken", severity="error", timeout=10)

    @on(Input.Submitted, "#task")
    async def submit_task(self, event: Input.Submitted) -> None:
        """Start a thread with the task, or send it as a follow-up to the open one."""
        task = event.value.strip()
        if not task:
            return
        event.input.clear()
        self.start_or_continue(task)

    @work(group="tasks")
    async def start_or_continue(self, task: str) -> None:
        """POST the task; a busy thread is explained."""
        try:
            if self.thread_id is None:
                created = await self.client.start_thread(task)
                await self.open_thread(created.thread_id)
            else:
                await self.client.send_message(self.thread_id, task)
        except BinksError as exc:
            self.notify(str(exc), title="Task not sent", severity="error", timeout=10)
            return
        self.refresh_threads()

    @on(ListView.Selected, "#threads")
    async def thread_selected(self, event: ListView.Selected) -> None:
        """Open the chosen thread (its pending approval, if any, shows at once)."""
        if isinstance(event.item, ThreadItem) and event.item.thread.thread_id != self.thread_id:
            await self.open_thread(event.item.thread.thread_id)

    async def action_new_thread(self) -> None:
        """Leave the open thread; the next task starts a new one."""
        self.workers.cancel_group(self, "stream")
        self.thread_id = None
        self.pending = None
        self.query_one(StatusLine).thread = ""
        await self.query_one(Conversation).reset("New thread: type a task below.")
        self.query_one("#task", Input).focus()

    def action_refresh(self) -> None:
        """Reload the sidebar now."""
        self.refresh_threads()

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme."""
        self.app.theme = "textual-light" if self.app.current_theme.dark else "textual-dark"
