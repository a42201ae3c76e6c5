"""One model call: the answer streams to the run's sink and adds up to the whole answer."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableLambda

from binks.graph.asking import ask_model
from binks.graph.events import EVENTS_KEY, TOKEN
from binks.settings import load_settings
from tests.fakes.chat_model import ScriptedChatModel

WORDS = st.text(st.sampled_from("ab \n.{}\"'"), max_size=40)
CALLS = st.lists(
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["run_kubectl", "get_cluster_status"]),
            "args": st.dictionaries(st.sampled_from(["command", "namespace"]), WORDS, max_size=2),
        }
    ),
    max_size=3,
)


def asked(step: dict[str, Any], *, streaming: bool = True) -> tuple[AIMessage, list[dict[str, Any]]]:
    """Ask a scripted model inside a run whose sink records what it is handed."""
    model = ScriptedChatModel.from_script([step])
    if not streaming:
        model.disable_streaming = True
    handed: list[dict[str, Any]] = []

    async def node(messages: list[Any]) -> AIMessage:
        return await ask_model(model, messages, load_settings(env_file=None))

    config: Any = {"configurable": {EVENTS_KEY: handed.append}, "metadata": {"langgraph_node": "agent"}}
    answer = asyncio.run(RunnableLambda(node).ainvoke([HumanMessage("hi")], config))
    return answer, handed


@settings(max_examples=50, deadline=None)
@given(content=WORDS, calls=CALLS, streaming=st.booleans())
def test_the_pieces_go_to_the_sink_in_order_and_add_up_to_the_answer(
    content: str, calls: list[dict[str, Any]], streaming: bool
) -> None:
    answer, handed = asked({"content": content, "tool_calls": calls}, streaming=streaming)
    assert answer.content == content
    assert [(call["name"], call["args"]) for call in answer.tool_calls] == [
        (c["name"], c["args"]) for c in calls
    ]
    assert all(item["event"] == TOKEN and item["data"]["node"] == "agent" for item in handed)
    assert "".join(item["data"]["text"] for item in handed) == content
    if not streaming:  # a model asked without streaming hands its answer over whole
        assert len(handed) == (1 if content else 0)


def test_a_model_asked_outside_a_run_answers_and_hands_nothing_over() -> None:
    model = ScriptedChatModel.from_script([{"content": "web runs 1 replica."}])
    answer = asyncio.run(ask_model(model, [HumanMessage("hi")], load_settings(env_file=None)))
    assert answer.content == "web runs 1 replica."
