"""The code-reviewer worker, run as a pod would run it, against a stub forge and a stub Ollama."""

from __future__ import annotations

import json
from typing import Any

from tests.manifests.workers import (
    AGENTS,
    Reply,
    Request,
    closed_port_url,
    json_reply,
    run_script,
    stub_server,
    text_reply,
)

SCRIPT = AGENTS / "code_reviewer.py"
DIFF = """diff --git a/app.py b/app.py
--- a/app.py
+++ b/app.py
@@ -1,2 +1,3 @@
 import subprocess
-subprocess.run(["ls"])
+cmd = input()
+subprocess.run(cmd, shell=True)
"""
REVIEW = {
    "summary": "Runs user input through a shell.",
    "findings": [
        {"file": "app.py", "line": 3, "severity": "HIGH", "message": "shell=True with user input: injection"},
        {"file": "app.py", "line": None, "severity": "odd", "message": "  "},
    ],
}


def _chat(content: str) -> Any:
    def handler(request: Request) -> Reply:
        return json_reply(
            {"model": request.json()["model"], "message": {"role": "assistant", "content": content}}
        )

    return handler


def test_reviews_a_github_compare_diff_with_the_in_cluster_model() -> None:
    with stub_server({}) as forge, stub_server({("POST", "/api/chat"): _chat(json.dumps(REVIEW))}) as ollama:
        forge.routes[("GET", "/repos/me/app/compare/main...feature/x")] = lambda _: text_reply(DIFF)
        run = run_script(
            SCRIPT,
            {"OLLAMA_URL": ollama.url, "OLLAMA_MODEL": "qwen2.5-coder:1.5b"},
            task={
                "repo": "me/app",
                "base": "main",
                "head": "feature/x",
                "api_url": forge.url,
                "focus": "security",
            },
        )
    result = run.result
    assert run.returncode == 0, run.stderr
    assert result["ok"] is True
    assert result["agent"] == "code-reviewer"
    assert result["files_changed"] == 1
    assert result["structured"] is True
    assert result["findings"] == [
        {"file": "app.py", "line": 3, "severity": "high", "message": "shell=True with user input: injection"}
    ]
    (fetch,) = forge.requests
    assert fetch.headers["Accept"] == "application/vnd.github.diff"
    assert "Authorization" not in fetch.headers  # no token configured: unauthenticated
    (chat,) = ollama.requests
    body = chat.json()
    assert body["model"] == "qwen2.5-coder:1.5b"
    assert body["stream"] is False
    assert "security" in body["messages"][1]["content"]
    assert "shell=True" in body["messages"][1]["content"]
    assert body["format"]["required"] == ["summary", "findings"]


def test_unreachable_ollama_is_a_clear_failure_result() -> None:
    with stub_server({}) as forge:
        forge.routes[("GET", "/diff")] = lambda _: text_reply(DIFF)
        run = run_script(SCRIPT, {"OLLAMA_URL": closed_port_url()}, task={"diff_url": forge.url + "/diff"})
    result = run.result
    assert run.returncode == 1
    assert result["ok"] is False
    assert "cannot reach Ollama" in result["error"]
    assert "kubectl -n ai-services get pods" in result["error"]


def test_a_model_missing_from_ollama_says_how_to_pull_it() -> None:
    routes = {("POST", "/api/chat"): lambda _: json_reply({"error": "model 'tiny' not found"}, status=404)}
    with stub_server({}) as forge, stub_server(routes) as ollama:
        forge.routes[("GET", "/diff")] = lambda _: text_reply(DIFF)
        run = run_script(
            SCRIPT, {"OLLAMA_URL": ollama.url}, task={"diff_url": forge.url + "/diff", "model": "tiny"}
        )
    assert run.result["ok"] is False
    assert "ollama pull tiny" in run.result["error"]


def test_an_unstructured_answer_is_kept_as_the_summary_and_marked() -> None:
    routes = {("POST", "/api/chat"): _chat("Looks risky: shell=True.")}
    with stub_server({}) as forge, stub_server(routes) as ollama:
        forge.routes[("GET", "/diff")] = lambda _: text_reply(DIFF)
        run = run_script(SCRIPT, {"OLLAMA_URL": ollama.url}, task={"diff_url": forge.url + "/diff"})
    assert run.result["ok"] is True
    assert run.result["structured"] is False
    assert run.result["summary"] == "Looks risky: shell=True."
    assert run.result["findings"] == []


def test_a_fenced_json_answer_is_parsed() -> None:
    routes = {("POST", "/api/chat"): _chat("Here you go:\n```json\n" + json.dumps(REVIEW) + "\n```")}
    with stub_server({}) as forge, stub_server(routes) as ollama:
        forge.routes[("GET", "/diff")] = lambda _: text_reply(DIFF)
        run = run_script(SCRIPT, {"OLLAMA_URL": ollama.url}, task={"diff_url": forge.url + "/diff"})
    assert run.result["structured"] is True
    assert len(run.result["findings"]) == 1


def test_a_long_diff_is_cut_and_the_result_says_so() -> None:
    long_diff = DIFF + "+x = 1\n" * 2000
    with stub_server({}) as forge, stub_server({("POST", "/api/chat"): _chat(json.dumps(REVIEW))}) as ollama:
        forge.routes[("GET", "/diff")] = lambda _: text_reply(long_diff)
        run = run_script(
            SCRIPT, {"OLLAMA_URL": ollama.url}, task={"diff_url": forge.url + "/diff", "max_diff_chars": 1000}
        )
    assert run.result["truncated"] is True
    prompt = ollama.requests[0].json()["messages"][1]["content"]
    assert "first 1000 characters" in prompt
    assert len(prompt) < 1200


def test_an_empty_diff_needs_no_model() -> None:
    with stub_server({}) as forge:
        forge.routes[("GET", "/diff")] = lambda _: text_reply("")
        run = run_script(SCRIPT, {"OLLAMA_URL": closed_port_url()}, task={"diff_url": forge.url + "/diff"})
    assert run.result["ok"] is True
    assert run.result["findings"] == []


def test_the_token_goes_only_to_the_configured_forge() -> None:
    with stub_server({}) as forge, stub_server({("POST", "/api/chat"): _chat(json.dumps(REVIEW))}) as ollama:
        forge.routes[("GET", "/repos/me/app/pulls/7.diff")] = lambda _: text_reply(DIFF)
        forge.routes[("GET", "/raw.diff")] = lambda _: text_reply(DIFF)
        env = {"OLLAMA_URL": ollama.url, "FORGE_TOKEN": "s3cret", "FORGE_API_URL": forge.url}
        gitea = {"forge": "gitea", "api_url": forge.url, "repo": "me/app", "pull": 7}
        assert run_script(SCRIPT, env, task=gitea).result["ok"] is True
        assert run_script(SCRIPT, env, task={"diff_url": forge.url + "/raw.diff"}).result["ok"] is True
        other_host = {**gitea, "api_url": forge.url.replace("127.0.0.1", "localhost")}
        assert run_script(SCRIPT, env, task=other_host).result["ok"] is True
    gitea_fetch, url_fetch, other_fetch = forge.requests
    assert gitea_fetch.headers["Authorization"] == "token s3cret"
    assert "Authorization" not in url_fetch.headers
    assert "Authorization" not in other_fetch.headers


def test_forge_errors_say_what_to_check() -> None:
    with stub_server({}) as forge:
        run = run_script(
            SCRIPT,
            {"OLLAMA_URL": closed_port_url()},
            task={"repo": "me/app", "base": "main", "head": "nope", "api_url": forge.url},
        )
    assert run.result["ok"] is False
    assert "404" in run.result["error"]
    assert "code-reviewer-forge" in run.result["error"]


def test_bad_task_parameters_are_failure_results() -> None:
    env = {"OLLAMA_URL": closed_port_url()}
    missing = run_script(SCRIPT, env, task={"repo": "me/app"})
    assert missing.result == {"agent": "code-reviewer", "ok": False, "error": missing.result["error"]}
    assert "'base' is required" in missing.result["error"]
    assert "owner/name" in run_script(SCRIPT, env, task={"repo": "../etc", "pull": 1}).result["error"]
    not_json = run_script(SCRIPT, {**env, "BINKS_TASK": "{oops"})
    assert not_json.returncode == 1
    assert "not valid JSON" in not_json.result["error"]
    assert "BINKS_TASK is empty" in run_script(SCRIPT, env).result["error"]
