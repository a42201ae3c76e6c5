"""``request_approval``: ask the *person* through the MCP client (elicitation), never the model.

The calling agent can only ask for the question to be put; it has no way to answer it.
The question shows the plan as the approval card does (every step's command, namespace,
risk, dry-run and diff) with its plan hash and approval id, and the answer the client's
user gives is sent as an ordinary decision naming exactly that approval id and hash. So:

- an answer can only ever approve the plan it was shown: if the plan changed, or was
  decided in ``binks tui`` meanwhile, the server refuses it (409, "decision stale") and
  nothing runs;
- a replayed answer is refused the same way. Under the 2026-07-28 protocol the client
  sends the answer back with the SDK's sealed ``request_state``; the question is rebuilt
  from the thread's *current* approval on every round, and the SDK accepts a recorded
  answer only for a question rendered identically, so an old answer meets a new plan as
  a new question (or, with nothing pending, as "nothing to approve");
- the audit log records the decision with the key id prefixed ``mcp-elicitation:``.

Clients without elicitation get a tool error naming the other ways to decide.
"""

from typing import Annotated, Literal

from mcp.server.mcpserver import (
    AcceptedElicitation,
    Context,
    Elicit,
    ElicitationResult,
    MCPServer,
    Resolve,
)
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, ConfigDict, Field

from binks.client import Decision, ThreadDetail
from binks.mcp.backend import ClientFactory
from binks.mcp.errors import reported
from binks.mcp.tools import settled_view
from binks.mcp.views import ThreadView, how_to_approve, plan_view, thread_view

CHANNEL = "mcp-elicitation"
"""How these decisions are marked in the audit log (``mcp-elicitation:<key id>``)."""
QUESTION_LIMIT = 12000
"""Characters of the question that diffs may fill; the steps themselves are never cut."""

DECIDES = ToolAnnotations(readOnlyHint=False, destructiveHint=True, idempotentHint=False, openWorldHint=False)
"""A yes from the person runs the plan, which may delete things: clients should treat it so."""


class Question(BaseModel):
    """The approval a thread waits for now, rendered for the person."""

    model_config = ConfigDict(frozen=True)

    interrupt_id: str
    plan_hash: str
    text: str


class NothingPending(BaseModel):
    """The thread waits for no approval (decided elsewhere, finished, or a replayed answer)."""

    model_config = ConfigDict(frozen=True)

    reason: str


class CannotAsk(BaseModel):
    """The MCP client did not declare elicitation: there is nobody to ask through it."""

    model_config = ConfigDict(frozen=True)


class PersonsAnswer(BaseModel):
    """What the person answers (the elicitation form)."""

    decision: Literal["approve", "reject"] = Field(
        description="approve runs exactly the steps shown; reject drops the plan"
    )
    reason: str = Field("", max_length=2000, description="why (kept in Binks' audit log and the thread)")


def question_text(detail: ThreadDetail) -> str:
    """The question: the plan as the approval card shows it, bound to its approval id and hash.

    Every step's command, namespace, risk, notes and dry-run are always shown whole: a
    step the person was not shown must never run on their yes. Only diffs are cut, to
    :data:`QUESTION_LIMIT`, each cut one saying so. Text from the task, the calling agent
    or the cluster (title, summary, notes, dry-run messages) is kept on one line each, so
    it cannot draw lines that look like the plan's own.
    """
    assert detail.pending is not None
    plan = plan_view(detail.pending)
    head = [
        "Binks asks you, the person, to decide on a change to your cluster. The agent cannot answer this.",
        f"Thread {detail.thread_id}: {one_line(detail.title)}",
        f"Plan {plan.plan_hash[:16]} (approval {plan.interrupt_id}): {len(plan.steps)} step(s). "
        f"Summary: {one_line(plan.summary)}",
    ]
    if plan.note:
        head.append(f"Note: {one_line(plan.note)}")
    steps = [
        [
            "",
            f"{step.id}  {one_line(step.command)}",
            f"    namespace: {one_line(step.namespace or '-')}   risk: {step.risk}",
            *(f"    ! {one_line(note)}" for note in step.notes),
            f"    dry-run: {one_line(step.dry_run)}",
        ]
        for step in plan.steps
    ]
    tail = ["", f"Approve runs exactly these {len(plan.steps)} step(s), once. Reject drops the plan."]
    budget = QUESTION_LIMIT - sum(len(line) + 1 for line in [*head, *tail, *(x for s in steps for x in s)])
    for step, lines in zip(plan.steps, steps, strict=True):
        if not step.diff:
            continue
        diff = ["    diff:", *(f"      {line}" for line in step.diff.splitlines())]
        size = sum(len(line) + 1 for line in diff)
        if size <= budget:
            lines += diff
            budget -= size
        else:
            lines.append(f"    diff: too long to show here; binks tui shows thread {detail.thread_id} whole")
    return "\n".join([*head, *(line for lines in steps for line in lines), *tail])


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and other control characters shown as spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def register_approval(server: MCPServer, clients: ClientFactory, max_wait_s: float) -> None:
    """Add ``request_approval`` to ``server``."""

    async def current_question(thread_id: str) -> Question | NothingPending:
        """The thread's approval as it is now (re-read on every round of the protocol)."""
        async with clients() as client:
            with reported():
                if (await client.health()).mcp_elicitation is False:
                    raise ToolError(
                        "Refused by Binks: approvals through an MCP client's prompt are turned off on "
                        f"this Binks (BINKS_MCP_ELICITATION=false). {how_to_approve(thread_id)[0]}, or "
                        "in binks tui."
                    )
                detail = await client.get_thread(thread_id)
        if detail.status != "awaiting_approval" or detail.pending is None:
            return NothingPending(
                reason=f"thread {thread_id} is {detail.status} and waits for no approval; an earlier "
                "answer does not carry over to anything else"
            )
        return Question(
            interrupt_id=detail.pending.interrupt_id,
            plan_hash=detail.pending.plan_hash,
            text=question_text(detail),
        )

    def ask_person(
        question: Annotated[Question | NothingPending, Resolve(current_question)], ctx: Context
    ) -> Elicit[PersonsAnswer] | NothingPending | CannotAsk:
        """Put the question to the client's user, when there is one to ask and a way to ask."""
        if isinstance(question, NothingPending):
            return question
        capabilities = ctx.client_capabilities
        if capabilities is None or capabilities.elicitation is None:
            return CannotAsk()
        return Elicit(question.text, PersonsAnswer)

    @server.tool(title="Ask the person to approve", annotations=DECIDES)
    async def request_approval(
        thread_id: Annotated[
            str, Field(min_length=1, max_length=128, description="the thread whose plan to decide")
        ],
        question: Annotated[Question | NothingPending, Resolve(current_question)],
        answer: Annotated[ElicitationResult[PersonsAnswer], Resolve(ask_person)],
    ) -> ThreadView:
        """Ask the person using this MCP client to approve or reject a thread's pending plan.

        The client shows them the plan, dry-run and diff; only their answer counts, you cannot
        answer it. Needs a client that supports elicitation; otherwise the person decides in
        binks tui or with binks approve.
        """
        if isinstance(question, NothingPending):
            raise ToolError(f"Nothing to approve: {question.reason}.")
        data = answer.data if isinstance(answer, AcceptedElicitation) else None
        if isinstance(data, CannotAsk):
            ways = "; ".join(how_to_approve(thread_id)[:2])
            raise ToolError(
                f"This MCP client cannot ask its user (no elicitation); the person decides elsewhere: {ways}"
            )
        if isinstance(data, NothingPending):
            raise ToolError(f"Nothing to approve: {data.reason}.")
        async with clients() as client:
            with reported():
                if not isinstance(data, PersonsAnswer):
                    detail = await client.get_thread(thread_id)
                    view = thread_view(detail, max_wait_s)
                    view.next = (
                        f"The person did not decide ({answer.action}); the plan still waits. {view.next}"
                    )
                    return view
                decision = Decision(
                    interrupt_id=question.interrupt_id,
                    plan_hash=question.plan_hash,
                    action=data.decision,
                    reason=data.reason,
                )
                await client.decide(thread_id, decision, channel=CHANNEL)
                return await settled_view(client, thread_id, max_wait_s)
