"""Run the real kubectl against a fake API server in tests."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from binks.tools.locate import find_kubectl
from tests.fakes.kube_api import KubeApi


@dataclass(frozen=True)
class Result:
    """Exit code and output of one kubectl run."""

    code: int
    out: str
    err: str


def kubectl(api: KubeApi, *args: str, stdin: str | None = None, timeout: float = 30) -> Result:
    """``kubectl --kubeconfig <fake> args...``; never raises on a non-zero exit."""
    done = subprocess.run(
        [str(find_kubectl()), "--kubeconfig", str(api.kubeconfig), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def ok(api: KubeApi, *args: str, stdin: str | None = None) -> str:
    """Run kubectl that must succeed; returns stdout."""
    result = kubectl(api, *args, stdin=stdin)
    assert result.code == 0, f"kubectl {' '.join(args)} failed ({result.code}): {result.err}"
    return result.out
