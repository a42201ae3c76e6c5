"""What an MCP client sees: the key check on /mcp, the tools' hints, the resources and prompts."""

from __future__ import annotations

import json

import httpx
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.mcp.conftest import SCALE, Binks, BinksFactory, Transport, mcp_session, text_of
from tests.server.conftest import API_KEY
from tests.timing import generous

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


async def test_mcp_over_http_needs_the_api_key(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp()
    async with httpx.AsyncClient(base_url=binks.url, timeout=generous(30)) as http:
        for headers in ({}, {"Authorization": "Bearer wrong-key-0123456789"}, {"X-API-Key": "nope"}):
            for method in ("POST", "GET", "DELETE"):
                refused = await http.request(method, "/mcp", json=INITIALIZE, headers={**HEADERS, **headers})
                assert refused.status_code == 401, (method, headers, refused.text)
                assert refused.json()["error"] == "unauthorized" and "binks key" in refused.json()["detail"]
                assert refused.headers["www-authenticate"] == "Bearer"
        ok = await http.post("/mcp", json=INITIALIZE, headers={**HEADERS, "X-API-Key": API_KEY})
        assert ok.status_code == 200, ok.text
    http_client = create_mcp_http_client(headers={"X-API-Key": API_KEY})
    async with (
        http_client,
        Client(streamable_http_client(f"{binks.url}/mcp", http_client=http_client)) as client,
    ):
        assert "kubectl_read" in {tool.name for tool in (await client.list_tools()).tools}


EXPECTED_HINTS = {
    "cluster_status": (True, False),
    "kubectl_read": (True, False),
    "thread_status": (True, False),
    "ask": (False, False),
    "propose_change": (False, False),
    "request_approval": (False, True),
}
"""(readOnlyHint, destructiveHint) per tool: read-only exactly where the tool layer lets only
reads through; destructive only where a yes can run a plan (which may delete things)."""


async def test_the_hints_say_what_each_tool_can_do_and_read_only_tools_change_nothing(
    binks_mcp: BinksFactory, transport: Transport
) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, transport) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        hints = {
            name: (tool.annotations.read_only_hint, tool.annotations.destructive_hint)
            for name, tool in tools.items()
            if tool.annotations is not None
        }
        assert hints == EXPECTED_HINTS
        proposed = await client.call_tool("propose_change", {"command": SCALE, "reason": "r"})
        thread_id = (proposed.structured_content or {})["thread_id"]
        before = await _snapshot(binks)
        for name, args in {
            "cluster_status": {},
            "kubectl_read": {"command": "get deployments -A"},
            "thread_status": {"thread_id": thread_id},
        }.items():
            annotations = tools[name].annotations
            assert annotations is not None and annotations.read_only_hint
            result = await client.call_tool(name, args)
            assert not result.is_error, text_of(result, binks)
        assert await _snapshot(binks) == before


async def _snapshot(binks: Binks) -> tuple[object, ...]:
    async with binks.api() as api:
        threads = (await api.get("/threads")).json()["threads"]
    events = []
    async with binks.api() as api:
        for thread in threads:
            events.append((await api.get(f"/threads/{thread['thread_id']}/log")).json()["last_seq"])
    return (
        [(t["thread_id"], t["status"], t["updated_at"]) for t in threads],
        events,
        len(binks.kube.mutations()),
    )


async def test_threads_are_resources_and_the_prompts_spell_out_the_flow(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, "http") as client:
        proposed = await client.call_tool("propose_change", {"command": SCALE, "reason": "r"})
        thread_id = (proposed.structured_content or {})["thread_id"]
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["binks://threads/{thread_id}"]
        listing = await client.read_resource("binks://threads")
        rows = json.loads(getattr(listing.contents[0], "text", ""))
        assert rows == [{"thread_id": thread_id, "status": "awaiting_approval", "title": "MCP: r"}]
        one = await client.read_resource(f"binks://threads/{thread_id}")
        view = json.loads(getattr(one.contents[0], "text", ""))
        assert view["status"] == "awaiting_approval" and view["pending"]["steps"][0]["risk"] == "change"
        prompts = {prompt.name for prompt in (await client.list_prompts()).prompts}
        assert prompts == {"change_safely", "diagnose"}
        prompt = await client.get_prompt("change_safely", {"goal": "scale web to 3"})
        text = getattr(prompt.messages[0].content, "text", "")
        assert "scale web to 3" in text and "propose_change" in text and "You cannot approve it" in text
