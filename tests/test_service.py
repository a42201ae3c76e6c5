from __future__ import annotations

import configparser
import plistlib
from pathlib import Path

import pytest

from binks.cli import main
from binks.errors import ConfigError
from binks.service import plan_install, run_commands, write_unit

BINKS = Path("/opt/binks/.venv/bin/binks")


def _unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser


def test_system_unit_is_hardened_and_runs_this_binks(tmp_path: Path) -> None:
    plan = plan_install("system", home=tmp_path, binks=BINKS, state_dir=tmp_path / "ignored")
    unit = _unit(plan.content)
    service = unit["Service"]
    assert service["ExecStart"] == f"{BINKS} serve"
    assert service["User"] == "binks"
    assert service["StateDirectory"] == "binks"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["Restart"] == "on-failure"
    assert service["TimeoutStopSec"] == "90s"
    assert service["ReadWritePaths"] == "/var/lib/binks"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
    assert plan.path == Path("/etc/systemd/system/binks.service")
    assert ["systemctl", "enable", "--now", "binks.service"] in plan.enable


def test_user_unit_writes_under_home(tmp_path: Path) -> None:
    plan = plan_install("user", home=tmp_path, binks=BINKS, state_dir=tmp_path / "state")
    write_unit(plan)
    written = tmp_path / ".config" / "systemd" / "user" / "binks.service"
    assert written.read_text() == plan.content
    service = _unit(plan.content)["Service"]
    assert service["Environment"] == "BINKS_LOG_FORMAT=json"  # the last Environment= line wins in the parser
    assert f"BINKS_STATE_DIR={tmp_path / 'state'}" in plan.content
    assert "User=" not in plan.content


def test_launchd_plist_is_valid_and_keeps_alive(tmp_path: Path) -> None:
    plan = plan_install("launchd", home=tmp_path, binks=BINKS, state_dir=tmp_path / "state")
    plist = plistlib.loads(plan.content.encode())
    assert plist["Label"] == "dev.binks.serve"
    assert plist["ProgramArguments"] == [str(BINKS), "serve"]
    assert plist["KeepAlive"] == {"SuccessfulExit": False}
    assert plist["EnvironmentVariables"]["BINKS_STATE_DIR"] == str(tmp_path / "state")
    assert plan.path == tmp_path / "Library" / "LaunchAgents" / "dev.binks.serve.plist"


def test_missing_service_manager_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="no-such-manager not found"):
        run_commands([["no-such-manager", "enable"]])


def test_print_shows_the_unit_without_writing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["service", "install", "--user", "--print"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Binks as a systemd user service")
    assert not (tmp_path / ".config").exists()


def test_install_without_start_writes_and_explains(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["service", "install", "--user", "--no-start"]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / ".config" / "systemd" / "user" / "binks.service").is_file()
    assert "journalctl --user -u binks" in out
    assert main(["service", "uninstall", "--user", "--no-start"]) == 0
    assert not (tmp_path / ".config" / "systemd" / "user" / "binks.service").exists()
