"""get_cluster_status through the Python client, against the same reads with kubectl.

Run: ``.venv/bin/python -m bench.status_read``. Seeds the in-memory test API server with 200
pods across namespaces, then times, in the same run:

* one status read through the client (three concurrent list calls) against the equivalent
  kubectl calls (``get nodes``, ``get pods -A``, ``get events -A --field-selector
  type=Warning``), the goal being a ratio of at least 20x;
* one small read (the two nodes) both ways, which isolates what each call costs the
  caller from what the server spends building a 200-pod list. The test server is Python
  and needs tens of milliseconds for that list, where a real API server needs a few, so
  the first ratio is bounded by the test server;
* with ``BINKS_TEST_KUBECONFIG`` set, the first comparison again against that cluster.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from bench.timing import median_s
from binks.settings import Settings, load_settings
from binks.tools.client import KubeClient
from binks.tools.cluster import get_cluster_status
from binks.tools.kubectl import Kubectl
from tests.fakes.kube_api.fixture import KubeApi, standalone

PODS = 200
RUNS = 15
NAMESPACES = ("default", "ai-agents", "ai-services", "shop", "lab")
STATUS_READS = (
    ["get", "nodes"],
    ["get", "pods", "-A"],
    ["get", "events", "-A", "--field-selector", "type=Warning"],
)


def _seed(api: KubeApi) -> None:
    for namespace in ("shop", "lab"):
        api.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}})
    api.mark_image_bad("registry.invalid/broken:1")
    for index in range(PODS):
        image = "registry.invalid/broken:1" if index % 25 == 0 else "nginx:1.27"
        api.apply(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"pod-{index:03d}", "namespace": NAMESPACES[index % len(NAMESPACES)]},
                "spec": {"containers": [{"name": "main", "image": image}]},
            }
        )


async def _kubectl_reads(kubectl: Kubectl, reads: tuple[list[str], ...]) -> None:
    for argv in reads:
        result = await kubectl.run(argv)
        assert result.ok, result.stderr


async def _compare(settings: Settings, label: str) -> None:
    kube = KubeClient(settings)
    kubectl = Kubectl(settings)
    core = kube.core()
    status = await get_cluster_status(kube)
    pods = sum(sum(phases.values()) for phases in status.pods.values())
    client_s = await median_s(lambda: get_cluster_status(kube), RUNS)
    kubectl_s = await median_s(lambda: _kubectl_reads(kubectl, STATUS_READS), RUNS)
    print(f"{label}: {pods} pods, {len(status.nodes)} nodes")
    print(f"  get_cluster_status       {client_s * 1000:8.1f} ms  (client, median of {RUNS})")
    print(f"  kubectl x3 (same reads)  {kubectl_s * 1000:8.1f} ms  (baseline)")
    print(f"  ratio                    {kubectl_s / client_s:8.1f}x  goal >= 20x")
    small_client = await median_s(lambda: kube.raw("list nodes", core.list_node), RUNS)
    small_kubectl = await median_s(lambda: _kubectl_reads(kubectl, (["get", "nodes"],)), RUNS)
    small = f"{small_client * 1000:8.1f} ms client, {small_kubectl * 1000:.1f} ms kubectl"
    print(f"  one small read (nodes)   {small}")
    print(f"  ratio per call           {small_kubectl / small_client:8.1f}x")
    kube.close()


async def _main() -> None:
    with tempfile.TemporaryDirectory() as folder, standalone(Path(folder)) as api:
        _seed(api)
        await _compare(load_settings(env_file=None, kubeconfig_path=api.kubeconfig), "test API server")
    real = os.environ.get("BINKS_TEST_KUBECONFIG")
    if real:
        await _compare(load_settings(env_file=None, kubeconfig_path=Path(real)), "BINKS_TEST_KUBECONFIG")


def main() -> None:
    """Seed, time both ways, print the figures and the ratios."""
    asyncio.run(_main())


if __name__ == "__main__":
    main()
