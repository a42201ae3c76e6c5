# ruff: noqa: E501  (the corpus is verbatim model output)
"""Tool calls written as text by small models become real, validated calls (or errors)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage

from binks.graph.repair import (
    REPAIRED_CALLS_KEY,
    ToolSchemas,
    check_message,
    parse_text_calls,
    repaired_message,
)
from binks.tools.registry import parse_args, tool_specs
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness

# The schemas the model is given (KubeToolbox.specs()), not a test's own.
SCHEMAS = ToolSchemas(tool_specs())
TOOLS = ", ".join(SCHEMAS.names)
PODS = {"command": "kubectl get pods -n shop"}

# Real-looking answers of small local models (Qwen2.5-Coder 0.5B/1.5B, Llama 3.2 3B, Phi).
CORPUS: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    (
        '{"name": "run_kubectl", "arguments": {"command": "kubectl get pods -n shop"}}',
        [("run_kubectl", PODS)],
    ),
    (
        '```json\n{"name": "run_kubectl", "arguments": {"command": "kubectl get pods -n shop"}}\n```',
        [("run_kubectl", PODS)],
    ),
    (
        'To list the pods I will call the tool:\n```\n{"name": "run_kubectl", "arguments":'
        ' {"command": "kubectl get pods -n shop"}}\n```\nThis shows every pod.',
        [("run_kubectl", PODS)],
    ),
    (
        '<tool_call>\n{"name": "run_kubectl", "arguments": {"command": "kubectl get pods -n shop"}}\n</tool_call>',
        [("run_kubectl", PODS)],
    ),
    (
        '<tool_call>{"name": "get_cluster_status", "arguments": {}}</tool_call>\n'
        '<tool_call>{"name": "run_kubectl", "arguments": {"command": "kubectl get pods -n shop"}}</tool_call>',
        [("get_cluster_status", {}), ("run_kubectl", PODS)],
    ),
    (
        '{"tool": "run_kubectl", "parameters": {"command": "kubectl get pods -n shop"}}',
        [("run_kubectl", PODS)],
    ),
    (
        '{"name": "run_kubectl", "arguments": "{\\"command\\": \\"kubectl get pods -n shop\\"}"}',
        [("run_kubectl", PODS)],
    ),
    (
        '[{"name": "get_cluster_status", "arguments": {}}, {"name": "check_agent_status",'
        ' "arguments": {"job_name": "worker-1"}}]',
        [("get_cluster_status", {}), ("check_agent_status", {"job_name": "worker-1"})],
    ),
    (
        '{"type": "function", "function": {"name": "run_kubectl", "arguments": {"command":'
        ' "kubectl get pods -n shop"}}}',
        [("run_kubectl", PODS)],
    ),
    ('Sure! {"name": "get_cluster_status", "parameters": {}} should do it.', [("get_cluster_status", {})]),
    (
        "{'name': 'run_kubectl', 'arguments': {'command': 'kubectl get pods -n shop'}}",
        [("run_kubectl", PODS)],
    ),
    ('{"name": "get_cluster_status"}', [("get_cluster_status", {})]),
    (
        '<tool_call>\n```json\n{"name": "get_cluster_status", "arguments": {}}\n```\n</tool_call>',
        [("get_cluster_status", {})],
    ),
    # an invented name that clearly means one real tool, with arguments that fit it
    ('{"name": "kubectl", "arguments": {"command": "kubectl get pods -n shop"}}', [("run_kubectl", PODS)]),
    (
        '{"name": "run-kubectl", "arguments": {"command": "kubectl get pods -n shop"}}',
        [("run_kubectl", PODS)],
    ),
]

NOT_CALLS = [
    "The deployment web has 3 replicas and all are ready.",
    'Here is the object: {"name": "web", "namespace": "shop", "replicas": 3}',
    "```yaml\napiVersion: apps/v1\nkind: Deployment\n```",
    "",
]

INVALID = [
    ('{"name": "get_pods", "arguments": {"namespace": "shop"}}', "there is no tool 'get_pods'"),
    ('{"name": "run_kubectl", "arguments": {"cmd": "kubectl get pods"}}', "missing required field 'command'"),
    ('{"name": "run_kubectl", "arguments": {"command": 42}}', "expected string"),
    ('{"name": "run_kubectl", "arguments": "kubectl get pods"}', "arguments must be a JSON object"),
    (
        '{"name": "check_agent_status", "arguments": {"job_name": "Worker_1"}}',
        "arguments.job_name: does not match",
    ),
    ('{"name": "run_kubectl", "arguments": {"command": ""}}', "arguments.command: shorter than 1"),
    ('{"name": "run_kubectl", "arguments": {"command": "kubectl get pods"', "not valid JSON"),
    ('{"name": "status", "arguments": {}}', "there is no tool 'status'"),
]


STRAY_KEYS = [
    # the tools ignore keys they do not know (small models add them), so repair does too
    (
        '{"name": "check_agent_status", "arguments": {"job_name": "w", "verbose": true}}',
        [("check_agent_status", {"job_name": "w", "verbose": True})],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CORPUS + STRAY_KEYS)
def test_text_calls_are_repaired_into_validated_calls(text: str, expected: list[tuple[str, Any]]) -> None:
    check = check_message(AIMessage(content=text), SCHEMAS)
    assert check.errors == []
    assert check.from_text
    assert [(call["name"], call["args"]) for call in check.calls] == expected
    repaired = repaired_message(AIMessage(content=text, id="m1"), check)
    assert repaired.content == ""
    assert repaired.id == "m1"
    assert len({call["id"] for call in repaired.tool_calls}) == len(expected)
    assert repaired.response_metadata[REPAIRED_CALLS_KEY] == len(expected)


@pytest.mark.parametrize("text", NOT_CALLS)
def test_plain_answers_are_left_alone(text: str) -> None:
    check = check_message(AIMessage(content=text), SCHEMAS)
    assert check.calls == [] and check.errors == []
    assert parse_text_calls(text, SCHEMAS.names) is None


@pytest.mark.parametrize(("text", "error"), INVALID)
def test_invalid_calls_are_errors_and_never_calls(text: str, error: str) -> None:
    check = check_message(AIMessage(content=text), SCHEMAS)
    assert check.calls == []
    assert any(error in message for message in check.errors), check.errors


def test_structured_calls_are_validated_too() -> None:
    message = AIMessage(content="", tool_calls=[{"name": "run_kubectl", "args": {"cmd": "x"}, "id": "c1"}])
    check = check_message(message, SCHEMAS)
    assert check.calls == []
    assert "missing required field 'command'" in check.errors[0]
    unknown = AIMessage(content="", tool_calls=[{"name": "delete_everything", "args": {}, "id": "c2"}])
    assert f"the tools are: {TOOLS}" in check_message(unknown, SCHEMAS).errors[0]


# Argument values a model writes: right, wrong in type, empty, too loose for a name pattern.
# Nothing longer than 40 characters: the model is not shown maxLength (registry._SCHEMA_NOISE),
# so an over-long name is the tool's to refuse, not repair's.
VALUES = st.one_of(
    st.sampled_from(["kubectl get pods -n shop", "get pods", "worker-1", "code-reviewer", "", "Worker_1"]),
    st.sampled_from(["-bad", "a" * 40, "x y", "ok-", "9lives", "shop", "worker-1\n", "\nworker"]),
    st.text(max_size=20),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dictionaries(st.sampled_from(["repo", "pr", "x"]), st.integers(), max_size=2),
    st.lists(st.integers(), max_size=2),
)
KEYS = st.sampled_from(["command", "job_name", "agent_type", "task_params", "cmd", "verbose", "namespace"])


@settings(max_examples=600)
@given(name=st.sampled_from(SCHEMAS.names), args=st.dictionaries(KEYS, VALUES, max_size=4))
def test_repair_accepts_exactly_the_arguments_the_tool_itself_accepts(
    name: str, args: dict[str, Any]
) -> None:
    """Validation against the model's schema agrees with the tool's own argument model.

    A call repair lets through that the tool then rejects would reach the cluster layer as
    a broken call instead of getting its corrective retry; a call repair refuses that the
    tool would take costs the model a turn for nothing.
    """
    check = check_message(
        AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": "c1"}]), SCHEMAS
    )
    if name != "run_kubectl" and _runs_as_kubectl(args):
        # A kubectl command given to a tool that takes none is the run_kubectl call it names.
        assert [(call["name"], call["args"]) for call in check.calls] == [("run_kubectl", args)]
        return
    try:
        parse_args(name, args)
    except ValueError as exc:
        assert check.errors and not check.calls, (name, args, str(exc))
    else:
        assert not check.errors, (name, args, check.errors)
        assert [(call["name"], call["args"]) for call in check.calls] == [(name, args)]


def _runs_as_kubectl(args: dict[str, Any]) -> bool:
    try:
        parse_args("run_kubectl", {"command": args.get("command")})
    except ValueError:
        return False
    return True


async def test_text_call_runs_as_a_real_call_in_the_graph(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [
        {
            "content": '```json\n{"name": "run_kubectl", "arguments": {"command": "kubectl get deploy -n shop"}}\n```'
        },
        {"content": "web has 1 replica."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("how is web?")
        assert toolbox.reads == [("run_kubectl", {"command": "kubectl get deploy -n shop"})]
        assert state["final_answer"] == "web has 1 replica."


async def test_invalid_call_gets_one_corrective_retry(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [
        {"content": '{"name": "get_pods", "arguments": {"namespace": "shop"}}'},
        {"content": '{"name": "run_kubectl", "arguments": {"command": "kubectl get deploy -n shop"}}'},
        {"content": "web has 1 replica."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("how is web?")
        correction = str(h.model.received[1][-1].content)
        assert "there is no tool 'get_pods'" in correction
        assert f"Available tools: {TOOLS}" in correction
        assert len(toolbox.reads) == 1
        assert state["final_answer"] == "web has 1 replica."
        assert state["turns"] == 2, "the corrective retry belongs to the turn it corrects"


async def test_invalid_twice_runs_nothing_and_asks_for_an_answer_without_tools(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    bad = {"content": '{"name": "run_kubectl", "arguments": {"cmd": "kubectl delete ns shop"}}'}
    script = [bad, bad, {"content": "I could not clean up: my command was malformed."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("clean up")
        assert toolbox.reads == [] and toolbox.mutations == []
        assert "Stop calling tools now" in str(h.model.received[2][-1].content)
        assert state["final_answer"].startswith("I could not clean up")
        assert "tool call could not be used (tool call 'run_kubectl'" in state["final_answer"]
        assert "nothing more was run" in state["final_answer"]


@given(
    st.sampled_from(["get_cluster_status", "check_agent_status", "spawn_worker_agent"]),
    st.sampled_from(
        ["get deployments -l tier=frontend -o wide", "kubectl get pods -A", "describe pod web -n shop"]
    ),
    st.sampled_from([True, False]),
)
def test_a_kubectl_command_given_to_a_tool_that_takes_none_is_a_kubectl_call(
    tool: str, command: str, as_text: bool
) -> None:
    """Seen: ``get_cluster_status {"command": "get deployments -l tier=frontend"}`` (it ignored it)."""
    args = {"command": command}
    message = (
        AIMessage(content=json_call(tool, args))
        if as_text
        else AIMessage(content="", tool_calls=[{"name": tool, "args": args, "id": "c1"}])
    )
    check = check_message(message, SCHEMAS)
    assert not check.errors
    assert [(call["name"], call["args"]["command"]) for call in check.calls] == [("run_kubectl", command)]


def test_a_tool_that_takes_no_command_keeps_its_own_arguments() -> None:
    message = AIMessage(content="", tool_calls=[{"name": "get_cluster_status", "args": {}, "id": "c1"}])
    assert [call["name"] for call in check_message(message, SCHEMAS).calls] == ["get_cluster_status"]


def json_call(tool: str, args: dict[str, Any]) -> str:
    return json.dumps({"name": tool, "arguments": args})
