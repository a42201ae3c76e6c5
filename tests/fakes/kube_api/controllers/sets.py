"""Stateful and daemon set controllers: ordinal pods, one pod per node, revision hashes.

Both replace pods whose ``controller-revision-hash`` no longer matches the template at
once (no ordered rolling), which is enough for ``rollout status`` and status reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.kube_api import events
from tests.fakes.kube_api.controllers.common import (
    NODES,
    PODS,
    kind,
    omit_zero,
    owned_by,
    pod_active,
    pod_from_template,
    pod_ready,
    template_hash,
)

if TYPE_CHECKING:
    from tests.fakes.kube_api.cluster import Cluster

Obj = dict[str, Any]
STATEFULSETS = kind("apps", "statefulsets")
DAEMONSETS = kind("apps", "daemonsets")
REVISION = "controller-revision-hash"


def reconcile_statefulsets(cluster: Cluster) -> None:
    """Pods ``<name>-0`` … ``<name>-(n-1)`` at the current revision."""
    for sts in cluster.list(STATEFULSETS, None):
        ns, name = sts["metadata"]["namespace"], sts["metadata"]["name"]
        revision = f"{name}-{template_hash(sts['spec']['template'])}"
        want = int(sts["spec"].get("replicas", 1))
        pods = {
            p["metadata"]["name"]: p for p in cluster.list(PODS, ns) if owned_by(p, sts) and pod_active(p)
        }
        for pod_name, pod in list(pods.items()):
            ordinal = int(pod_name.rsplit("-", 1)[-1])
            if ordinal >= want or pod["metadata"]["labels"].get(REVISION) != revision:
                cluster.remove(PODS, pod)
                del pods[pod_name]
        for ordinal in range(want):
            pod_name = f"{name}-{ordinal}"
            if pod_name not in pods:
                labels = {
                    REVISION: revision,
                    "statefulset.kubernetes.io/pod-name": pod_name,
                    "apps.kubernetes.io/pod-index": str(ordinal),
                }
                pod = pod_from_template(sts, sts["spec"]["template"], pod_name, labels)
                if sts["spec"].get("serviceName"):
                    pod["spec"].update(hostname=pod_name, subdomain=sts["spec"]["serviceName"])
                pods[pod_name] = cluster.save(PODS, pod)
                events.record(
                    cluster,
                    sts,
                    "Normal",
                    "SuccessfulCreate",
                    f"create Pod {pod_name} in StatefulSet {name} successful",
                    "statefulset-controller",
                )
        ready = sum(1 for p in pods.values() if pod_ready(p))
        status = omit_zero(
            {
                "observedGeneration": sts["metadata"].get("generation", 1),
                "replicas": len(pods),
                "readyReplicas": ready,
                "currentReplicas": len(pods),
                "updatedReplicas": len(pods),
                "availableReplicas": ready,
            }
        )
        status.update(replicas=len(pods), currentRevision=revision, updateRevision=revision, collisionCount=0)
        if status != sts.get("status"):
            sts["status"] = status
            cluster.save(STATEFULSETS, sts)


def reconcile_daemonsets(cluster: Cluster) -> None:
    """One pod per Ready node at the current revision."""
    from tests.fakes.kube_api.cluster import random_suffix

    nodes = [n["metadata"]["name"] for n in cluster.list(NODES, None)]
    for ds in cluster.list(DAEMONSETS, None):
        ns, name = ds["metadata"]["namespace"], ds["metadata"]["name"]
        revision = template_hash(ds["spec"]["template"])
        pods = [p for p in cluster.list(PODS, ns) if owned_by(p, ds) and pod_active(p)]
        by_node: dict[str, Obj] = {}
        for pod in pods:
            node = pod["spec"].get("nodeName", "")
            if node not in nodes or node in by_node or pod["metadata"]["labels"].get(REVISION) != revision:
                cluster.remove(PODS, pod)
            else:
                by_node[node] = pod
        for node in nodes:
            if node not in by_node:
                pod = pod_from_template(
                    ds, ds["spec"]["template"], f"{name}-{random_suffix()}", {REVISION: revision}
                )
                pod["spec"]["nodeName"] = node
                by_node[node] = cluster.save(PODS, pod)
                events.record(
                    cluster,
                    ds,
                    "Normal",
                    "SuccessfulCreate",
                    f"Created pod: {pod['metadata']['name']}",
                    "daemonset-controller",
                )
        ready = sum(1 for p in by_node.values() if pod_ready(p))
        status = omit_zero(
            {
                "observedGeneration": ds["metadata"].get("generation", 1),
                "currentNumberScheduled": len(by_node),
                "desiredNumberScheduled": len(nodes),
                "numberAvailable": ready,
                "numberReady": ready,
                "updatedNumberScheduled": len(by_node),
                "numberUnavailable": len(nodes) - ready,
            }
        )
        status.update(
            currentNumberScheduled=len(by_node),
            desiredNumberScheduled=len(nodes),
            numberMisscheduled=0,
            numberReady=ready,
        )
        if status != ds.get("status"):
            ds["status"] = status
            cluster.save(DAEMONSETS, ds)
