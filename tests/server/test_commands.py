from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from binks.server.health import CACHE_S
from tests.fakes.kube_api import KubeApi
from tests.timing import generous

BINKS = [sys.executable, "-m", "binks.cli"]


def _binks(*args: str, state: Path, cwd: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "BINKS_STATE_DIR": str(state), **env}
    return subprocess.run(
        [*BINKS, *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=generous(60)
    )


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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _timed_out(body: dict[str, Any]) -> bool:
    return any("no answer within" in check["detail"] for check in body["checks"].values())


@pytest.mark.slow
def test_serve_makes_the_key_says_how_to_use_it_and_runs_degraded_without_ollama(
    tmp_path: Path, kube_api: KubeApi
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "BINKS_STATE_DIR": str(tmp_path / "state"),
        "KUBECONFIG_PATH": str(kube_api.kubeconfig),
        "OLLAMA_BASE_URL": "http://127.0.0.1:9",  # nothing listens: Ollama is away
        "API_PORT": str(port),
    }
    proc = subprocess.Popen([*BINKS, "serve"], stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        assert proc.stderr is not None
        hint = "".join(proc.stderr.readline() for _ in range(4))
        key = (tmp_path / "state" / "api-key").read_text().strip()
        assert "generated an API key" in hint and "Authorization: Bearer" in hint and "binks key" in hint
        assert key not in hint  # not a terminal: the key stays in the 0600 file
        # Each check has the server's own bound (health.CHECK_TIMEOUT_S); on a busy machine the
        # first, cold round can miss it. Ask again (past the result cache) until every check
        # answered within it: what it then says is what a person is told.
        deadline = time.monotonic() + generous(120)
        while True:
            try:
                health: httpx.Response | None = httpx.get(
                    f"http://127.0.0.1:{port}/health", headers={"X-API-Key": key}, timeout=generous(10)
                )
            except httpx.TransportError:
                health = None
            assert proc.poll() is None and time.monotonic() < deadline, "binks serve did not answer in time"
            if health is not None and not _timed_out(health.json()):
                break
            time.sleep(0.1 if health is None else CACHE_S)
        body = health.json()
        assert body["status"] == "degraded"
        assert (
            body["checks"]["model"]["ok"] is False and "ollama" in body["checks"]["model"]["detail"].lower()
        )
        assert body["checks"]["cluster"]["ok"] is True
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(generous(30)) in (0, -signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(generous(10))
