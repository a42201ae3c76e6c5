"""Faults from the model: refused connections, answers cut mid-stream, garbage tool calls.

Two servers: one with the real Ollama backend (``ChatOllama``) pointed first at a port
nobody listens on, then at a fake Ollama that breaks its answers mid-stream; one with the
scripted model for what a backend cannot easily be made to do (a connection error after
some tokens, invalid tool calls twice in a row). Every fault must end the run with a
readable ``run_failed`` (or a stopped run that says why), change nothing, and leave the
thread able to finish by ``POST /resume`` or a follow-up once the model behaves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from binks.server.app import create_app
from tests.fakes.live_server import free_port
from tests.fakes.ollama import FakeOllama, serve_fake_ollama
from tests.fakes.toolbox import FakeToolbox
from tests.reliability.figures import note
from tests.server.conftest import API_KEY, ServerFactory, answer, make_settings
from tests.server.live import LiveServer
from tests.server.sse import Event, read_events
from tests.timing import generous

MODEL = "qwen2.5-coder:7b"


async def _run(client: httpx.AsyncClient, path: str, **body: Any) -> tuple[str, list[Event]]:
    """POST to start a run (new thread, message or resume); its thread and events to its end."""
    sent = await client.post(path, json=body or None)
    assert sent.status_code in (201, 202), sent.text
    run = sent.json()
    return run["thread_id"], await read_events(client, run["thread_id"], after=0, run_id=run["run_id"])


def _failed(events: list[Event], *fragments: str) -> str:
    """The run's readable error; it must name each fragment and say the thread can go on."""
    last = events[-1]
    assert last.event == "run_failed", events
    assert last.data["resumable"] is True and last.data["status"] == "failed"
    for fragment in fragments:
        assert fragment in last.data["error"], last.data["error"]
    return str(last.data["error"])


async def test_ollama_refusing_or_breaking_mid_stream_fails_the_run_readably_and_resume_finishes(
    tmp_path: Path,
) -> None:
    port = free_port()
    settings = make_settings(
        tmp_path / "state",
        ollama_base_url=f"http://127.0.0.1:{port}",
        ollama_model=MODEL,
        model_timeout_s=generous(10),
    )
    toolbox = FakeToolbox()
    errors: list[str] = []
    with LiveServer(create_app(settings, toolbox=toolbox)) as live:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        async with httpx.AsyncClient(base_url=live.url, headers=headers, timeout=generous(30)) as client:
            thread_id, events = await _run(client, "/threads", task="say hello")
            errors.append(_failed(events, "cannot reach the model server", "ollama serve"))
            resume = f"/threads/{thread_id}/resume"

            fake = FakeOllama(
                replies=[
                    {"content": "the shop is", "drop": True},
                    {"content": "the shop", "error": "llama runner process has terminated"},
                    {"content": "hello from the model"},
                ]
            )
            with serve_fake_ollama(fake, port=port):
                for fragment in ("RemoteProtocolError", "llama runner process has terminated"):
                    _, events = await _run(client, resume)
                    errors.append(_failed(events, fragment, "resumed"))
                    detail = (await client.get(f"/threads/{thread_id}")).json()
                    assert detail["status"] == "failed" and detail["messages"][-1]["role"] == "human"
                _, events = await _run(client, resume)
    assert events[-1].event == "run_completed", events
    assert events[-1].data["result"].startswith("hello from the model")
    assert toolbox.mutations == [] and toolbox.reads == []
    note(
        f"model faults (Ollama): refused connection, cut stream, error line mid-stream: {len(errors)} "
        "readable run_failed events, each resumed to the end once the model answered"
    )


async def test_scripted_model_errors_and_garbage_tool_calls_leave_the_thread_resumable(
    start_server: ServerFactory,
) -> None:
    garbage = {"tool_calls": [{"name": "delete_everything", "args": {"now": True}}]}
    bad_args = {"tool_calls": [{"name": "run_kubectl", "args": {"cmd": 5}}]}
    # a read before each answer about the cluster: an unchecked answer would be nudged once
    look = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl -n shop get deployments"}}]}
    script: list[dict[str, Any]] = [
        {"error": "connection reset by peer"},
        {"content": "the pods are", "error": "stream ended early"},
        look,
        answer("all pods are fine"),
        garbage,
        bad_args,
        answer("I ran nothing: my calls were not valid."),  # asked for without tools
        answer("glad to help"),
        garbage,
        look,
        answer("web runs 1 replica"),
    ]
    toolbox = FakeToolbox()
    server = start_server(script, toolbox=toolbox)
    stopped = 0
    async with server.client() as client:
        thread_id, events = await _run(client, "/threads", task="are the pods fine?")
        _failed(events, "cannot reach the model server", "resume the thread")
        resume, messages = f"/threads/{thread_id}/resume", f"/threads/{thread_id}/messages"
        _, events = await _run(client, resume)
        _failed(events, "stream ended early")
        _, events = await _run(client, resume)
        assert events[-1].event == "run_completed" and events[-1].data["result"] == "all pods are fine"
        assert "the pods are" not in events[-1].data["result"]

        _, events = await _run(client, messages, task="clean up the shop")
        assert events[-1].event == "run_completed", events
        result = events[-1].data["result"]
        assert result.startswith("I ran nothing: my calls were not valid.")
        assert "tool call could not be used" in result and "nothing more was run" in result
        stopped += 1
        _, events = await _run(client, messages, task="thanks, that is all")
        assert events[-1].event == "run_completed", events
        assert events[-1].data["result"].startswith("glad to help")
        _, events = await _run(client, messages, task="look at web")
        results = [e for e in events if e.event == "tool_result"]
        assert events[-1].event == "run_completed" and results and results[-1].data["ok"] is True
    assert toolbox.mutations == []
    note(
        "model faults (scripted): connection error, error after some tokens, 2 invalid tool calls in a "
        f"row ({stopped} run stopped saying nothing ran), 1 invalid call then a valid one: 0 changes, "
        "every thread finished"
    )
