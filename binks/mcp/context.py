"""Resources and prompts: the threads to read, and the safe way to change the cluster.

``binks://threads`` lists the threads; ``binks://threads/{thread_id}`` is one thread as the
tools show it (status, answer or pending plan, how to approve). The prompts give a client's
agent the flow in words: look with reads, propose one exact change, let the person
approve, then report what Binks verified.
"""

import json

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError

from binks.errors import BinksError
from binks.mcp.backend import ClientFactory
from binks.mcp.errors import message_for
from binks.mcp.views import thread_view

CHANGE_PROMPT = """Goal: {goal}

You can change this Kubernetes cluster only through Binks, and only a person can approve a change.
1. Look first: cluster_status, then kubectl_read (get, describe, logs, events) to find the exact objects.
2. Propose exactly one change with propose_change: a kubectl command and the reason.
3. Show the person the plan Binks returned (steps, dry-run, diff) and how to approve it: binks approve,
   the binks tui approval card, or request_approval if this client can ask them. You cannot approve it.
4. Call thread_status with wait_s until the thread is completed, then report the verified result."""

DIAGNOSE_PROMPT = """Question about the cluster: {question}

Investigate with Binks' read-only tools and change nothing:
1. cluster_status for the overview (nodes, pods not ready, warnings).
2. kubectl_read for the details: describe the failing objects, their events, their logs.
3. Answer with what you found and the command output it rests on. If a change would fix it, say which,
   and offer to propose it with propose_change (a person will have to approve it)."""


def register_context(server: MCPServer, clients: ClientFactory, max_wait_s: float) -> None:
    """Add the thread resources and the two prompts to ``server``."""

    @server.resource("binks://threads", name="threads", mime_type="application/json")
    async def threads() -> str:
        """Binks' threads, most recently active first: id, status and title.

        A status of awaiting_approval means a person has to decide.
        """
        async with clients() as client:
            try:
                rows = await client.list_threads()
            except BinksError as exc:
                raise ResourceError(message_for(exc)) from exc
        return json.dumps([{"thread_id": t.thread_id, "status": t.status, "title": t.title} for t in rows])

    @server.resource("binks://threads/{thread_id}", name="thread", mime_type="application/json")
    async def thread(thread_id: str) -> str:
        """One Binks thread: status, the answer or the plan waiting for approval, and how to approve it."""
        async with clients() as client:
            try:
                detail = await client.get_thread(thread_id)
            except BinksError as exc:
                raise ResourceError(message_for(exc)) from exc
        return thread_view(detail, max_wait_s).model_dump_json()

    @server.prompt(name="change_safely", title="Change the cluster with a person's approval")
    def change_safely(goal: str) -> str:
        """Plan a change through Binks: look, propose one exact command, the person approves, report."""
        return CHANGE_PROMPT.format(goal=goal)

    @server.prompt(name="diagnose", title="Find out what is wrong, read-only")
    def diagnose(question: str) -> str:
        """Investigate a problem on the cluster with reads only, and say what would fix it."""
        return DIAGNOSE_PROMPT.format(question=question)
