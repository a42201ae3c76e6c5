"""The one-shot model pull of manifests/core, against a stub Ollama."""

from __future__ import annotations

import json
import threading

from tests.manifests.workers import (
    MANIFESTS,
    Reply,
    Request,
    closed_port_url,
    json_reply,
    run_script,
    stub_server,
)

SCRIPT = MANIFESTS / "core" / "pull_model.py"


def _ndjson(*events: dict[str, object]) -> Reply:
    return 200, "application/x-ndjson", b"".join(json.dumps(event).encode() + b"\n" for event in events)


def test_waits_for_ollama_then_pulls_each_model() -> None:
    up = threading.Event()

    def version(_: Request) -> Reply:
        # Down for the first call, as while the Ollama pod is still starting.
        if not up.is_set():
            up.set()
            return json_reply({"error": "starting"}, status=503)
        return json_reply({"version": "0.12.10"})

    def pull(request: Request) -> Reply:
        return _ndjson(
            {"status": "pulling manifest"},
            {"status": "pulling abc", "total": 100, "completed": 50},
            {"status": "pulling abc", "total": 100, "completed": 100},
            {"status": "success"},
        )

    routes = {("GET", "/api/version"): version, ("POST", "/api/pull"): pull}
    with stub_server(routes) as ollama:
        run = run_script(
            SCRIPT,
            {
                "OLLAMA_URL": ollama.url,
                "OLLAMA_PULL_MODEL": "qwen2.5-coder:1.5b, llama3.2:1b",
                "OLLAMA_WAIT_SECONDS": "5",
            },
        )
    assert run.returncode == 0, run.stdout + run.stderr
    pulled = [request.json() for request in ollama.requests if request.path == "/api/pull"]
    assert pulled == [
        {"model": "qwen2.5-coder:1.5b", "stream": True},
        {"model": "llama3.2:1b", "stream": True},
    ]
    assert "qwen2.5-coder:1.5b: ready" in run.stdout
    assert "50%" in run.stdout


def test_a_pull_error_fails_the_job_with_ollamas_message() -> None:
    routes = {
        ("GET", "/api/version"): lambda _: json_reply({"version": "0.12.10"}),
        ("POST", "/api/pull"): lambda _: _ndjson(
            {"status": "pulling manifest"}, {"error": "file does not exist"}
        ),
    }
    with stub_server(routes) as ollama:
        run = run_script(SCRIPT, {"OLLAMA_URL": ollama.url, "OLLAMA_PULL_MODEL": "nope:1b"})
    assert run.returncode == 1
    assert "could not pull nope:1b: file does not exist" in run.stdout


def test_gives_up_when_ollama_never_answers() -> None:
    run = run_script(
        SCRIPT, {"OLLAMA_URL": closed_port_url(), "OLLAMA_PULL_MODEL": "m", "OLLAMA_WAIT_SECONDS": "0.3"}
    )
    assert run.returncode == 1
    assert "did not answer within" in run.stdout
    assert "kubectl -n ai-services get pods" in run.stdout


def test_no_model_configured_is_an_error() -> None:
    run = run_script(SCRIPT, {"OLLAMA_URL": closed_port_url()})
    assert run.returncode == 2
    assert "OLLAMA_PULL_MODEL is empty" in run.stdout
