"""Changes through MCP: only ever a pending plan on an ordinary thread, run after a person's yes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from binks.cli import main
from binks.server.auth import key_id
from tests.fakes.live_server import free_port
from tests.mcp.conftest import (
    MCP_WAIT_S,
    SCALE,
    SCALE_SHOWN,
    Binks,
    BinksFactory,
    Transport,
    mcp_session,
    text_of,
)
from tests.server.conftest import API_KEY

SCALE_CALL = {"tool_calls": [{"name": "run_kubectl", "args": {"command": f"kubectl {SCALE}"}}]}
GET_CALL = {
    "tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl get deployment web -n default"}}]
}


async def approve_over_http(binks: Binks, view: dict[str, Any]) -> None:
    """The person approves in the TUI or with `binks approve`: a decision over the HTTP API."""
    pending = view["pending"]
    decision = {
        "interrupt_id": pending["interrupt_id"],
        "plan_hash": pending["plan_hash"],
        "action": "approve",
    }
    async with binks.api() as api:
        answer = await api.post(f"/threads/{view['thread_id']}/decision", json=decision)
    assert answer.status_code == 202, answer.text


async def test_a_proposed_change_waits_for_the_person_then_runs_once_and_is_verified(
    binks_mcp: BinksFactory, transport: Transport
) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, transport) as client:
        proposed = await client.call_tool("propose_change", {"command": SCALE, "reason": "load test tonight"})
        assert not proposed.is_error, text_of(proposed)
        view = proposed.structured_content
        assert view is not None and view["status"] == "awaiting_approval"
        (step,) = view["pending"]["steps"]
        assert step["command"] == SCALE_SHOWN and step["risk"] == "change"
        assert step["dry_run"].startswith("ok") and "replicas: 3" in step["diff"]
        assert f"binks approve {view['thread_id']}" in view["how_to_approve"][0]
        assert binks.scales() == 0 and binks.replicas() == 1, "nothing runs before the person decides"

        async with binks.api() as api:
            listed = (await api.get("/threads")).json()["threads"]
        assert [(t["thread_id"], t["status"]) for t in listed] == [(view["thread_id"], "awaiting_approval")]
        assert listed[0]["title"] == "MCP: load test tonight"

        await approve_over_http(binks, view)
        args = {"thread_id": view["thread_id"], "after_seq": view["last_seq"], "wait_s": MCP_WAIT_S}
        done = await client.call_tool("thread_status", args)
        status = done.structured_content
        assert status is not None and status["status"] == "completed", text_of(done, binks)
        (verified,) = status["verified"]
        assert verified.startswith("s1: verified (deployment/web has 3/3 ready")
        assert "executed and verified" in status["answer"]
        assert [e["event"] for e in status["events"]][:2] == ["run_started", "approval_decided"]
    assert binks.scales() == 1 and binks.replicas() == 3
    audit = await binks.audit(view["thread_id"])
    assert [(e.action, e.outcome, e.key_id) for e in audit] == [("approve", "accepted", key_id(API_KEY))]


async def test_the_thread_is_what_binks_threads_shows(
    binks_mcp: BinksFactory, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, "http") as client:
        proposed = await client.call_tool("propose_change", {"command": SCALE, "reason": "load test"})
    thread_id = (proposed.structured_content or {})["thread_id"]
    monkeypatch.setenv("BINKS_URL", binks.url)
    monkeypatch.setenv("BINKS_API_KEY", API_KEY)
    assert main(["threads", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows == [{"thread_id": thread_id, "status": "awaiting_approval", "title": "MCP: load test"}]


async def test_ask_lets_binks_model_work_and_its_change_waits_the_same_way(
    binks_mcp: BinksFactory, transport: Transport
) -> None:
    binks = binks_mcp([GET_CALL, SCALE_CALL, {"content": "web now runs 3 replicas."}])
    async with mcp_session(binks, transport) as client:
        asked = await client.call_tool("ask", {"task": "scale web in default to 3"})
        view = asked.structured_content
        assert view is not None and view["status"] == "awaiting_approval", text_of(asked, binks)
        assert view["pending"]["steps"][0]["command"] == SCALE_SHOWN
        assert binks.scales() == 0
        await approve_over_http(binks, view)
        done = await client.call_tool("thread_status", {"thread_id": view["thread_id"], "wait_s": MCP_WAIT_S})
        status = done.structured_content
        assert status is not None and status["status"] == "completed"
        assert status["answer"].startswith("web now runs 3 replicas.")
    assert binks.scales() == 1


async def test_ask_returns_running_before_a_client_times_out_and_a_busy_thread_says_so(
    binks_mcp: BinksFactory, tmp_path: Path
) -> None:
    never = {"gate": str(tmp_path / "never-opened"), "content": "slow"}  # the model never answers
    binks = binks_mcp([GET_CALL, never], mcp_wait_s=0.5)
    async with mcp_session(binks, "http") as client:
        asked = await client.call_tool("ask", {"task": "how many replicas does web run?"})
        view = asked.structured_content
        assert view is not None and view["status"] == "running", text_of(asked, binks)
        assert "thread_status" in view["next"]
        busy = await client.call_tool("ask", {"task": "and now?", "thread_id": view["thread_id"]})
        assert busy.is_error and text_of(busy, binks).startswith("Error executing tool ask: Thread busy:")
        async with binks.api() as api:
            assert (await api.post(f"/threads/{view['thread_id']}/cancel")).status_code == 200


async def test_auto_approve_rules_apply_to_a_proposal_as_to_anything_else(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp(auto_approve=["scale:default"])
    async with mcp_session(binks, "http") as client:
        proposed = await client.call_tool("propose_change", {"command": SCALE, "reason": "nightly"})
    view = proposed.structured_content
    assert view is not None and view["status"] == "completed", text_of(proposed, binks)
    assert "executed and verified" in view["answer"]
    assert binks.scales() == 1
    assert [(e.action, e.key_id) for e in await binks.audit(view["thread_id"])] == [("approve", "policy")]


async def test_what_cannot_be_proposed_is_said_and_nothing_runs(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, "http") as client:
        cases = {
            "Nothing to approve": {"command": "get pods -n default", "reason": "look"},
            "Refused by Binks (nothing ran)": {"command": "get pods; rm -rf /", "reason": "x"},
            "Bad arguments": {"reason": "neither a command nor a worker"},
        }
        for expected, args in cases.items():
            result = await client.call_tool("propose_change", args)
            assert result.is_error and expected in text_of(result, binks), (args, text_of(result))
        protected = await client.call_tool(
            "propose_change", {"command": "delete namespace kube-public", "reason": "x"}
        )
        view = protected.structured_content
        assert view is not None and view["status"] == "completed" and view["pending"] is None
        assert "refused by policy" in view["answer"]
    assert binks.kube.mutations() == []


async def test_a_worker_spawn_is_proposed_like_a_kubectl_change(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, "http") as client:
        args = {
            "worker_type": "deployment-verifier",
            "worker_params": {"deployment": "web"},
            "reason": "check web",
        }
        proposed = await client.call_tool("propose_change", args)
    view = proposed.structured_content
    assert view is not None and view["status"] == "awaiting_approval", text_of(proposed, binks)
    (step,) = view["pending"]["steps"]
    assert "deployment-verifier-job.yaml" in step["command"] and step["namespace"] == "ai-agents"
    assert binks.kube.mutations() == []


async def test_errors_name_the_cause_and_the_fix(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp()
    away = f"http://127.0.0.1:{free_port()}"
    async with mcp_session(binks, "stdio", BINKS_URL=away) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} >= {"kubectl_read", "propose_change"}
        result = await client.call_tool("cluster_status", {})
        assert (
            result.is_error and "Server away" in text_of(result, binks) and "binks serve" in text_of(result)
        )
    async with mcp_session(binks, "stdio", key="not-the-key-0123456789") as client:
        result = await client.call_tool("kubectl_read", {"command": "get pods"})
        assert result.is_error and "Bad key" in text_of(result, binks) and "BINKS_API_KEY" in text_of(result)
    async with mcp_session(binks, "http") as client:
        result = await client.call_tool("thread_status", {"thread_id": "no-such-thread"})
        assert result.is_error and "Unknown thread" in text_of(result, binks)
