"""Backend failures end the step with a clear ModelError and leave the thread resumable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from binks.errors import ModelError
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness

GET = {"name": "run_kubectl", "args": {"command": "kubectl get deployments -n shop"}}


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (
            {"error": "[Errno 111] Connection refused"},
            "cannot reach the model server at http://localhost:11434",
        ),
        ({"content": "Let me look", "error": "stream reset"}, "cannot reach the model server"),
        ({"sleep": 5, "content": "too late"}, "did not answer within 0.2 s"),
    ],
)
async def test_model_failure_is_a_clear_error_and_the_thread_resumes(
    tmp_path: Path, failure: dict[str, Any], message: str
) -> None:
    script = [failure, {"tool_calls": [GET]}, {"content": "web has 1 replica."}]
    async with open_harness(tmp_path, script, FakeToolbox(), model_timeout_s=0.2) as h:
        with pytest.raises(ModelError, match=message):
            await h.ask("how is web?")
        assert (await h.graph.aget_state(h.config)).next == ("agent",)
        state = await h.run(None)
        assert state["final_answer"] == "web has 1 replica."


async def test_empty_answers_get_one_retry_then_a_model_error(tmp_path: Path) -> None:
    script = [{"content": ""}, {"content": "  "}, {"content": "fine"}]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        with pytest.raises(ModelError, match="empty answer twice"):
            await h.ask("hello")
        assert "Your answer was empty" in str(h.model.received[1][-1].content)
        state = await h.run(None)
        assert state["final_answer"] == "fine"


async def test_one_empty_answer_is_retried(tmp_path: Path) -> None:
    async with open_harness(tmp_path, [{"content": ""}, {"content": "hi"}], FakeToolbox()) as h:
        state = await h.ask("hello")
        assert state["final_answer"] == "hi"
        assert state["turns"] == 1
