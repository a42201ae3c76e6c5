"""The agent ``binks eval`` measures: the Binks server stack itself, driven in-process.

Each task runs on a thread of a real run manager (graph, checkpointer, event log, thread
index and audit in the configured database), so a failed task keeps its transcript:
``binks watch THREAD`` replays it like any other thread. Approvals are answered as the
task allows, through the same decision check the HTTP API uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, ToolMessage

from binks.errors import BinksError
from binks.eval.runner import AgentRun, Approvals
from binks.graph.decision import Decision
from binks.graph.final import FINAL_KEY
from binks.graph.guards import NUDGED_KEY
from binks.graph.marks import repeated
from binks.graph.nodes.agent import REVIEWED_KEY
from binks.graph.nodes.respond import CHANGES_HEADER
from binks.graph.repair import REPAIRED_CALLS_KEY
from binks.server.app import create_app
from binks.server.run_task import Run, thread_config
from binks.server.services import Services
from binks.settings import Settings
from binks.tools.protocol import Toolbox

EVAL_KEY_ID = "binks-eval"
"""Who the audit log says decided: the evaluation runner, not a person."""
MAX_APPROVALS = 20
"""A run that keeps asking is stopped: a model in a propose loop fails the task."""
REJECT_REASON = "The person rejected this change. Do not retry it; explain what you would have done."


class ServerAgent:
    """Runs a task's prompts on one thread of a live run manager."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.thread_id: str | None = None
        self.asked = 0

    async def run(self, prompts: list[str], *, approvals: Approvals) -> AgentRun:
        """Run each prompt to completion on one thread, answering approvals with ``approvals``."""
        try:
            return await self._run(prompts, approvals)
        except asyncio.CancelledError:
            # The task's timeout: stop the server-side run too, or it keeps calling the model.
            await asyncio.shield(self._cancel())
            raise

    async def stopped(self) -> AgentRun | None:
        """What the thread had done when the run was stopped (None if it never started)."""
        if self.thread_id is None:
            return None
        return await self._summary(self.thread_id, None, self.asked, "stopped at the task's timeout")

    async def _run(self, prompts: list[str], approvals: Approvals) -> AgentRun:
        runs = self.services.runs
        run = await runs.start(prompts[0], title=f"eval: {prompts[0][:60]}")
        self.thread_id = run.thread_id
        error: str | None = None
        for index, prompt in enumerate(prompts):
            if index:
                run = await runs.message(run.thread_id, prompt)
            run, asked_now, error = await self._settle(run, approvals, self.asked)
            self.asked += asked_now
            if error:
                break
        return await self._summary(run.thread_id, run, self.asked, error)

    async def _cancel(self) -> None:
        if self.thread_id is not None and self.services.runs.active(self.thread_id) is not None:
            with contextlib.suppress(BinksError):
                await self.services.runs.cancel(self.thread_id, EVAL_KEY_ID)

    async def _settle(self, run: Run, approvals: Approvals, asked: int) -> tuple[Run, int, str | None]:
        asked_now = 0
        while True:
            await run.done.wait()
            if run.status != "awaiting_approval" or run.pending is None:
                error = run.error if run.status != "completed" else None
                return run, asked_now, error
            asked_now += 1
            if asked + asked_now > MAX_APPROVALS:
                return run, asked_now, f"more than {MAX_APPROVALS} approvals asked; stopped"
            decision = Decision(
                interrupt_id=run.pending.interrupt_id,
                plan_hash=run.pending.plan_hash,
                action=approvals,
                reason=REJECT_REASON if approvals == "reject" else "approved by the evaluation runner",
            )
            run = await self.services.runs.decide(run.thread_id, decision, EVAL_KEY_ID)

    async def _summary(self, thread_id: str, run: Run | None, asked: int, error: str | None) -> AgentRun:
        state = await self.services.graph.aget_state(thread_config(thread_id))
        values: dict[str, Any] = state.values
        messages = values.get("messages", [])
        answers = [message for message in messages if isinstance(message, AIMessage)]
        history = values.get("history") or []
        answer = str(values.get("final_answer") or (run.result if run else "") or "")
        reviews = [str(message.response_metadata.get(REVIEWED_KEY, "")) for message in answers]
        return AgentRun(
            answer=answer,
            thread_id=thread_id,
            turns=len(answers),
            tool_calls=sum(len(message.tool_calls) for message in answers),
            repaired_calls=sum(
                int(message.response_metadata.get(REPAIRED_CALLS_KEY, 0)) for message in answers
            ),
            nudges=sum(1 for message in answers if message.response_metadata.get(NUDGED_KEY)),
            approvals_asked=asked,
            mutations_executed=sum(1 for outcome in history if outcome.get("status") == "executed"),
            tokens=sum(
                message.usage_metadata["total_tokens"] for message in answers if message.usage_metadata
            ),
            loops_stopped=sum(
                1 for message in messages if isinstance(message, ToolMessage) and repeated(message)
            ),
            recoveries=reviews.count("recover"),
            answer_checks=reviews.count("answer"),
            early_answers=sum(1 for message in answers if message.response_metadata.get(FINAL_KEY)),
            unverified_claim=claims_success(answer) and not _verified(history),
            error=error,
        )


_CLAIM = re.compile(
    r"\b(?:successfully|has been (?:scaled|updated|restarted|created|rolled back|changed|patched|mounted|set)"
    r"|have been (?:scaled|updated|restarted|created|changed)|is now (?:running|scaled|using|set)"
    r"|now (?:runs|has|uses))\b",
    re.IGNORECASE,
)


def claims_success(answer: str) -> bool:
    """Whether the model's part of an answer says a change worked (Binks' own step list left out)."""
    said = answer.split(CHANGES_HEADER, 1)[0]
    return _CLAIM.search(said) is not None


def _verified(history: list[dict[str, Any]]) -> bool:
    return any(
        outcome.get("status") == "executed" and (outcome.get("verification") or {}).get("ok")
        for outcome in history
    )


@asynccontextmanager
async def open_services(
    settings: Settings, *, model: BaseChatModel | None = None, toolbox: Toolbox | None = None
) -> AsyncIterator[Services]:
    """The server's stateful parts (as its lifespan builds them), without HTTP."""
    app = create_app(settings, model=model, toolbox=toolbox)
    async with app.router.lifespan_context(app):
        services: Services = app.state.services
        yield services
