"""The CLI against the real server (scripted model, in-memory cluster), over real HTTP and SSE."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tests.commands.helpers import binks
from tests.fakes.binks_fixture import SCALE_WEB, RealBinks, answer

Start = Callable[[list[dict[str, Any]]], RealBinks]


def test_ask_json_then_approve_then_watch_shows_the_change_verified(
    real_binks: Start, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = real_binks([SCALE_WEB, answer("web now runs 3 replicas")])
    asked = binks(capsys, monkeypatch, "ask", "--json", "scale web in shop to 3")
    events = [json.loads(line) for line in asked.lines()]
    assert asked.code == 4, asked.err
    assert all(set(event) == {"seq", "thread_id", "event", "data"} for event in events)
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert events[0]["event"] == "run_started" and events[-1]["event"] == "approval_required"
    step = events[-1]["data"]["plan"]["steps"][0]
    assert step["argv"] == ["-n", "shop", "scale", "deployment/web", "--replicas=3"]
    thread_id = events[-1]["thread_id"]
    assert f"binks approve {thread_id}" in asked.err
    assert server.replicas() == 1

    approved = binks(capsys, monkeypatch, "approve", thread_id)
    assert approved.code == 0, approved.err
    watched = binks(capsys, monkeypatch, "watch", thread_id, "--json", "--after", str(events[-1]["seq"]))
    after = [json.loads(line) for line in watched.lines()]
    assert watched.code == 0, watched.err
    names = [e["event"] for e in after]
    assert names[0] == "run_started" and names[-1] == "run_completed"
    verified = next(e["data"] for e in after if e["event"] == "verified")
    assert verified["ok"] is True
    assert server.replicas() == 3


def test_a_stale_decision_exits_3_and_reject_changes_nothing(
    real_binks: Start, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = real_binks([SCALE_WEB, answer("All right, I left web alone.")])
    asked = binks(capsys, monkeypatch, "ask", "--json", "scale web in shop to 3")
    approval = json.loads(asked.lines()[-1])
    thread_id, plan_hash = approval["thread_id"], approval["data"]["plan_hash"]
    stale = binks(
        capsys, monkeypatch, "approve", thread_id, "--interrupt", "not-the-one", "--plan-hash", plan_hash
    )
    assert stale.code == 3
    assert "decision refused" in stale.err and "nothing ran" in stale.err
    rejected = binks(capsys, monkeypatch, "reject", thread_id, "--reason", "not during the sale")
    assert rejected.code == 0, rejected.err
    again = binks(capsys, monkeypatch, "reject", thread_id, "--reason", "twice")
    assert again.code == 3 and "no approval pending" in again.err
    watched = binks(capsys, monkeypatch, "watch", thread_id)
    assert watched.code == 0
    assert "✗ rejected: not during the sale" in watched.out and "I left web alone" in watched.out
    assert server.toolbox.mutations == [] and server.replicas() == 1


def test_ask_at_a_terminal_approves_and_shows_the_verification(
    real_binks: Start, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = real_binks([SCALE_WEB, answer("web now runs 3 replicas")])
    result = binks(capsys, monkeypatch, "ask", "scale web in shop to 3", typed="a\n")
    assert result.code == 0, result.err
    assert "$ kubectl -n shop scale deployment/web --replicas=3" in result.out
    assert "dry-run ok" in result.out
    assert "✔ verified" in result.out and "binks: web now runs 3 replicas" in result.out
    assert server.replicas() == 3


def test_ask_without_a_terminal_exits_4_with_a_hint(real_binks: Start) -> None:
    server = real_binks([SCALE_WEB, answer("done")])
    env = {**os.environ, "BINKS_URL": server.url, "BINKS_API_KEY": os.environ["BINKS_API_KEY"]}
    result = subprocess.run(
        [sys.executable, "-m", "binks.cli", "ask", "scale web in shop to 3"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 4, result.stderr
    assert "waits for a decision" in result.stderr and "binks approve" in result.stderr
    assert server.toolbox.mutations == []


def test_threads_and_health_against_the_server(
    real_binks: Start, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_binks([SCALE_WEB, answer("done")])
    binks(capsys, monkeypatch, "ask", "--json", "scale web in shop to 3")
    table = binks(capsys, monkeypatch, "threads")
    assert table.code == 0 and table.lines()[0].startswith("! ")
    assert "awaiting_approval" in table.out and "scale web in shop to 3" in table.out
    health = binks(capsys, monkeypatch, "health", "--json")
    assert health.code == 0 and json.loads(health.out)["status"] == "ok"


def test_cancel_stops_a_running_thread_and_exits_3_when_nothing_runs(
    real_binks: Start, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from binks.client import BinksClient

    real_binks([{"sleep": 3600}, answer("too late")])  # a model that never answers: only cancel ends it
    with BinksClient() as client:
        thread_id = client.start_thread("a slow question").thread_id
    cancelled = binks(capsys, monkeypatch, "cancel", thread_id)
    assert cancelled.code == 0, cancelled.err
    assert cancelled.lines() == [f"thread {thread_id}: cancelled"]
    again = binks(capsys, monkeypatch, "cancel", thread_id)
    assert again.code == 3
    assert "no run in progress" in again.err
