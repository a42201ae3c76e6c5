"""The kubectl runner: Binks' own target flags, a clean environment, timeouts, failures explained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from binks.errors import ClusterError
from binks.settings import Settings, load_settings
from binks.tools.failures import Failure, explain
from binks.tools.kubectl import Kubectl, finish
from tests.timing import generous

FAKE = """#!/usr/bin/env python3
import json, os, sys, time
args = sys.argv[1:]
if "hang" in args:  # a kubectl that never answers: only the timeout ends it
    time.sleep(3600)
if "fail" in args:
    sys.stderr.write(os.environ["FAKE_STDERR"])
    sys.exit(1)
env = os.environ
print(json.dumps({"argv": args, "kuberc": env.get("KUBECTL_KUBERC"), "kubeconfig": env.get("KUBECONFIG")}))
"""


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    script = tmp_path / "kubectl"
    script.write_text(FAKE)
    script.chmod(0o755)
    kubeconfig = tmp_path / "config"
    kubeconfig.write_text("apiVersion: v1\nkind: Config\n")
    monkeypatch.setenv("KUBECONFIG", "/elsewhere/config")
    return load_settings(
        env_file=None,
        kubectl=str(script),
        kubeconfig_path=kubeconfig,
        kube_context="lab",
        kubectl_timeout_s=generous(60),  # the fake answers at once; only `hang` needs a timeout
    )


async def test_binks_adds_its_own_target_before_the_argv(settings: Settings) -> None:
    result = await Kubectl(settings).run(["exec", "web", "--", "ls", "-l"])
    seen = json.loads(result.stdout)
    assert seen["argv"] == [
        f"--kubeconfig={settings.kubeconfig_path}",
        "--context=lab",
        "exec",
        "web",
        "--",
        "ls",
        "-l",
    ]
    assert seen["kuberc"] == "false"
    assert seen["kubeconfig"] is None


async def test_timeout_kills_and_says_what_to_check(settings: Settings) -> None:
    short = settings.model_copy(update={"kubectl_timeout_s": 1})
    with pytest.raises(ClusterError, match="did not finish within 1 s"):
        await Kubectl(short).run(["get", "hang"])


async def test_failures_are_explained(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "FAKE_STDERR",
        'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:ai-agents:binks" '
        'cannot list resource "pods" in API group "" in the namespace "shop"\n',
    )
    result = await Kubectl(settings).run(["get", "fail"])
    done = finish(result, settings)
    assert not done.ok
    assert done.failure is Failure.FORBIDDEN
    assert done.error is not None
    assert "may not list pods" in done.error
    assert "in namespace shop" in done.error


@pytest.mark.parametrize(
    ("stderr", "kind", "hint"),
    [
        (
            "The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n"
            "Unable to connect to the server: dial tcp 127.0.0.1:1: connect: connection refused",
            Failure.UNREACHABLE,
            "is the cluster reachable? check KUBECONFIG_PATH",
        ),
        ("error: You must be logged in to the server (Unauthorized)", Failure.UNAUTHORIZED, "401"),
        ('Error from server (NotFound): deployments.apps "web" not found', Failure.NOT_FOUND, "namespace"),
        ('Error from server (AlreadyExists): jobs.batch "x" already exists', Failure.CONFLICT, "409"),
    ],
)
def test_explain(settings: Settings, stderr: str, kind: Failure, hint: str) -> None:
    got, message = explain(stderr, settings)
    assert got is kind
    assert hint in message
