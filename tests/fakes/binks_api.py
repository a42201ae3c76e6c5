"""A small Binks server that speaks the HTTP contract (DESIGN §4) with a canned run.

It lets the client, the CLI and the TUI be tested against real HTTP and SSE where a
behaviour must be forced (a dropped stream, a stale decision, heartbeats) without a model.
Every started thread proposes :data:`DEFAULT_STEPS` and waits; ``approve`` records the ids
of the approved steps in :attr:`FakeBinks.mutations` (their commands in ``commands``),
``reject`` records nothing, ``edit`` proposes the edited plan again (as the real graph does).
"""

from __future__ import annotations

import asyncio
import copy
import hashlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request
from pydantic import BaseModel
from sse_starlette import EventSourceResponse, ServerSentEvent

API_KEY = "test-key"

DEFAULT_STEPS: list[dict[str, Any]] = [
    {
        "id": "s1",
        "tool": "run_kubectl",
        "args": {"command": "kubectl -n shop scale deployment/web --replicas=3"},
        "argv": ["-n", "shop", "scale", "deployment/web", "--replicas=3"],
        "template": None,
        "params": None,
        "namespace": "shop",
        "verb": "scale",
        "resource": "deployment",
        "name": "web",
        "risk": "change",
        "dry_run": {
            "ok": True,
            "message": "deployment.apps/web scaled (server dry run)",
            "diff": "--- deployment/web\n+++ deployment/web\n@@ -6 +6 @@\n-  replicas: 1\n+  replicas: 3\n",
        },
    },
    {
        "id": "s2",
        "tool": "run_kubectl",
        "args": {"command": "kubectl -n shop delete pod web-old"},
        "argv": ["-n", "shop", "delete", "pod", "web-old"],
        "template": None,
        "params": None,
        "namespace": "shop",
        "verb": "delete",
        "resource": "pod",
        "name": "web-old",
        "risk": "destructive",
        "dry_run": {"ok": True, "message": 'pod "web-old" deleted (server dry run)', "diff": None},
    },
]


class TaskBody(BaseModel):
    task: str


class DecisionBody(BaseModel):
    interrupt_id: str
    plan_hash: str
    action: str
    steps: list[str] | None = None
    edits: dict[str, Any] | None = None
    reason: str = ""


@dataclass
class FakeThread:
    thread_id: str
    title: str
    status: str = "running"
    events: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, str]] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class FakeBinks:
    """The fake's state; tests read ``mutations`` and may change ``steps`` or ``needs_approval``."""

    steps: list[dict[str, Any]] = field(default_factory=lambda: copy.deepcopy(DEFAULT_STEPS))
    needs_approval: bool = True
    ping_seconds: float = 0.2
    threads: dict[str, FakeThread] = field(default_factory=dict)
    mutations: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    stream_connects: list[str | None] = field(default_factory=list)
    drop_after: int | None = None

    def rebind(self) -> None:
        """Fresh wake-up events after a restart (asyncio events belong to one event loop)."""
        for thread in self.threads.values():
            thread.changed = asyncio.Event()

    def emit(self, thread: FakeThread, event: str, **data: Any) -> None:
        seq = len(thread.events) + 1
        thread.events.append({"seq": seq, "event": event, "data": data})
        thread.changed.set()
        thread.changed = asyncio.Event()

    def run(self, thread: FakeThread, task: str) -> None:
        thread.status = "running"
        thread.messages.append({"role": "user", "content": task})
        self.emit(thread, "run_started", task=task)
        self.emit(thread, "model_token", text="Let me look. ")
        args = {"command": "kubectl get deploy -n shop"}
        self.emit(thread, "tool_call", id="call-1", name="run_kubectl", args=args)
        output = "NAME  READY\nweb   1/1"
        self.emit(thread, "tool_result", id="call-1", name="run_kubectl", ok=True, output=output)
        if not self.needs_approval:
            self.finish(thread, "web has 1 ready replica.")
            return
        self.propose(thread, self.steps)

    def propose(self, thread: FakeThread, steps: list[dict[str, Any]]) -> None:
        plan = {"steps": steps, "summary": "scale web to 3 and remove the old pod"}
        plan_hash = hashlib.sha256(json.dumps(steps, sort_keys=True).encode()).hexdigest()[:16]
        interrupt_id = f"int-{thread.thread_id}-{len(thread.events)}"
        thread.pending = {"interrupt_id": interrupt_id, "plan_hash": plan_hash, "plan": plan}
        thread.status = "awaiting_approval"
        self.emit(thread, "plan_proposed", plan=plan, plan_hash=plan_hash)
        self.emit(thread, "approval_required", **thread.pending)

    def finish(self, thread: FakeThread, answer: str) -> None:
        thread.messages.append({"role": "assistant", "content": answer})
        self.emit(thread, "message", role="assistant", text=answer, final=True)
        thread.status = "completed"
        self.emit(thread, "run_completed", answer=answer)

    def decide(self, thread: FakeThread, body: DecisionBody) -> None:
        pending = thread.pending
        if pending is None or (body.interrupt_id, body.plan_hash) != (
            pending["interrupt_id"],
            pending["plan_hash"],
        ):
            raise HTTPException(409, "no pending approval matches this interrupt_id and plan_hash")
        self.decisions.append(body.model_dump())
        thread.pending = None
        thread.status = "running"
        self.emit(thread, "approval_decided", by="person", **body.model_dump())
        steps = [step for step in pending["plan"]["steps"] if body.steps is None or step["id"] in body.steps]
        if body.action == "reject":
            self.finish(thread, f"Nothing changed. You said: {body.reason}")
            return
        if body.action == "respond":
            self.propose(thread, pending["plan"]["steps"][:1])
            return
        if body.action == "edit":
            self.propose(thread, [self.edited(step, (body.edits or {}).get(step["id"])) for step in steps])
            return
        for step in steps:
            self.emit(
                thread, "step_started", step_id=step["id"], description=step["args"]["command"], attempt=1
            )
            self.mutations.append(step["id"])
            self.commands.append(step["args"]["command"])
            self.emit(thread, "step_finished", step_id=step["id"], ok=True, output="done", error=None)
            check = f"{step['resource']}/{step['name']} in {step['namespace']} is as approved"
            self.emit(thread, "verified", step_id=step["id"], ok=True, check=check, detail="")
        self.finish(thread, f"Done: {len(steps)} step(s) applied and verified.")

    @staticmethod
    def edited(step: dict[str, Any], args: dict[str, Any] | None) -> dict[str, Any]:
        """The step with new arguments, dry-run again (the real server re-proposes it)."""
        if args is None:
            return step
        command = str(args["command"])
        argv = command.split()[1:]
        return {
            **step,
            "args": args,
            "argv": argv,
            "dry_run": {"ok": True, "message": f"{command} (server dry run)"},
        }


def create_fake_app(fake: FakeBinks) -> FastAPI:
    """The FastAPI app serving ``fake``; every route but ``/health`` needs ``API_KEY``."""
    app = FastAPI()

    def thread_or_404(thread_id: str, authorization: str | None) -> FakeThread:
        check(authorization)
        if thread_id not in fake.threads:
            raise HTTPException(404, f"thread {thread_id} not found")
        return fake.threads[thread_id]

    def check(authorization: str | None) -> None:
        if authorization != f"Bearer {API_KEY}":
            raise HTTPException(401, "missing or wrong API key")

    def summary(thread: FakeThread) -> dict[str, Any]:
        return {"thread_id": thread.thread_id, "status": thread.status, "title": thread.title}

    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok", "model": "scripted"}

    @app.post("/threads", status_code=201)
    async def start(body: TaskBody, authorization: str | None = Header(None)) -> dict[str, Any]:
        check(authorization)
        thread = FakeThread(thread_id=f"t{len(fake.threads) + 1}", title=body.task)
        fake.threads[thread.thread_id] = thread
        fake.run(thread, body.task)
        return summary(thread)

    @app.get("/threads")
    async def threads(authorization: str | None = Header(None)) -> dict[str, Any]:
        check(authorization)
        rows = [summary(thread) for thread in reversed(fake.threads.values())]
        return {"threads": rows, "limit": 50, "offset": 0, "next_offset": None}

    @app.get("/threads/{thread_id}")
    async def detail(thread_id: str, authorization: str | None = Header(None)) -> dict[str, Any]:
        thread = thread_or_404(thread_id, authorization)
        last = thread.events[-1]["seq"] if thread.events else 0
        return {
            **summary(thread),
            "messages": thread.messages,
            "pending_approval": thread.pending,
            "last_event_seq": last,
        }

    @app.post("/threads/{thread_id}/messages", status_code=201)
    async def message(
        thread_id: str, body: TaskBody, authorization: str | None = Header(None)
    ) -> dict[str, Any]:
        thread = thread_or_404(thread_id, authorization)
        if thread.status in ("running", "awaiting_approval"):
            raise HTTPException(409, "thread has a run in progress")
        fake.run(thread, body.task)
        return summary(thread)

    @app.post("/threads/{thread_id}/decision")
    async def decision(
        thread_id: str, body: DecisionBody, authorization: str | None = Header(None)
    ) -> dict[str, Any]:
        thread = thread_or_404(thread_id, authorization)
        fake.decide(thread, body)
        return {"accepted": True, **summary(thread)}

    @app.post("/threads/{thread_id}/resume")
    async def resume(thread_id: str, authorization: str | None = Header(None)) -> dict[str, Any]:
        thread = thread_or_404(thread_id, authorization)
        return {"resumed": thread.status == "running", **summary(thread)}

    @app.post("/threads/{thread_id}/cancel")
    async def cancel(thread_id: str, authorization: str | None = Header(None)) -> dict[str, Any]:
        thread = thread_or_404(thread_id, authorization)
        thread.pending = None
        thread.status = "cancelled"
        fake.emit(thread, "run_cancelled")
        return summary(thread)

    @app.get("/threads/{thread_id}/events")
    async def events(
        thread_id: str,
        request: Request,
        after: int | None = None,
        authorization: str | None = Header(None),
    ) -> EventSourceResponse:
        thread = thread_or_404(thread_id, authorization)
        last_id = request.headers.get("last-event-id")
        fake.stream_connects.append(last_id)
        position = int(last_id) if last_id else (after or 0)

        async def stream() -> AsyncIterator[ServerSentEvent]:
            nonlocal position
            sent = 0
            while True:
                while position < len(thread.events):
                    item = thread.events[position]
                    position += 1
                    yield ServerSentEvent(
                        data=json.dumps(item["data"]), event=item["event"], id=str(item["seq"])
                    )
                    sent += 1
                    if fake.drop_after is not None and sent >= fake.drop_after:
                        fake.drop_after = None
                        return
                await thread.changed.wait()

        return EventSourceResponse(stream(), ping=fake.ping_seconds)

    return app


@dataclass
class LiveFake:
    """A running fake: its state, its URL, and a way to stop and start it on the same port."""

    fake: FakeBinks
    url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])
