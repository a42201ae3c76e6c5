from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from binks.eval.guard import install, refusal
from binks.eval.scripts import run_script
from binks.tools.locate import find_kubectl
from tests.fakes.kube_api import KubeApi

TASK = {"eval-scale"}


@pytest.mark.parametrize(
    "argv",
    [
        ["delete", "namespace", "eval-scale", "--ignore-not-found"],
        ["delete", "deployment", "web", "-n", "eval-scale"],
        ["get", "pods", "-A"],
        ["-n", "eval-scale", "delete", "pods", "--all"],
    ],
)
def test_cleanup_inside_the_task_is_allowed(argv: list[str]) -> None:
    assert refusal(argv, TASK) is None


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["delete", "namespace", "kube-system"], "not one of the task's"),
        (["delete", "deployment", "web"], "add -n"),
        (["delete", "pods", "--all", "-A"], "in *"),
        (["delete", "clusterrole", "admin"], "add -n"),
        (["delete", "-f", "artifacts/app.yaml"], "add -n"),
        (["scale", "deploy/web", "-n", "default", "--replicas=0"], "in default"),
        (["--kubeconfig", "/other", "delete", "ns", "eval-scale"], "kubeconfig"),
    ],
)
def test_cleanup_outside_the_task_is_refused(argv: list[str], reason: str) -> None:
    message = refusal(argv, TASK)
    assert message is not None and reason in message


def test_guarded_cleanup_script_cannot_touch_other_namespaces(kube_api: KubeApi, tmp_path: Path) -> None:
    kube_api.apply_yaml("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: eval-scale\n")
    script = tmp_path / "cleanup.sh"
    script.write_text(
        "kubectl delete namespace ai-services\nkubectl delete namespace eval-scale\nkubectl get ns -o name\n"
    )
    folder, env = install(tmp_path / "guard", find_kubectl(), TASK)
    result = asyncio.run(
        run_script(script, kubeconfig=kube_api.kubeconfig, timeout_s=60, extra_path=folder, extra_env=env)
    )
    assert "refused cleanup command `kubectl delete namespace ai-services`" in result.output
    assert kube_api.get("namespaces", "ai-services") is not None
    assert kube_api.get("namespaces", "eval-scale") is None
    assert "namespace/default" in result.output  # reads pass through to the real kubectl
