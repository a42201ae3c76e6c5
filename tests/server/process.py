"""A Binks server in a child process (``tests/fakes/serve.py``), for kill and restart tests.

``module`` names another entry point with the same command line (``bench.serve``).
"""

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
from tests.timing import generous


class ServerProcess:
    """Start with :meth:`start`; stop with :meth:`terminate` (graceful) or :meth:`kill` (crash).

    The server leads a process group of its own, so :meth:`kill` can take its kubectl
    children down with it (``group=True``, as a service manager kills a unit's cgroup) or
    leave them running as orphans (a plain crash).
    """

    def __init__(
        self,
        state_dir: Path,
        script: list[dict[str, Any]],
        kubeconfig: Path | None = None,
        env: dict[str, str] | None = None,
        args: list[str] | None = None,
        module: str = "tests.fakes.serve",
    ) -> None:
        self.module = module
        self.state_dir = state_dir
        self.script = script
        self.kubeconfig = kubeconfig
        self.env = env or {}
        self.args = args or []
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> ServerProcess:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        script_file = self.state_dir / f"script-{time.monotonic_ns()}.json"
        script_file.write_text(json.dumps(self.script))
        argv = [sys.executable, "-m", self.module, "--state-dir", str(self.state_dir)]
        argv += ["--script", str(script_file)]
        if self.kubeconfig is not None:
            argv += ["--kubeconfig", str(self.kubeconfig)]
        argv += self.args
        env = {**os.environ, **self.env, "BINKS_API_KEY": API_KEY}
        with (self.state_dir / "server.log").open("a") as log:
            self.proc = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=log, text=True, env=env, start_new_session=True
            )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the server did not start: {self.log()}")
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"
        deadline = time.monotonic() + generous(60)
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=generous(5)).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log()}")
            time.sleep(0.05)
        raise TimeoutError(f"the server did not answer /health: {self.log()}")

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers={"X-API-Key": API_KEY}, timeout=generous(30))

    def log(self) -> str:
        path = self.state_dir / "server.log"
        return path.read_text() if path.exists() else ""

    def kill(self, *, group: bool = False) -> None:
        """SIGKILL the server; with ``group`` its kubectl children too."""
        assert self.proc is not None
        if group:
            os.killpg(self.proc.pid, signal.SIGKILL)
        else:
            self.proc.kill()
        self.proc.wait(generous(30))

    def group_alive(self) -> bool:
        """True while any process of the server's group (the server, orphaned kubectl) runs.

        Zombies do not count: an orphan's new parent may be slow to reap it (or never do).
        """
        assert self.proc is not None
        proc_fs = Path("/proc")
        if not proc_fs.is_dir():
            try:
                os.killpg(self.proc.pid, 0)
            except ProcessLookupError:
                return False
            return True
        for stat in proc_fs.glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # the process ended while we looked
            if int(fields[2]) == self.proc.pid and fields[0] != "Z":
                return True
        return False

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM, then the exit code once the server has stopped."""
        self.send_sigterm()
        return self.wait(timeout)

    def send_sigterm(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 60) -> int:
        """The exit code, waiting at most ``generous(timeout)`` seconds."""
        assert self.proc is not None
        return self.proc.wait(generous(timeout))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(generous(30))
        if self.proc is not None and self.group_alive():
            os.killpg(self.proc.pid, signal.SIGKILL)
