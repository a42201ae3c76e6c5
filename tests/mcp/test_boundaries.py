"""A calling agent's words stay inside the tool it calls: a thread id names one thread."""

from __future__ import annotations

from tests.mcp.conftest import BinksFactory, mcp_session, text_of


async def test_a_thread_id_cannot_reach_another_route(binks_mcp: BinksFactory) -> None:
    """Every spelling is covered by tests/client/test_paths.py; this is the whole path once."""
    binks = binks_mcp([{"sleep": 60, "content": "slow"}])
    async with binks.api() as api:
        started = (await api.post("/threads", json={"task": "the person's own long task"})).json()
    tid = started["thread_id"]
    async with mcp_session(binks, "http") as client:
        answer = await client.call_tool("ask", {"task": "anything", "thread_id": f"{tid}/cancel?"})
        async with binks.api() as api:
            status = (await api.get(f"/threads/{tid}")).json()["status"]
    assert answer.is_error, text_of(answer, binks)
    assert status == "running", "the agent's thread id reached the person's run through another route"
