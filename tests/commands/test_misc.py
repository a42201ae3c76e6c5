from __future__ import annotations

import json
import stat

import pytest

from binks.cli import build_parser
from binks.client import config_path, load_client_config
from tests.commands.helpers import binks
from tests.fakes.binks_api import API_KEY, LiveFake
from tests.fakes.live_server import free_port

CLIENT_COMMANDS = ("ask", "watch", "approve", "reject", "threads", "resume", "chat", "health", "login", "tui")


@pytest.mark.parametrize("name", CLIENT_COMMANDS)
def test_every_command_has_help_with_an_example(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([name, "--help"])
    assert info.value.code == 0
    assert "example" in capsys.readouterr().out


def test_threads_marks_the_ones_waiting_for_a_decision(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    binks(capsys, monkeypatch, "ask", "--json", "scale web")
    fake_binks.fake.needs_approval = False
    binks(capsys, monkeypatch, "ask", "--json", "how is web?")
    table = binks(capsys, monkeypatch, "threads")
    assert table.lines() == [
        "  t2  completed          how is web?",
        "! t1  awaiting_approval  scale web",
    ]
    rows = [json.loads(line) for line in binks(capsys, monkeypatch, "threads", "--json").lines()]
    assert rows[1] == {"thread_id": "t1", "status": "awaiting_approval", "title": "scale web"}


def test_health_and_an_unreachable_server(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ok = binks(capsys, monkeypatch, "health")
    assert ok.code == 0 and ok.out.startswith(f"{fake_binks.url}: ok")
    monkeypatch.setenv("BINKS_URL", f"http://127.0.0.1:{free_port()}")
    down = binks(capsys, monkeypatch, "health")
    assert down.code == 5
    assert "cannot reach the Binks server" in down.err and "binks serve" in down.err


def test_login_checks_the_key_then_saves_it_privately(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BINKS_URL")
    monkeypatch.delenv("BINKS_API_KEY")
    wrong = binks(capsys, monkeypatch, "login", fake_binks.url, "--key", "nope")
    assert wrong.code == 6 and "refused the API key" in wrong.err
    assert not config_path().exists()
    assert binks(capsys, monkeypatch, "login", fake_binks.url, "--key", API_KEY).code == 0
    assert stat.S_IMODE(config_path().stat().st_mode) == 0o600
    assert load_client_config().api_key == API_KEY
    assert binks(capsys, monkeypatch, "threads").code == 0
    monkeypatch.setenv("BINKS_URL", "http://elsewhere:9")
    assert load_client_config().url == "http://elsewhere:9"  # the environment wins over the file


def test_the_local_servers_key_file_is_used_when_nothing_is_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from pathlib import Path

    state = Path(str(tmp_path)) / "state"
    state.mkdir()
    (state / "api-key").write_text("local-key\n")
    monkeypatch.setenv("BINKS_STATE_DIR", str(state))
    monkeypatch.setenv("API_PORT", "8123")
    config = load_client_config()
    assert (config.url, config.api_key, config.source) == ("http://127.0.0.1:8123", "local-key", "default")


def test_chat_runs_each_line_on_one_thread(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_binks.fake.needs_approval = False
    result = binks(capsys, monkeypatch, "chat", typed="how is web?\n\nand the db?\nexit\n")
    assert result.code == 0, result.err
    assert result.out.count("binks: web has 1 ready replica.") == 2
    assert list(fake_binks.fake.threads) == ["t1"]
    assert [m["content"] for m in fake_binks.fake.threads["t1"].messages if m["role"] == "user"] == [
        "how is web?",
        "and the db?",
    ]


def test_resume_asks_about_a_pending_approval(
    fake_binks: LiveFake, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    binks(capsys, monkeypatch, "ask", "--json", "scale web")
    result = binks(capsys, monkeypatch, "resume", "t1", typed="a\n")
    assert result.code == 0, result.err
    assert "Approval needed on thread t1" in result.out
    assert fake_binks.fake.mutations == ["s1", "s2"]
