"""Simulated controllers.

Deployments, replica sets, jobs, stateful and daemon sets, the kubelet and endpoints. Each
one is a pass that writes only what changed, so running them all until none writes reaches
the same state every time (no timers, no sleeps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.fakes.kube_api.controllers import endpoints, jobs, kubelet, sets, workloads

if TYPE_CHECKING:
    from tests.fakes.kube_api.cluster import Cluster


def run_controllers(cluster: Cluster) -> bool:
    """One pass of every controller; ``True`` when any of them wrote something."""
    before = cluster.store.current_rv
    workloads.reconcile_deployments(cluster)
    workloads.reconcile_replicasets(cluster)
    sets.reconcile_statefulsets(cluster)
    sets.reconcile_daemonsets(cluster)
    jobs.reconcile_jobs(cluster)
    kubelet.reconcile_pods(cluster)
    endpoints.reconcile_services(cluster)
    return cluster.store.current_rv != before
