"""The wiring: nodes name where a run goes next, and write only what they change."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.graph.message import add_messages

from binks.graph import routing
from binks.graph.builder import after, changes, destinations
from binks.graph.state import AgentState

KEYS = sorted(set(AgentState.__annotations__) - {"messages"})
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["", "a", "web"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["k", "v"]), inner, max_size=2)
    ),
    max_leaves=6,
)
VALUES = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=8)


def as_read(values: dict[str, Any]) -> dict[str, Any]:
    """The state as its readers see it (``state.get``): an absent key reads as empty."""
    return {key: value for key, value in values.items() if value not in (None, 0, "", [], {})}


@given(state=VALUES, update=VALUES)
def test_writing_only_the_changes_leaves_the_state_readers_see_as_the_whole_update_would(
    state: dict[str, Any], update: dict[str, Any]
) -> None:
    written = changes(state, update)  # type: ignore[arg-type]
    assert as_read({**state, **written}) == as_read({**state, **update})
    assert {key for key in update if key in state and state[key] != update[key]} <= set(written)
    assert {key for key in update if key in state and state[key] == update[key]}.isdisjoint(written)
    # A new thread's first task has nothing to reset: empty values for absent keys are not written.
    assert {key for key in update if key not in state and not as_read({key: update[key]})}.isdisjoint(written)


def test_messages_are_always_written_even_when_they_look_unchanged() -> None:
    message = HumanMessage(content="scale web", id="m1")
    state: dict[str, Any] = {"messages": [message], "turns": 1}
    assert changes(state, {"messages": [message], "turns": 1}) == {"messages": [message]}  # type: ignore[arg-type]


def test_a_router_sees_messages_as_their_reducer_leaves_them() -> None:
    """A message that replaces an earlier one by id stays in place: it is not the last one."""
    call = AIMessage(content="", id="a1", tool_calls=[{"name": "run_kubectl", "args": {}, "id": "c1"}])
    result = ToolMessage(content="ok", tool_call_id="c1", id="t1")
    state: dict[str, Any] = {"messages": [HumanMessage(content="go", id="h1"), call, result]}
    replaced: Any = AIMessage(content="", id="a1", tool_calls=[{"name": "find", "args": {}, "id": "c1"}])
    view = after(state, {"messages": [replaced], "turns": 2})  # type: ignore[arg-type]
    assert view["messages"] == add_messages(state["messages"], [replaced])
    assert [m.id for m in view["messages"]] == ["h1", "a1", "t1"]
    changed = view["messages"][1]
    assert isinstance(changed, AIMessage)
    assert changed.tool_calls[0]["name"] == "find"
    assert view["turns"] == 2
    assert routing.after_agent(view) == "respond"  # the last message is still the tool result


def test_each_node_is_drawn_with_the_nodes_its_router_can_name() -> None:
    assert set(destinations(routing.after_agent)) == {"read_tools", "respond"}
    assert set(destinations(routing.after_execute)) == {"execute", "approve", "verify"}
