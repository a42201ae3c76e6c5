"""BINKS_OUTPUT_MODE=json: each turn asked with Ollama's ``format`` schema and no tools, over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.intents import IntentLog
from binks.checkpoints.saver import open_checkpointer
from binks.graph.constrained import tools_listing, turn_schema
from binks.graph.model import make_chat_model
from binks.graph.schema_check import schema_errors
from binks.tools.actions import action_specs
from binks.tools.find import find_spec
from binks.tools.registry import tool_specs
from tests.fakes.ollama import FakeOllama, serve_fake_ollama
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import graph_for, make_settings, open_database

SPECS = [*tool_specs(), find_spec(), *action_specs()]


def test_the_schema_admits_one_call_of_a_real_tool_or_an_answer() -> None:
    schema = turn_schema(SPECS)
    names = [branch["properties"]["name"]["const"] for branch in schema["anyOf"][:-1]]
    assert names == [spec["function"]["name"] for spec in SPECS]
    assert schema["anyOf"][-1] == {
        "type": "object",
        "properties": {"answer": {"type": "string"}},
        "required": ["answer"],
    }
    listing = tools_listing(SPECS)
    assert "- scale {name, namespace?, replicas}:" in listing
    assert "- run_kubectl {command}:" in listing


@given(command=st.text(min_size=1, max_size=40))
def test_a_call_that_fits_the_schema_fits_its_tool(command: str) -> None:
    branch = turn_schema(SPECS)["anyOf"][0]
    call = {"name": "run_kubectl", "arguments": {"command": command}}
    assert schema_errors(call["arguments"], branch["properties"]["arguments"]) == []


async def test_constrained_turns_over_http(tmp_path: Path) -> None:
    replies: list[dict[str, Any]] = [
        {"content": json.dumps({"name": "run_kubectl", "arguments": {"command": "get deployments -n shop"}})},
        {"content": json.dumps({"answer": "web runs 1 replica in shop."})},
    ]
    toolbox = FakeToolbox()
    with serve_fake_ollama(FakeOllama(replies=replies)) as ollama:
        settings = make_settings(
            tmp_path, ollama_base_url=ollama.url, ollama_model="qwen2.5-coder:7b", output_mode="json"
        )
        async with open_database(settings) as database, open_checkpointer(database) as saver:
            model: Any = make_chat_model(settings)  # graph_for is typed for the scripted model
            graph = graph_for(model, toolbox, settings, saver, IntentLog(database), AuditLog(database))
            state = await graph.ainvoke(
                {"messages": [("user", "what runs in shop?")]}, {"configurable": {"thread_id": "t"}}
            )
    assert toolbox.reads == [("run_kubectl", {"command": "get deployments -n shop"})]
    assert state["final_answer"] == "web runs 1 replica in shop."
    first = ollama.chats[0]
    assert not first.get("tools"), "format cannot be combined with tools: none are sent"
    assert first["format"]["anyOf"][-1]["required"] == ["answer"]
    assert 'Reply with JSON only: {"name": TOOL' in first["messages"][0]["content"]
    assert first["options"]["num_predict"] == 1024, "a rambling model is cut off (BINKS_MODEL_MAX_TOKENS)"
