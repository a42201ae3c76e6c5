"""Backend failures end the step with a clear ModelError and leave the thread resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from binks.errors import ModelError
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness
from tests.timing import generous

GET = {"name": "run_kubectl", "args": {"command": "kubectl get deployments -n shop"}}


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (
            {"error": "[Errno 111] Connection refused"},
            "cannot reach the model server at http://localhost:11434",
        ),
        ({"content": "Let me look", "error": "stream reset"}, "cannot reach the model server"),
        # a model that never answers: only the (short) timeout can end the call
        ({"sleep": 3600, "content": "never"}, "did not answer within 0.2 s"),
    ],
)
async def test_model_failure_is_a_clear_error_and_the_thread_resumes(
    tmp_path: Path, failure: dict[str, Any], message: str
) -> None:
    short = 0.2 if "sleep" in failure else generous(60)
    async with open_harness(tmp_path, [failure], FakeToolbox(), model_timeout_s=short) as h:
        with pytest.raises(ModelError, match=message):
            await h.ask("how is web?")
        assert (await h.graph.aget_state(h.config)).next == ("agent",)
    # the same thread, resumed once the model answers (with a timeout it cannot miss)
    rest = [{"tool_calls": [GET]}, {"content": "web has 1 replica."}]
    async with open_harness(tmp_path, rest, FakeToolbox(), model_timeout_s=generous(60)) as h:
        state = await h.run(None)
        assert state["final_answer"] == "web has 1 replica."


async def test_empty_answers_get_one_retry_then_an_answer_from_the_evidence(tmp_path: Path) -> None:
    script = [{"tool_calls": [GET]}, {"content": ""}, {"content": "  "}]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        state = await h.ask("how is web?")
        assert "Your answer was empty" in str(h.model.received[2][-1].content)
        answer = state["final_answer"]
        assert answer.startswith("The model gave no final answer. What the tools returned last:")
        assert "shop/web replicas=1" in answer, "the answer is built from what the tools returned"
        assert "The model gave empty answers" in answer


async def test_one_empty_answer_is_retried(tmp_path: Path) -> None:
    async with open_harness(tmp_path, [{"content": ""}, {"content": "hi"}], FakeToolbox()) as h:
        state = await h.ask("hello")
        assert state["final_answer"] == "hi"
        assert state["turns"] == 1


def test_langchain_connection_errors_name_the_openai_setting() -> None:
    from langchain_core.exceptions import ModelConnectionError, ModelTimeoutError

    from binks.graph.model import as_model_error
    from binks.settings import load_settings

    openai = load_settings(env_file=None, model_backend="openai", openai_base_url="http://127.0.0.1:9/v1")
    error = as_model_error(ModelConnectionError("connection refused"), openai)
    assert "BINKS_OPENAI_BASE_URL" in str(error) and "ollama" not in str(error)
    assert "BINKS_MODEL_TIMEOUT_S" in str(as_model_error(ModelTimeoutError("slow"), openai))
    ollama = load_settings(env_file=None)
    assert "OLLAMA_BASE_URL" in str(as_model_error(ConnectionRefusedError("refused"), ollama))


def test_openai_backend_binds_tools_with_tool_choice_auto() -> None:

    from binks.graph.model import bind_agent_tools
    from binks.settings import load_settings
    from binks.tools.registry import tool_specs
    from tests.fakes.chat_model import ScriptedChatModel

    seen: dict[str, Any] = {}

    class Recording(ScriptedChatModel):
        def bind_tools(self, tools: Any, *, tool_choice: str | None = None, **kwargs: Any) -> Any:
            seen["tool_choice"] = tool_choice
            return super().bind_tools(tools, tool_choice=tool_choice, **kwargs)

    model = Recording.from_script([])
    bind_agent_tools(model, tool_specs(), load_settings(env_file=None, model_backend="openai"))
    assert seen["tool_choice"] == "auto"
    bind_agent_tools(model, tool_specs(), load_settings(env_file=None))
    assert seen["tool_choice"] is None
