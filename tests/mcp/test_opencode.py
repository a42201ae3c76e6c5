"""The real opencode (npm opencode-ai, pinned in tests/opencode) against a real Binks server.

opencode is set up with Binks' own ``binks mcp config opencode``, in both forms: ``local``
(opencode starts ``binks mcp``) and ``remote`` (opencode talks to ``/mcp`` with the key from
``BINKS_API_KEY``). Its model is a scripted OpenAI-compatible server that calls Binks' tools.
Everything stays on this machine: opencode gets a fresh HOME, no models.dev fetch, no update
check, and an npm registry on a closed loopback port for the plugin install it tries in the
background.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.live_server import free_port, serve
from tests.fakes.openai_chat import ScriptedChat, create_chat_app
from tests.mcp.conftest import SCALE, Binks, BinksFactory
from tests.server.conftest import API_KEY

OPENCODE = Path(__file__).parents[1] / "opencode" / "node_modules" / ".bin" / "opencode"
TOOLS = {"cluster_status", "kubectl_read", "ask", "propose_change", "thread_status", "request_approval"}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed, so opencode cannot run"),
]


def opencode_env(home: Path, binks: Binks) -> dict[str, str]:
    """The environment for opencode: its own HOME, offline switches, and where Binks is."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith(("OPENCODE", "NPM_CONFIG"))
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        OPENCODE_DISABLE_MODELS_FETCH="1",
        OPENCODE_DISABLE_AUTOUPDATE="1",
        OPENCODE_DISABLE_LSP_DOWNLOAD="1",
        OPENCODE_DISABLE_DEFAULT_PLUGINS="1",
        OPENCODE_DISABLE_SHARE="1",
        npm_config_registry=f"http://127.0.0.1:{free_port()}/",
        BINKS_URL=binks.url,
        BINKS_API_KEY=API_KEY,
    )
    return env


def provider_config(chat_url: str) -> dict[str, Any]:
    """The settings of opencode for the test: the scripted model as an OpenAI-compatible provider."""
    return {
        "$schema": "https://opencode.ai/config.json",
        "autoupdate": False,
        "share": "disabled",
        "provider": {
            "scripted": {
                "npm": "@ai-sdk/openai-compatible",
                "name": "Scripted",
                "options": {"baseURL": f"{chat_url}/v1", "apiKey": "unused"},
                "models": {"m": {"name": "m", "tool_call": True}},
            }
        },
        "model": "scripted/m",
    }


def run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run in ``cwd``; opencode takes its project directory from ``PWD``, so that is set too."""
    return subprocess.run(
        command,
        env={**env, "PWD": str(cwd)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def opencode_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One HOME for both forms: opencode's first start there sets up its database (seconds)."""
    return tmp_path_factory.mktemp("opencode-home")


@pytest.mark.parametrize("form", ["local", "remote"])
def test_opencode_set_up_by_binks_sees_its_tools_and_a_run_ends_with_a_pending_plan(
    binks_mcp: BinksFactory, tmp_path: Path, opencode_home: Path, form: str
) -> None:
    assert OPENCODE.exists(), f"opencode is not installed in {OPENCODE.parents[2]}: run scripts/install dev"
    binks = binks_mcp()
    reason = "more capacity for the load test"
    chat = ScriptedChat(
        [
            {"tool_calls": [{"name": "binks_propose_change", "args": {"command": SCALE, "reason": reason}}]},
            {"content": "Binks has a plan waiting for your approval in binks tui."},
        ]
    )
    work = tmp_path / "project"
    work.mkdir()
    env = opencode_env(opencode_home, binks)
    with serve(create_chat_app(chat)) as chat_url:
        config = work / "opencode.json"
        config.write_text(json.dumps(provider_config(chat_url)))
        setup = [sys.executable, "-m", "binks.cli", "mcp", "config", "opencode", "--write", str(config)]
        if form == "remote":
            setup += ["--remote", "--url", binks.url]
        configured = run(setup, env, work)
        assert configured.returncode == 0, configured.stderr
        written = json.loads(config.read_text())
        assert written["mcp"]["binks"]["type"] == form and written["model"] == "scripted/m"
        assert API_KEY not in config.read_text()

        listed = run([str(OPENCODE), "mcp", "list"], env, work)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)
        assert re.search(r"binks\s+connected", plain), plain

        ran = run([str(OPENCODE), "run", "--format", "json", "scale web in default to 3"], env, work)
        assert ran.returncode == 0, ran.stderr[-3000:]
    events = [json.loads(line) for line in ran.stdout.splitlines() if line.startswith("{")]
    calls = [event["part"] for event in events if event.get("type") == "tool_use"]
    assert [call["tool"] for call in calls] == ["binks_propose_change"], ran.stdout[-3000:]
    assert calls[0]["state"]["status"] == "completed", calls[0]["state"]
    assert '"status": "awaiting_approval"' in calls[0]["state"]["output"]
    assert {f"binks_{tool}" for tool in TOOLS} <= chat.offered_tools(), "opencode offered Binks' tools"

    threads = run([sys.executable, "-m", "binks.cli", "threads", "--json"], env, work)
    assert threads.returncode == 0, threads.stderr
    rows = [json.loads(line) for line in threads.stdout.splitlines()]
    assert rows == [
        {"thread_id": rows[0]["thread_id"], "status": "awaiting_approval", "title": f"MCP: {reason}"}
    ]
    assert rows[0]["thread_id"] in calls[0]["state"]["output"]
    assert binks.kube.mutations() == [], "nothing ran: the plan waits for the person"
