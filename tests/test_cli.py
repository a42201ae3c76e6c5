from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from binks import __version__
from binks.cli import main
from tests.timing import generous

BINKS = [sys.executable, "-m", "binks.cli"]


def run_binks(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*BINKS, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=generous(60)
    )


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"binks {__version__}"


def test_config_shows_seed_names_taking_effect(tmp_path: Path) -> None:
    result = run_binks(
        "config", "--json", env={"OLLAMA_MODEL": "llama3.1:8b", "API_PORT": "9100"}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows["OLLAMA_MODEL"] == {
        "name": "OLLAMA_MODEL",
        "value": "llama3.1:8b",
        "source": "env OLLAMA_MODEL",
    }
    assert rows["API_PORT"]["value"] == "9100"
    assert rows["API_HOST"] == {"name": "API_HOST", "value": "127.0.0.1", "source": "default"}


def test_config_table_masks_the_api_key(tmp_path: Path) -> None:
    result = run_binks("config", env={"BINKS_API_KEY": "topsecret-123"}, cwd=tmp_path)
    assert result.returncode == 0
    assert "topsecret" not in result.stdout
    assert "BINKS_API_KEY" in result.stdout and "********" in result.stdout


def test_bad_port_is_one_clear_error_and_exit_2(tmp_path: Path) -> None:
    result = run_binks("config", env={"API_PORT": "abc"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    problems = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert len(problems) == 1
    assert "API_PORT" in problems[0] and "'abc'" in problems[0]
    assert "Traceback" not in result.stderr


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: binks" in capsys.readouterr().out


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from binks.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('langgraph', 'textual', 'kubernetes', 'langchain_core', 'fastapi',"
        " 'asyncio') if m in sys.modules)\n"
        "print('HEAVY=' + ','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=generous(60)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY="
