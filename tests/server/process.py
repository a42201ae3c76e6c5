"""A Binks server in a child process (``tests/fakes/serve.py``), for kill and restart tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.server.conftest import API_KEY


class ServerProcess:
    """Start with :meth:`start`; stop with :meth:`terminate` (graceful) or :meth:`kill` (crash)."""

    def __init__(self, state_dir: Path, script: list[dict[str, Any]], kubeconfig: Path | None = None) -> None:
        self.state_dir = state_dir
        self.script = script
        self.kubeconfig = kubeconfig
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> ServerProcess:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        script_file = self.state_dir / f"script-{time.monotonic_ns()}.json"
        script_file.write_text(json.dumps(self.script))
        argv = [sys.executable, "-m", "tests.fakes.serve", "--state-dir", str(self.state_dir)]
        argv += ["--script", str(script_file)]
        if self.kubeconfig is not None:
            argv += ["--kubeconfig", str(self.kubeconfig)]
        env = {**os.environ, "BINKS_API_KEY": API_KEY}
        log = (self.state_dir / "server.log").open("a")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the server did not start: {self.log()}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log()}")
            time.sleep(0.05)
        raise TimeoutError(f"the server did not answer /health: {self.log()}")

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"X-API-Key": API_KEY}, timeout=30)

    def log(self) -> str:
        path = self.state_dir / "server.log"
        return path.read_text() if path.exists() else ""

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(30)

    def terminate(self, timeout: float = 60) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
