"""Run a task's setup, verify and cleanup scripts against the target cluster.

Scripts get ``KUBECONFIG`` (and nothing else of Binks' settings), run in the task folder,
and are stopped at their timeout. Public task sets ship scripts without the executable bit
after a plain copy, so a script that is not executable runs through ``bash``.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from pathlib import Path

_OUTPUT_LIMIT = 64 * 1024


@dataclass(frozen=True)
class ScriptResult:
    """How a script ended, with its combined output (capped)."""

    script: str
    exit_code: int | None
    output: str
    seconds: float
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """True when the script exited 0 in time."""
        return self.exit_code == 0 and not self.timed_out


async def run_script(
    path: Path,
    *,
    kubeconfig: Path,
    timeout_s: float,
    extra_path: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> ScriptResult:
    """Run ``path`` in its folder with ``KUBECONFIG`` set; never raises for a failing script."""
    env = {**os.environ, "KUBECONFIG": str(kubeconfig), **(extra_env or {})}
    if extra_path is not None:
        env["PATH"] = f"{extra_path}{os.pathsep}{env.get('PATH', '')}"
    argv = [str(path)] if os.access(path, os.X_OK) else ["bash", str(path)]
    start = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=path.parent,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        stdout, _ = await asyncio.wait_for(process.communicate(), timeout=timeout_s)
    except TimeoutError:
        _kill_group(process)
        stdout, _ = await process.communicate()
        return ScriptResult(path.name, None, _text(stdout), time.monotonic() - start, timed_out=True)
    return ScriptResult(path.name, process.returncode, _text(stdout), time.monotonic() - start)


def _kill_group(process: asyncio.subprocess.Process) -> None:
    """Stop the script and whatever it started (kubectl wait, sleep loops)."""
    try:
        os.killpg(process.pid, 9)
    except ProcessLookupError:
        pass


def _text(data: bytes | None) -> str:
    text = (data or b"").decode("utf-8", errors="replace")
    if len(text) > _OUTPUT_LIMIT:
        return text[:_OUTPUT_LIMIT] + f"\n[... {len(text) - _OUTPUT_LIMIT} more characters cut]"
    return text
