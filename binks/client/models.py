"""The server's JSON as the client reads it (DESIGN §4: Plan, Decision, Events, threads).

The models accept fields they do not know (``extra="allow"``) so a newer server does not
break an older client; only what the client shows or sends back is typed.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

from binks.client.printable import printable_tree

Risk = Literal["read", "change", "destructive"]
Action = Literal["approve", "reject", "edit", "respond"]

#: Events after which a run is over; a watcher waiting for "the run" stops at one of these.
TERMINAL_EVENTS = frozenset({"run_completed", "run_failed", "run_cancelled"})


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class _Shown(_Open):
    """What a person reads on the approval card: every string made printable on the way in."""

    @model_validator(mode="before")
    @classmethod
    def _printable(cls, data: Any) -> Any:
        return printable_tree(data)


class DryRunOutcome(_Shown):
    """The server-side dry-run of one step: did the API accept it, and the diff it would make."""

    ok: bool = True
    message: str = ""
    diff: str | None = None


class SourceShown(_Shown):
    """A workstation file, folder or URL the step reads, captured when it was prepared."""

    flag: str = ""
    written: str = ""
    kind: str = ""
    sha256: str = ""
    files: list[dict[str, Any]] = Field(default_factory=list)


class PlanStep(_Shown):
    """One proposed change: what would run, where, how risky, and what the dry-run said."""

    id: str
    tool: str = ""
    args: dict[str, Any] = Field(default_factory=dict)
    argv: list[str] | None = None
    template: str | None = None
    params: dict[str, Any] | None = None
    namespace: str | None = None
    verb: str | None = None
    resource: str | None = None
    name: str | None = None
    risk: Risk = "change"
    dry_run: DryRunOutcome | None = None
    hidden: list[str] = Field(default_factory=list)
    """Parts of the command hidden beyond plain secret values (shown as a warning)."""
    sources: list[SourceShown] = Field(default_factory=list)

    def notes(self) -> list[str]:
        """Warnings and facts a person must see next to the command: hidden parts, captured files."""
        lines = [f"hidden: {part}; what runs differs from what is shown there" for part in self.hidden]
        for source in self.sources:
            count = f"{len(source.files)} file(s), sha256 {source.sha256[:12]}…"
            lines.append(
                f"{source.flag} {source.written} captured ({count}): these exact bytes run, whatever the"
                " file says later"
            )
        return lines

    def command(self) -> str:
        """The step as a person reads it: the kubectl line, or the template and its params."""
        if self.argv:
            import shlex

            return shlex.join(["kubectl", *self.argv])
        if self.template:
            params = " ".join(f"{key}={value}" for key, value in sorted((self.params or {}).items()))
            return f"template {self.template}" + (f" ({params})" if params else "")
        if self.args:
            return f"{self.tool} {json.dumps(self.args, sort_keys=True)}"
        return self.tool or self.id

    def editable(self) -> tuple[str, str]:
        """What a person edits: ``("command", text)`` for kubectl, else ``("args", JSON)``."""
        command = self.args.get("command")
        if isinstance(command, str):
            return "command", command
        return "args", json.dumps(self.args, sort_keys=True)

    def edited_args(self, text: str) -> dict[str, Any]:
        """The step's new tool arguments from the edited text (a decision's ``edits`` value)."""
        kind, _ = self.editable()
        if kind == "command":
            return {**self.args, "command": text.strip()}
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"the arguments must be a JSON object: {exc}") from exc
        if not isinstance(value, dict):
            raise ValueError("the arguments must be a JSON object")
        return value

    def target(self) -> str:
        """``verb resource/name`` where known, for one-line summaries."""
        what = "/".join(part for part in (self.resource, self.name) if part)
        return " ".join(part for part in (self.verb, what) if part)


class Plan(_Shown):
    """The steps a run wants to take; the server hashes them (``plan_hash``)."""

    steps: list[PlanStep] = Field(default_factory=list)
    summary: str = ""


class PendingApproval(_Shown):
    """The approval a thread waits for; a decision must quote both ids back."""

    interrupt_id: str
    plan_hash: str
    plan: Plan = Field(default_factory=Plan)
    note: str | None = None


class ThreadSummary(_Open):
    """One row of ``GET /threads``."""

    thread_id: str = Field(validation_alias=AliasChoices("thread_id", "id"))
    status: str = "unknown"
    title: str = Field("", validation_alias=AliasChoices("title", "task", "first_task"))
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def awaiting_approval(self) -> bool:
        """True when a person has to decide before this thread goes on."""
        return self.status == "awaiting_approval"


class ChatMessage(_Open):
    """One message of the conversation as the server stores it."""

    role: str = "assistant"
    content: str = ""


class ThreadDetail(ThreadSummary):
    """``GET /threads/{id}``: status, the conversation and the pending approval, if any."""

    messages: list[ChatMessage] = Field(default_factory=list)
    pending: PendingApproval | None = Field(
        None, validation_alias=AliasChoices("pending", "pending_approval", "approval")
    )
    last_seq: int | None = Field(None, validation_alias=AliasChoices("last_event_seq", "last_seq"))
    error: str | None = None
    result: str | None = Field(None, description="the final answer, once the thread completed")


class ThreadCreated(_Open):
    """What ``POST /threads`` and ``POST /threads/{id}/messages`` answer."""

    thread_id: str = Field(validation_alias=AliasChoices("thread_id", "id"))
    status: str = "running"
    run_id: str | None = None


class Decision(BaseModel):
    """The answer to a pending approval (DESIGN §4); stale ids are refused with HTTP 409."""

    interrupt_id: str
    plan_hash: str
    action: Action
    steps: list[str] | None = None
    #: For ``edit``: step id -> the step's new tool arguments (dry-run again, then asked again).
    edits: dict[str, dict[str, Any]] | None = None
    reason: str = ""


class Health(_Open):
    """``GET /health``: the seed's health check, extended by the server as it likes."""

    status: str = "unknown"
    mcp_elicitation: bool | None = None
    """Whether the server takes decisions answered in an MCP client's prompt (with a key)."""


class StreamEvent(BaseModel):
    """One event of a thread's stream; also the NDJSON line ``binks ask --json`` prints.

    ``seq`` is the per-thread sequence number (the SSE ``id:``), ``event`` the SSE event
    name (DESIGN §4), ``data`` the event's JSON payload.
    """

    seq: int
    thread_id: str
    event: str
    data: dict[str, Any] = Field(default_factory=dict)

    @property
    def terminal(self) -> bool:
        """True for the events that end a run."""
        return self.event in TERMINAL_EVENTS


class EventPage(BaseModel):
    """``GET /threads/{id}/log``: stored events after a sequence number, oldest first."""

    thread_id: str
    events: list[StreamEvent] = Field(default_factory=list)
    last_seq: int = 0
    next_after: int | None = None


class ReadResult(_Open):
    """``POST /reads``: a read's output, already redacted and capped by the server."""

    ok: bool
    output: str = ""
    truncated_bytes: int = 0
    data: dict[str, Any] | None = None


class ConnectionStatus(BaseModel):
    """How the event stream is doing, for a status line: ``connected`` or ``reconnecting``."""

    state: Literal["connected", "reconnecting"]
    attempt: int = 0
    retry_in: float = 0.0
    error: str = ""
