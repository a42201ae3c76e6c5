"""The tools an MCP client's agent gets: read freely, ask, propose, follow. Never decide.

Each tool is a thin call to the Binks HTTP API through :class:`~binks.client.AsyncBinksClient`,
so whatever the transport, reads go through the same tool layer as the agent's (refusals,
redaction, output cap) and every change becomes an ordinary thread with a plan that waits
for a person. No tool takes a decision as an argument: approving is the person's, in
``binks tui``, ``binks approve`` or an elicitation (:mod:`binks.mcp.approval`).

Tools that wait (``ask``, ``propose_change``, ``thread_status``) wait at most the configured
seconds (``BINKS_MCP_WAIT_S``), well under an MCP client's tool timeout, and then return the
thread as it is, with what to call next.

(No ``from __future__ import annotations`` here or in :mod:`binks.mcp.approval`: the SDK
reads the tools' annotations at registration, and they name values local to the function
that registers them.)
"""

from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from binks.client import AsyncBinksClient
from binks.mcp.backend import ClientFactory
from binks.mcp.errors import reported
from binks.mcp.views import ThreadStatus, ThreadView, event_view, thread_view, verified_line

EVENT_LIMIT = 60
"""Events ``thread_status`` returns at most (token events are never shown)."""

READ_ONLY = ToolAnnotations(
    readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
"""Tools that never change the cluster or Binks' threads."""
STARTS_THREAD = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
)
"""Tools that start a thread (or a run) on Binks; a change still waits for a person."""

Command = Annotated[
    str,
    Field(
        min_length=1,
        max_length=4000,
        description="kubectl arguments, with or without the word kubectl: verb, resource, name, flags. "
        "One command, no pipes or shell syntax.",
    ),
]
ThreadId = Annotated[
    str, Field(min_length=1, max_length=128, description="a thread id from ask or propose_change")
]


def register_tools(server: MCPServer, clients: ClientFactory, max_wait_s: float) -> None:
    """Add the read, ask, propose and follow tools to ``server``; waits last at most ``max_wait_s``."""

    @server.tool(title="Cluster status", annotations=READ_ONLY)
    async def cluster_status() -> str:
        """Overview of the cluster, read-only; start here when asked about health.

        Nodes and their health, pods by namespace and phase, pods that are not ready and why,
        recent warning events.
        """
        async with clients() as client:
            return await _read(client, "get_cluster_status", {})

    @server.tool(title="kubectl (reads only)", annotations=READ_ONLY)
    async def kubectl_read(command: Command) -> str:
        """Run one read-only kubectl command on the cluster and return its output.

        For get, describe, logs, top, events, explain and the like; secrets are redacted. Binks
        decides what is a read: a command that would change anything is refused without running;
        propose it with propose_change.
        """
        async with clients() as client:
            return await _read(client, "run_kubectl", {"command": command})

    @server.tool(title="Ask Binks", annotations=STARTS_THREAD)
    async def ask(
        task: Annotated[str, Field(min_length=1, max_length=8000, description="the task, in plain words")],
        thread_id: Annotated[
            str | None, Field(max_length=128, description="continue this thread instead of starting one")
        ] = None,
    ) -> ThreadView:
        """Give Binks a task in plain words; its own model works on it on a Binks thread.

        Binks reads the cluster as it needs. Any change it wants becomes a plan that waits for a
        person's approval. Returns within seconds: the answer, the pending plan, or 'running'
        with how to follow it.
        """
        async with clients() as client:
            with reported():
                if thread_id:
                    started = await client.send_message(thread_id, task)
                else:
                    started = await client.start_thread(task)
                return await settled_view(client, started.thread_id, max_wait_s)

    @server.tool(title="Propose a change", annotations=STARTS_THREAD)
    async def propose_change(
        reason: Annotated[str, Field(min_length=1, max_length=2000, description="why: shown to the person")],
        command: Annotated[
            str | None, Field(max_length=4000, description="the kubectl change to run")
        ] = None,
        worker_type: Annotated[
            str | None, Field(max_length=40, description="instead of command: a worker Job template to start")
        ] = None,
        worker_params: Annotated[
            dict[str, Any] | None, Field(description="what the worker should do (with worker_type)")
        ] = None,
    ) -> ThreadView:
        """Propose your own change to the cluster: one kubectl command, or a worker Job.

        Binks makes it a plan on a new thread (classified, server-side dry-run, diff, plan hash)
        that waits for a person's approval. It never runs from here. Returns the thread, the plan
        and how a person approves it; follow it with thread_status.
        """
        if bool(command) == bool(worker_type):
            raise ToolError("Bad arguments: give exactly one of command (a kubectl change) or worker_type.")
        args: dict[str, Any]
        if command:
            tool, args = "run_kubectl", {"command": command}
        else:
            tool = "spawn_worker_agent"
            args = {"agent_type": worker_type, "task_params": worker_params or {}}
        async with clients() as client:
            with reported():
                started = await client.propose(tool, args, reason, title=f"MCP: {reason}"[:200])
                return await settled_view(client, started.thread_id, max_wait_s)

    @server.tool(title="Thread status", annotations=READ_ONLY)
    async def thread_status(
        thread_id: ThreadId,
        after_seq: Annotated[int, Field(ge=0, description="only events after this sequence number")] = 0,
        wait_s: Annotated[
            float,
            Field(
                ge=0, description=f"wait up to this many seconds (at most {max_wait_s:g}) for a run to settle"
            ),
        ] = 0,
    ) -> ThreadStatus:
        """A Binks thread now: its status, the answer or the pending plan, and what happened.

        The events since after_seq (tool calls, plan, decision, execution, verification) and
        the verified results among them.
        """
        async with clients() as client:
            with reported():
                detail = await client.get_thread(thread_id, wait=min(wait_s, max_wait_s))
                status = ThreadStatus(**thread_view(detail, max_wait_s).model_dump())
                return await _with_events(client, status, after_seq)


async def settled_view(client: AsyncBinksClient, thread_id: str, max_wait_s: float) -> ThreadView:
    """The thread once its run settled, or as it is after ``max_wait_s``."""
    return thread_view(await client.get_thread(thread_id, wait=max_wait_s), max_wait_s)


async def _read(client: AsyncBinksClient, tool: str, args: dict[str, Any]) -> str:
    """A read through ``POST /reads``: its output, or a tool error saying why not."""
    with reported():
        result = await client.read(tool, args)
    output = result.output
    if result.truncated_bytes:
        output += f"\n[{result.truncated_bytes} more bytes cut; narrow it: -l, --field-selector, -o jsonpath]"
    if not result.ok:
        raise ToolError(f"kubectl answered with an error (nothing changed):\n{output}")
    return output


async def _with_events(client: AsyncBinksClient, status: ThreadStatus, after: int) -> ThreadStatus:
    """``status`` with the thread's events after ``after``: token events skipped, at most ``EVENT_LIMIT``."""
    position = after
    while True:
        page = await client.thread_log(status.thread_id, after=position)
        for event in page.events:
            if event.event == "model_token":
                position = event.seq
                continue
            if len(status.events) >= EVENT_LIMIT:
                status.more_events = True
                break
            position = event.seq
            status.events.append(event_view(event))
            if event.event == "verified":
                status.verified.append(verified_line(event.data))
        if status.more_events or page.next_after is None:
            break
    status.last_seq = position if status.more_events else max(position, status.last_seq)
    return status
