"""The backends and the start-up capability check, against a fake Ollama on loopback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from binks.errors import ConfigError, ModelError
from binks.graph.model import as_model_error, bind_agent_tools, check_model, make_chat_model
from binks.settings import load_settings
from tests.fakes.ollama import FakeOllama, serve_fake_ollama
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import make_settings


async def test_check_model_reports_version_and_tools() -> None:
    with serve_fake_ollama() as fake:
        status = await check_model(load_settings(env_file=None, ollama_base_url=fake.url))
    assert status.version == "0.12.0"
    assert status.tools and status.model == "qwen2.5-coder:7b"


async def test_missing_model_says_ollama_pull() -> None:
    with serve_fake_ollama() as fake:
        settings = load_settings(env_file=None, ollama_base_url=fake.url, ollama_model="llama3.1:8b")
        with pytest.raises(ModelError, match=r"run `ollama pull llama3.1:8b`"):
            await check_model(settings)


async def test_model_without_tools_is_refused_with_a_suggestion() -> None:
    with serve_fake_ollama(FakeOllama(models={"gemma:2b": ["completion"]})) as fake:
        settings = load_settings(env_file=None, ollama_base_url=fake.url, ollama_model="gemma:2b")
        with pytest.raises(ModelError, match="does not support tool calling"):
            await check_model(settings)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_server_says_how_to_start_it() -> None:
    settings = load_settings(env_file=None, ollama_base_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ModelError, match=r"`ollama serve` or set OLLAMA_BASE_URL"):
        await check_model(settings)


def test_openai_backend_without_the_extra_is_a_config_error() -> None:
    try:
        import langchain_openai  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        settings = load_settings(
            env_file=None, model_backend="openai", openai_base_url="http://127.0.0.1:1/v1"
        )
        with pytest.raises(ConfigError, match=r"pip install 'binks\[openai\]'"):
            make_chat_model(settings)
    else:
        pytest.skip("the openai extra is installed")


async def test_chat_ollama_talks_to_the_server_and_tool_calls_arrive() -> None:
    reply = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl get pods -n shop"}}]}
    with serve_fake_ollama(FakeOllama(replies=[reply])) as fake:
        model = make_chat_model(load_settings(env_file=None, ollama_base_url=fake.url))
        answer = await model.bind_tools(FakeToolbox().specs()).ainvoke([HumanMessage("pods?")])
    assert isinstance(answer, AIMessage)
    assert answer.tool_calls[0]["name"] == "run_kubectl"
    assert ("POST", "/api/chat") in fake.requests


async def test_chat_with_a_missing_model_maps_to_ollama_pull(tmp_path: Path) -> None:
    with serve_fake_ollama() as fake:
        settings = make_settings(tmp_path, ollama_base_url=fake.url, ollama_model="missing:1b")
        model = make_chat_model(settings)
        with pytest.raises(Exception) as caught:
            await model.ainvoke([HumanMessage("hi")])
    error = as_model_error(caught.value, settings)
    assert "`ollama pull missing:1b`" in str(error)


@pytest.mark.parametrize(("stream_with_tools", "streamed"), [(True, True), (False, False)])
async def test_streaming_while_tools_are_bound_can_be_turned_off(
    tmp_path: Path, stream_with_tools: bool, streamed: bool
) -> None:
    reply = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "get pods -n shop"}}]}
    with serve_fake_ollama(FakeOllama(replies=[reply])) as fake:
        settings = make_settings(tmp_path, ollama_base_url=fake.url, stream_with_tools=stream_with_tools)
        bound = bind_agent_tools(make_chat_model(settings), FakeToolbox().specs(), settings)
        chunks = [chunk async for chunk in bound.astream([HumanMessage("pods?")])]
    assert fake.chats[0]["stream"] is streamed
    assert fake.chats[0]["tools"], "the tools are still bound"
    calls = [call for chunk in chunks if isinstance(chunk, AIMessage) for call in chunk.tool_calls]
    assert [call["name"] for call in calls] == ["run_kubectl"]
