from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BINKS = [sys.executable, "-m", "binks.cli"]


def _binks(*args: str, state: Path, cwd: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "BINKS_STATE_DIR": str(state), **env}
    return subprocess.run([*BINKS, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=60)


def test_key_is_made_once_shown_and_rotated(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = _binks("key", state=state, cwd=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = first.stdout.strip()
    assert len(key) >= 32 and "generated" in first.stderr
    assert oct((state / "api-key").stat().st_mode & 0o777) == "0o600"
    again = _binks("key", state=state)
    assert again.stdout.strip() == key and again.stderr == ""
    rotated = _binks("key", "--rotate", state=state)
    assert rotated.returncode == 0
    assert rotated.stdout.strip() not in ("", key)
    assert (state / "api-key").read_text().strip() == rotated.stdout.strip()
    assert "stops working" in rotated.stderr


def test_key_from_the_environment_cannot_be_rotated(tmp_path: Path) -> None:
    env_key = "env-key-0123456789abcdef"
    shown = _binks("key", state=tmp_path, BINKS_API_KEY=env_key)
    assert shown.stdout.strip() == env_key
    refused = _binks("key", "--rotate", state=tmp_path, BINKS_API_KEY=env_key)
    assert refused.returncode == 2
    assert "BINKS_API_KEY" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "api-key").exists()
