from __future__ import annotations

import json

import pytest

from tests.commands.helpers import binks
from tests.fakes.binks_api import LiveFake


def start(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    result = binks(capsys, monkeypatch, "ask", "--json", "scale web")
    approval: dict[str, object] = json.loads(result.lines()[-1])["data"]
    return approval


def test_approve_with_steps_runs_only_those(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    start(capsys, monkeypatch)
    result = binks(capsys, monkeypatch, "approve", "t1", "--steps", "s1")
    assert result.code == 0, result.err
    assert fake_binks.fake.mutations == ["s1"]
    watched = binks(capsys, monkeypatch, "watch", "t1", "--json", "--after", "6")
    assert [json.loads(line)["event"] for line in watched.lines()][-1] == "run_completed"
    assert watched.code == 0


def test_approve_of_a_stale_approval_exits_3_with_the_reason(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    approval = start(capsys, monkeypatch)
    result = binks(
        capsys,
        monkeypatch,
        "approve",
        "t1",
        "--interrupt",
        "int-something-older",
        "--plan-hash",
        str(approval["plan_hash"]),
    )
    assert result.code == 3
    assert "no pending approval matches" in result.err
    assert fake_binks.fake.mutations == []


def test_a_second_approve_finds_nothing_pending_and_exits_3(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    approval = start(capsys, monkeypatch)
    pin = ["--interrupt", str(approval["interrupt_id"]), "--plan-hash", str(approval["plan_hash"])]
    assert binks(capsys, monkeypatch, "approve", "t1", *pin).code == 0
    again = binks(capsys, monkeypatch, "approve", "t1", *pin)
    assert again.code == 3 and "decision refused" in again.err
    unpinned = binks(capsys, monkeypatch, "approve", "t1")
    assert unpinned.code == 3 and "no approval pending" in unpinned.err
    assert fake_binks.fake.mutations == ["s1", "s2"]


def test_reject_runs_nothing_and_unknown_steps_are_refused(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    start(capsys, monkeypatch)
    wrong = binks(capsys, monkeypatch, "approve", "t1", "--steps", "s9")
    assert wrong.code == 2 and "its steps are s1, s2" in wrong.err
    result = binks(capsys, monkeypatch, "reject", "t1", "--reason", "not during office hours")
    assert result.code == 0
    assert fake_binks.fake.mutations == []
    assert fake_binks.fake.decisions[-1]["reason"] == "not during office hours"


def test_watch_replays_and_stops_at_a_pending_approval_with_exit_4(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    start(capsys, monkeypatch)
    result = binks(capsys, monkeypatch, "watch", "t1")
    assert result.code == 4
    assert "▶ scale web" in result.out and "Approval needed" in result.out
    assert fake_binks.fake.mutations == []
