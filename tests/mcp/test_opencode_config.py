"""``binks mcp config opencode``: the entry printed, or merged into opencode.json, in one step."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from binks.cli import main
from binks.mcp.opencode import binks_command


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["mcp", "config", "opencode", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_it_prints_the_local_and_the_remote_form(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys)
    assert code == 0
    config = json.loads(out)
    assert config["$schema"] == "https://opencode.ai/config.json"
    assert config["mcp"]["binks"] == {"type": "local", "command": [binks_command(), "mcp"], "enabled": True}
    assert Path(binks_command()).name == "binks"

    monkeypatch.setenv("BINKS_URL", "http://workstation:8000")
    monkeypatch.setenv("BINKS_API_KEY", "the-secret-key-0123456789")
    code, out, _ = run(capsys, "--remote", "--name", "cluster")
    assert code == 0 and "the-secret-key" not in out, "the key is never written, only referenced"
    assert json.loads(out)["mcp"]["cluster"] == {
        "type": "remote",
        "url": "http://workstation:8000/mcp",
        "headers": {"Authorization": "Bearer {env:BINKS_API_KEY}"},
        "enabled": True,
    }
    code, out, _ = run(capsys, "--remote", "--url", "https://binks.lan/mcp")
    assert json.loads(out)["mcp"]["binks"]["url"] == "https://binks.lan/mcp"


def test_it_merges_into_a_file_keeping_everything_else(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "opencode.json"
    target.write_text(json.dumps({"model": "x/y", "mcp": {"other": {"type": "local", "command": ["o"]}}}))
    target.chmod(0o600)
    code, _, err = run(capsys, "--write", str(target), "--command", "/opt/binks/bin/binks")
    assert code == 0 and f"wrote mcp.binks (local) in {target}" in err
    config = json.loads(target.read_text())
    assert config["model"] == "x/y" and config["mcp"]["other"] == {"type": "local", "command": ["o"]}
    assert config["mcp"]["binks"]["command"] == ["/opt/binks/bin/binks", "mcp"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, _, err = run(capsys, "--write", str(target), "--command", "/opt/binks/bin/binks")
    assert code == 0 and "already had" in err
    code, _, _ = run(capsys, "--write", str(target), "--remote", "--url", "http://w:8000")
    assert json.loads(target.read_text())["mcp"]["binks"]["type"] == "remote"


def test_a_new_file_goes_to_opencodes_own_config_dir(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--write")
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "opencode" / "opencode.json"
    assert code == 0 and str(path) in err
    config = json.loads(path.read_text())
    assert (
        config["$schema"] == "https://opencode.ai/config.json" and config["mcp"]["binks"]["type"] == "local"
    )


def test_a_file_with_comments_is_left_alone_with_the_entry_to_paste(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "opencode.jsonc"
    original = '{\n  // my settings\n  "model": "x/y"\n}\n'
    target.write_text(original)
    code, _, err = run(capsys, "--write", str(target))
    assert code == 2 and "not plain JSON" in err and '"binks"' in err
    assert target.read_text() == original
