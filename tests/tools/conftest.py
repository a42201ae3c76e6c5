"""Fixtures for the tool tests: settings, a toolbox and a worker template on the fake cluster."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from binks.settings import Settings, load_settings
from binks.tools.toolbox import KubeToolbox
from binks.tools.typed import TypedToolbox
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment, service
from tests.timing import generous

WORKER_TEMPLATE = """\
apiVersion: batch/v1
kind: Job
metadata:
  generateName: echo-
spec:
  template:
    spec:
      containers:
      - name: worker
        image: busybox:1.36
        command: [sh, -c, 'echo "BINKS_RESULT {\\"ok\\": true}"']
"""


@pytest.fixture
def manifests_dir(tmp_path: Path) -> Path:
    """A manifests folder with one worker type, ``echo``."""
    agents = tmp_path / "manifests" / "agents"
    agents.mkdir(parents=True)
    (agents / "echo-job.yaml").write_text(WORKER_TEMPLATE)
    return tmp_path / "manifests"


def tool_settings(kubeconfig: Path, manifests_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: bounded waits (a failing check fails in seconds), scaled for slow machines."""
    values: dict[str, object] = {
        "kubeconfig_path": kubeconfig,
        "manifests_dir": manifests_dir,
        "verify_timeout_s": generous(10),
        "kubectl_timeout_s": generous(20),
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


@pytest.fixture
async def toolbox(kube_api: KubeApi, manifests_dir: Path) -> AsyncIterator[KubeToolbox]:
    """A toolbox on the fake cluster."""
    box = KubeToolbox(tool_settings(kube_api.kubeconfig, manifests_dir))
    yield box
    box.close()


@pytest.fixture(params=["fake", "real"])
async def any_toolbox(request: pytest.FixtureRequest, manifests_dir: Path) -> AsyncIterator[KubeToolbox]:
    """A toolbox on the fake cluster, and on BINKS_TEST_KUBECONFIG's cluster when that is set."""
    if request.param == "real":
        real = os.environ.get("BINKS_TEST_KUBECONFIG")
        if not real:
            pytest.skip("set BINKS_TEST_KUBECONFIG to run against a real cluster")
        kubeconfig = Path(real)
    else:
        kubeconfig = request.getfixturevalue("kube_api").kubeconfig
    box = KubeToolbox(tool_settings(kubeconfig, manifests_dir))
    yield box
    box.close()


@pytest.fixture
async def typed(kube_api: KubeApi, manifests_dir: Path) -> AsyncIterator[TypedToolbox]:
    kube_api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    kube_api.apply(deployment("web", namespace="shop", replicas=1, image="nginx:1.25"))
    kube_api.apply(service("web", namespace="shop"))
    kube_api.clear_requests()
    # Verification polls with kubectl: on a busy machine each call takes seconds.
    toolbox = KubeToolbox(tool_settings(kube_api.kubeconfig, manifests_dir, verify_timeout_s=generous(120)))
    yield TypedToolbox(toolbox, toolbox.settings)
    toolbox.close()
