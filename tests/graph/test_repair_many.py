"""Several calls in one answer, in every shape small models write them, against the real schemas."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage

from binks.graph.repair import ToolSchemas, check_message, repaired_message
from binks.tools.actions import action_specs
from binks.tools.find import find_spec
from binks.tools.registry import tool_specs

SCHEMAS = ToolSchemas([*tool_specs(), find_spec(), *action_specs()])
WORDS = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)
CALLS = st.one_of(
    st.builds(lambda c: ("run_kubectl", {"command": f"get pods -n {c}"}), WORDS),
    st.just(("get_cluster_status", {})),
    st.builds(lambda t: ("find", {"text": t}), WORDS),
    st.builds(lambda n, r: ("scale", {"name": n, "replicas": r}), WORDS, st.integers(0, 9)),
    st.builds(lambda n: ("restart", {"name": n, "namespace": "shop"}), WORDS),
)


def _encode(calls: list[tuple[str, dict[str, Any]]], shape: str) -> str:
    objects = [json.dumps({"name": name, "arguments": args}) for name, args in calls]
    if shape == "lines":
        return "\n".join(objects)
    if shape == "array":
        return "[" + ", ".join(objects) + "]"
    if shape == "fences":
        return "I will check:\n" + "\n".join(f"```json\n{obj}\n```" for obj in objects)
    if shape == "tags":
        return "\n".join(f"<tool_call>\n{obj}\n</tool_call>" for obj in objects)
    return ",\n".join(objects)  # objects separated by commas, no brackets


SHAPES = st.sampled_from(["lines", "array", "fences", "tags", "commas"])


@given(calls=st.lists(CALLS, min_size=1, max_size=4), shape=SHAPES)
def test_every_call_in_one_answer_becomes_a_call(calls: list[tuple[str, dict[str, Any]]], shape: str) -> None:
    check = check_message(AIMessage(content=_encode(calls, shape)), SCHEMAS)
    assert check.errors == [] and check.notes == []
    assert [(call["name"], call["args"]) for call in check.calls] == calls


@given(
    calls=st.lists(CALLS, min_size=1, max_size=3),
    cut=st.integers(1, 30),
    shape=st.sampled_from(["lines", "fences"]),
)
def test_a_call_cut_off_at_the_end_is_dropped_with_a_note(
    calls: list[tuple[str, dict[str, Any]]], cut: int, shape: str
) -> None:
    whole = _encode([*calls, ("run_kubectl", {"command": "get deployments -A -o wide"})], shape)
    text = whole[: len(whole) - cut - (4 if shape == "fences" else 0)]
    check = check_message(AIMessage(content=text), SCHEMAS)
    assert [(call["name"], call["args"]) for call in check.calls] == calls
    assert check.errors == []
    assert check.notes and "cut off at the end of the answer was dropped" in check.notes[0]
    repaired = repaired_message(AIMessage(content=text), check)
    assert "(Binks: a tool call cut off" in str(repaired.content)


def test_a_broken_call_between_whole_ones_is_an_error() -> None:
    text = '{"name": "get_cluster_status", "arguments": {}}\n{"name": "run_kubectl", "arguments": {"comm\n'
    text += '{"name": "find", "arguments": {"text": "web"}}'
    check = check_message(AIMessage(content=text), SCHEMAS)
    assert [call["name"] for call in check.calls] == ["get_cluster_status", "find"]
    assert check.errors and "not valid JSON" in check.errors[0]
