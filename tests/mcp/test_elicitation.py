"""Elicitation: the person answers through the MCP client; stale and replayed answers run nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mcp.types as t
import pytest
from mcp import Client
from mcp.client.context import ClientRequestContext

from binks.server.auth import key_id
from tests.mcp.conftest import (
    MCP_WAIT_S,
    SCALE,
    SCALE_SHOWN,
    Binks,
    BinksFactory,
    Mode,
    Transport,
    mcp_session,
    text_of,
)
from tests.mcp.test_changes import approve_over_http
from tests.server.conftest import API_KEY

ELICITED_KEY = f"mcp-elicitation:{key_id(API_KEY)}"


class Person:
    """The client's user: records each question and answers as told."""

    def __init__(self, action: str = "accept", decision: str = "approve", reason: str = "") -> None:
        self.action, self.decision, self.reason = action, decision, reason
        self.questions: list[str] = []

    async def __call__(self, context: ClientRequestContext, params: t.ElicitRequestParams) -> t.ElicitResult:
        assert isinstance(params, t.ElicitRequestFormParams)
        self.questions.append(params.message)
        content = {"decision": self.decision, "reason": self.reason} if self.action == "accept" else None
        return t.ElicitResult(action=self.action, content=content)


async def proposed(client: Client, binks: Binks) -> dict[str, Any]:
    result = await client.call_tool("propose_change", {"command": SCALE, "reason": "load test"})
    view = result.structured_content
    assert view is not None and view["status"] == "awaiting_approval", text_of(result, binks)
    return dict(view)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_the_person_approves_through_elicitation_and_the_audit_says_so(
    binks_mcp: BinksFactory, transport: Transport, mode: Mode
) -> None:
    binks = binks_mcp()
    person = Person(reason="fine tonight")
    async with mcp_session(binks, transport, mode=mode, elicitation=person) as client:
        view = await proposed(client, binks)
        assert binks.scales() == 0
        result = await client.call_tool("request_approval", {"thread_id": view["thread_id"]})
    done = result.structured_content
    assert done is not None and done["status"] == "completed", text_of(result, binks)
    assert "executed and verified" in done["answer"]
    (question,) = person.questions
    pending = view["pending"]
    assert pending["plan_hash"][:16] in question and pending["interrupt_id"] in question
    assert SCALE_SHOWN in question and "replicas: 3" in question and "dry-run: ok" in question
    assert binks.scales() == 1 and binks.replicas() == 3
    audit = await binks.audit(view["thread_id"])
    assert [(e.action, e.outcome, e.key_id, e.plan_hash) for e in audit] == [
        ("approve", "accepted", ELICITED_KEY, pending["plan_hash"])
    ]


async def test_reject_drops_the_plan_and_decline_leaves_it_waiting(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, "http", mode="legacy", elicitation=Person(action="decline")) as client:
        view = await proposed(client, binks)
        declined = await client.call_tool("request_approval", {"thread_id": view["thread_id"]})
        still = declined.structured_content
        assert still is not None and still["status"] == "awaiting_approval", text_of(declined, binks)
        assert still["next"].startswith("The person did not decide (decline)")
    async with mcp_session(
        binks, "http", elicitation=Person(decision="reject", reason="not today")
    ) as client:
        rejected = await client.call_tool("request_approval", {"thread_id": view["thread_id"]})
    done = rejected.structured_content
    assert done is not None and done["status"] == "completed", text_of(rejected, binks)
    assert "not run (rejected: not today)" in done["answer"]
    assert binks.scales() == 0
    audit = await binks.audit(view["thread_id"])
    assert [(e.action, e.outcome, e.key_id) for e in audit] == [("reject", "accepted", ELICITED_KEY)]


@pytest.mark.parametrize(("mode", "refusal"), [("legacy", "Decision stale"), ("auto", "Nothing to approve")])
async def test_an_answer_given_after_the_plan_was_decided_elsewhere_runs_nothing(
    binks_mcp: BinksFactory, mode: Mode, refusal: str
) -> None:
    binks = binks_mcp()
    views: list[dict[str, Any]] = []

    class Slow(Person):
        async def __call__(
            self, context: ClientRequestContext, params: t.ElicitRequestParams
        ) -> t.ElicitResult:
            await approve_over_http(binks, views[0])  # meanwhile, the person approved in binks tui
            return await super().__call__(context, params)

    async with mcp_session(binks, "http", mode=mode, elicitation=Slow()) as client:
        views.append(await proposed(client, binks))
        late = await client.call_tool("request_approval", {"thread_id": views[0]["thread_id"]})
        assert late.is_error and refusal in text_of(late, binks), text_of(late)
        args = {"thread_id": views[0]["thread_id"], "wait_s": MCP_WAIT_S}
        done = await client.call_tool("thread_status", args)
        assert (done.structured_content or {})["status"] == "completed"
    assert binks.scales() == 1, "the change ran once, from the first decision"
    outcomes = [(e.outcome, e.key_id) for e in await binks.audit(views[0]["thread_id"])]
    assert outcomes[0] == ("accepted", key_id(API_KEY))
    assert outcomes[1:] == ([("refused", ELICITED_KEY)] if mode == "legacy" else [])


async def test_a_replayed_answer_never_approves_again_nor_a_newer_plan(binks_mcp: BinksFactory) -> None:
    five = {
        "tool_calls": [
            {
                "name": "run_kubectl",
                "args": {"command": "kubectl scale deployment web -n default --replicas=5"},
            }
        ]
    }
    binks = binks_mcp([five])
    async with mcp_session(binks, "http", mode="auto", elicitation=Person()) as client:
        view = await proposed(client, binks)
        args = {"thread_id": view["thread_id"]}
        first = await client.session.call_tool("request_approval", args, allow_input_required=True)
        assert isinstance(first, t.InputRequiredResult) and first.input_requests
        (key,) = first.input_requests
        answer: t.InputResponses = {
            key: t.ElicitResult(action="accept", content={"decision": "approve", "reason": ""})
        }
        state = first.request_state

        async def answered() -> t.CallToolResult | t.InputRequiredResult:
            return await client.session.call_tool(
                "request_approval",
                args,
                input_responses=answer,
                request_state=state,
                allow_input_required=True,
            )

        applied = await answered()
        assert isinstance(applied, t.CallToolResult) and not applied.is_error, text_of(applied, binks)
        assert binks.scales() == 1

        replayed = await answered()
        assert isinstance(replayed, t.CallToolResult) and replayed.is_error
        assert "Nothing to approve" in text_of(replayed, binks)

        newer = await client.call_tool("ask", {"task": "now scale it to 5", "thread_id": view["thread_id"]})
        assert (newer.structured_content or {})["status"] == "awaiting_approval", text_of(newer, binks)
        against_newer = await answered()
        assert isinstance(against_newer, t.InputRequiredResult), "an old answer is a new question, not a yes"
    assert binks.scales() == 1 and binks.replicas() == 3
    audit = await binks.audit(view["thread_id"])
    assert [(e.action, e.outcome) for e in audit] == [("approve", "accepted")]


async def test_a_client_that_cannot_ask_its_user_is_told_where_the_person_decides(
    binks_mcp: BinksFactory,
) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, "http") as client:
        view = await proposed(client, binks)
        result = await client.call_tool("request_approval", {"thread_id": view["thread_id"]})
    assert result.is_error
    assert "cannot ask its user" in text_of(
        result, binks
    ) and f"binks approve {view['thread_id']}" in text_of(result)
    assert binks.scales() == 0


async def test_no_tool_takes_a_decision(binks_mcp: BinksFactory) -> None:
    binks = binks_mcp()
    async with mcp_session(binks, "http") as client:
        tools = (await client.list_tools()).tools
    words = {"decision", "action", "approve", "approved", "plan_hash", "interrupt_id", "answer"}
    # the tools that start, follow or ask about a change are among those checked
    assert {tool.name for tool in tools} >= {"ask", "propose_change", "thread_status", "request_approval"}
    for tool in tools:
        assert not words & set(tool.input_schema.get("properties", {})), tool.name


async def test_the_person_sees_the_captured_file_the_plan_will_apply(
    binks_mcp: BinksFactory, tmp_path: Path
) -> None:
    manifests = tmp_path / "manifests"
    manifests.mkdir()
    manifest = manifests / "settings.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: default}\ndata: {a: b}\n"
    )
    binks = binks_mcp(allowed_sources=[str(manifests)])
    person = Person(decision="reject", reason="not now")
    async with mcp_session(binks, "http", elicitation=person) as client:
        result = await client.call_tool(
            "propose_change", {"command": f"apply -f {manifest}", "reason": "settings"}
        )
        view = result.structured_content
        assert view is not None and view["status"] == "awaiting_approval", text_of(result, binks)
        (note,) = view["pending"]["steps"][0]["notes"]
        assert f"{manifest} captured (1 file(s), sha256 " in note
        await client.call_tool("request_approval", {"thread_id": view["thread_id"]})
    assert f"    ! {note}" in person.questions[0]
    assert binks.kube.mutations() == []


async def test_an_operator_can_turn_elicitation_approvals_off(binks_mcp: BinksFactory) -> None:
    """Where an MCP client may let its agent answer prompts, only the TUI and CLI decide."""
    binks = binks_mcp(mcp_elicitation=False)
    person = Person(reason="the agent answering its own prompt")
    async with mcp_session(binks, "http", mode="legacy", elicitation=person) as client:
        view = await proposed(client, binks)
        refused = await client.call_tool("request_approval", {"thread_id": view["thread_id"]})
    assert refused.is_error and "BINKS_MCP_ELICITATION" in text_of(refused, binks)
    assert person.questions == [], "the person is not asked a question whose answer cannot count"
    assert binks.scales() == 0
    assert await binks.audit(view["thread_id"]) == []
    async with binks.api() as api:
        waiting = (await api.get(f"/threads/{view['thread_id']}")).json()
    assert waiting["status"] == "awaiting_approval", "the person can still decide in the TUI or CLI"
