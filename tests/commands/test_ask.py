from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.commands.helpers import binks
from tests.fakes.binks_api import LiveFake


def test_ask_json_prints_one_parseable_event_per_line_and_stops_at_the_approval(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = binks(capsys, monkeypatch, "ask", "--json", "scale web to 3")
    events = [json.loads(line) for line in result.lines()]
    assert all(set(event) == {"seq", "thread_id", "event", "data"} for event in events)
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    assert events[0]["event"] == "run_started" and events[-1]["event"] == "approval_required"
    assert {event["thread_id"] for event in events} == {"t1"}
    assert events[-1]["data"]["plan"]["steps"][0]["id"] == "s1"
    assert result.code == 4
    assert "binks approve t1" in result.err
    assert fake_binks.fake.mutations == []


def test_ask_on_a_pipe_with_an_approval_needed_exits_4_with_a_hint_instead_of_hanging(
    fake_binks: LiveFake,
) -> None:
    env = {**os.environ, "BINKS_URL": fake_binks.url, "BINKS_API_KEY": "test-key"}
    result = subprocess.run(
        [sys.executable, "-m", "binks.cli", "ask", "scale web to 3"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 4, result.stderr
    assert "waits for a decision" in result.stderr and "binks approve t1" in result.stderr
    assert "Traceback" not in result.stderr
    assert "kubectl -n shop scale deployment/web --replicas=3" in result.stdout  # the plan is shown
    assert fake_binks.fake.mutations == []


def test_ask_at_a_terminal_shows_the_plan_with_its_diff_and_approves_selected_steps(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = binks(capsys, monkeypatch, "ask", "scale web to 3", typed="\n\ns\n1\n")
    assert result.code == 0, result.err
    assert "Approval needed on thread t1: 2 step(s)" in result.out
    assert "+  replicas: 3" in result.out and "destructive" in result.out
    assert "✓ approved (s1)" in result.out
    assert "✔ verified: deployment/web in shop is as approved" in result.out
    assert fake_binks.fake.mutations == ["s1"]
    assert fake_binks.fake.decisions[0]["action"] == "approve"


def test_ask_at_a_terminal_can_reject_with_a_reason(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = binks(capsys, monkeypatch, "ask", "scale web", typed="r\nnot today\n")
    assert result.code == 0, result.err
    assert "✗ rejected: not today" in result.out
    assert fake_binks.fake.mutations == []


def test_ask_at_a_terminal_can_edit_a_step_which_is_dry_run_and_asked_again(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = "e\ns1\nkubectl -n shop scale deployment/web --replicas=2\na\n"
    result = binks(capsys, monkeypatch, "ask", "scale web", typed=typed)
    assert result.code == 0, result.err
    edit, approve = fake_binks.fake.decisions
    assert edit["action"] == "edit"
    assert edit["edits"] == {"s1": {"command": "kubectl -n shop scale deployment/web --replicas=2"}}
    assert approve["action"] == "approve" and approve["interrupt_id"] != edit["interrupt_id"]
    assert result.out.count("Approval needed on thread t1") == 2
    assert fake_binks.fake.commands == [
        "kubectl -n shop scale deployment/web --replicas=2",
        "kubectl -n shop delete pod web-old",
    ]


def test_quitting_the_prompt_leaves_the_approval_pending(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = binks(capsys, monkeypatch, "ask", "scale web", typed="q\n")
    assert result.code == 4
    assert fake_binks.fake.threads["t1"].pending is not None


def test_ask_without_a_change_prints_the_answer_and_exits_0(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_binks.fake.needs_approval = False
    result = binks(capsys, monkeypatch, "ask", "how is web?")
    assert result.code == 0
    assert "binks: web has 1 ready replica." in result.out
    follow_up = binks(capsys, monkeypatch, "ask", "--thread", "t1", "and now?", "--json")
    events = [json.loads(line) for line in follow_up.lines()]
    assert events[0]["event"] == "run_started" and events[0]["data"]["task"] == "and now?"
    assert events[-1]["event"] == "run_completed" and follow_up.code == 0
