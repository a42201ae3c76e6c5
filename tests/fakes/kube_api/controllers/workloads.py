"""The deployment and replica set controllers.

Deployments roll out through replica sets named ``<deployment>-<pod-template-hash>`` that
carry ``deployment.kubernetes.io/revision``; a rolling update keeps old pods until new ones
are available (so a bad image leaves the rollout stuck, as on a real cluster), and a
rollback re-uses the matching old replica set under a new revision number.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from tests.fakes.kube_api import events
from tests.fakes.kube_api.controllers.common import (
    DEPLOYMENTS,
    PODS,
    REPLICASETS,
    omit_zero,
    owned_by,
    owner_ref,
    pod_active,
    pod_from_template,
    pod_ready,
    scaled,
    set_condition,
    template_hash,
)

if TYPE_CHECKING:
    from tests.fakes.kube_api.cluster import Cluster

Obj = dict[str, Any]
REVISION = "deployment.kubernetes.io/revision"
HASH = "pod-template-hash"
CHANGE_CAUSE = "kubernetes.io/change-cause"


def _revision(rs: Obj) -> int:
    return int((rs["metadata"].get("annotations") or {}).get(REVISION, "0"))


def _bare_template(rs: Obj) -> Obj:
    template: Obj = copy.deepcopy(rs["spec"]["template"])
    labels = template.get("metadata", {}).get("labels") or {}
    labels.pop(HASH, None)
    return template


def reconcile_deployments(cluster: Cluster) -> None:
    """Roll every deployment one step towards its spec and refresh its status."""
    for deploy in cluster.list(DEPLOYMENTS, None):
        ns = deploy["metadata"]["namespace"]
        owned = [rs for rs in cluster.list(REPLICASETS, ns) if owned_by(rs, deploy)]
        spec = deploy["spec"]
        template = copy.deepcopy(spec["template"])
        new_rs = next((rs for rs in owned if _bare_template(rs) == template), None)
        max_rev = max((_revision(rs) for rs in owned), default=0)
        replicas = int(spec.get("replicas", 1))
        if new_rs is None and not spec.get("paused"):
            new_rs = _new_replicaset(cluster, deploy, template, max_rev + 1, owned)
            owned.append(new_rs)
        elif new_rs is not None and _revision(new_rs) != max_rev and not spec.get("paused"):
            annotations = new_rs["metadata"].setdefault("annotations", {})
            annotations[REVISION] = str(max_rev + 1)
            if CHANGE_CAUSE in (deploy["metadata"].get("annotations") or {}):
                annotations[CHANGE_CAUSE] = deploy["metadata"]["annotations"][CHANGE_CAUSE]
            new_rs = cluster.save(REPLICASETS, new_rs)
            owned = [new_rs if rs["metadata"]["uid"] == new_rs["metadata"]["uid"] else rs for rs in owned]
        if new_rs is not None and not spec.get("paused"):
            _scale(cluster, deploy, new_rs, [rs for rs in owned if rs is not new_rs], replicas)
        _prune_history(cluster, deploy, owned, new_rs)
        _status(cluster, deploy, new_rs, [rs for rs in cluster.list(REPLICASETS, ns) if owned_by(rs, deploy)])


def _new_replicaset(cluster: Cluster, deploy: Obj, template: Obj, revision: int, owned: list[Obj]) -> Obj:
    pod_hash = template_hash(template)
    labels = {**(template.get("metadata", {}).get("labels") or {}), HASH: pod_hash}
    rs_template = copy.deepcopy(template)
    rs_template.setdefault("metadata", {})["labels"] = labels
    selector = copy.deepcopy(deploy["spec"]["selector"])
    selector.setdefault("matchLabels", {})[HASH] = pod_hash
    annotations = {
        REVISION: str(revision),
        "deployment.kubernetes.io/desired-replicas": str(deploy["spec"].get("replicas", 1)),
        "deployment.kubernetes.io/max-replicas": str(deploy["spec"].get("replicas", 1) + 1),
    }
    if CHANGE_CAUSE in (deploy["metadata"].get("annotations") or {}):
        annotations[CHANGE_CAUSE] = deploy["metadata"]["annotations"][CHANGE_CAUSE]
    name = f"{deploy['metadata']['name']}-{pod_hash}"
    rs: Obj = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": deploy["metadata"]["namespace"],
            "labels": labels,
            "annotations": annotations,
            "ownerReferences": [owner_ref(deploy)],
        },
        "spec": {"replicas": 0, "selector": selector, "template": rs_template},
    }
    if deploy["spec"].get("minReadySeconds"):
        rs["spec"]["minReadySeconds"] = deploy["spec"]["minReadySeconds"]
    stored = cluster.save(REPLICASETS, rs)
    events.record(
        cluster,
        deploy,
        "Normal",
        "ScalingReplicaSet",
        f"Scaled up replica set {name} from 0 to {deploy['spec'].get('replicas', 1)}",
        "deployment-controller",
    )
    return stored


def _set_replicas(cluster: Cluster, deploy: Obj, rs: Obj, replicas: int) -> None:
    old = int(rs["spec"].get("replicas", 0))
    if old == replicas:
        return
    rs["spec"]["replicas"] = replicas
    annotations = rs["metadata"].setdefault("annotations", {})
    annotations["deployment.kubernetes.io/desired-replicas"] = str(deploy["spec"].get("replicas", 1))
    cluster.save(REPLICASETS, rs)
    verb = "up" if replicas > old else "down"
    events.record(
        cluster,
        deploy,
        "Normal",
        "ScalingReplicaSet",
        f"Scaled {verb} replica set {rs['metadata']['name']} from {old} to {replicas}",
        "deployment-controller",
    )


def _scale(cluster: Cluster, deploy: Obj, new_rs: Obj, olds: list[Obj], replicas: int) -> None:
    strategy = deploy["spec"].get("strategy") or {}
    old_total = sum(int(rs["spec"].get("replicas", 0)) for rs in olds)
    if strategy.get("type") == "Recreate":
        for rs in olds:
            _set_replicas(cluster, deploy, rs, 0)
        old_pods = sum(int((rs.get("status") or {}).get("replicas", 0)) for rs in olds)
        if old_pods == 0:
            _set_replicas(cluster, deploy, new_rs, replicas)
        return
    if old_total == 0:
        _set_replicas(cluster, deploy, new_rs, replicas)
        return
    rolling = strategy.get("rollingUpdate") or {}
    surge = scaled(rolling.get("maxSurge", "25%"), replicas, round_up=True)
    unavailable = scaled(rolling.get("maxUnavailable", "25%"), replicas, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    new_count = int(new_rs["spec"].get("replicas", 0))
    room = replicas + surge - (old_total + new_count)
    if room > 0 and new_count < replicas:
        new_count = min(replicas, new_count + room)
        _set_replicas(cluster, deploy, new_rs, new_count)
    available = sum(int((rs.get("status") or {}).get("availableReplicas", 0)) for rs in [new_rs, *olds])
    removable = available - (replicas - unavailable)
    for rs in sorted(olds, key=_revision):
        current = int(rs["spec"].get("replicas", 0))
        unhealthy = current - int((rs.get("status") or {}).get("availableReplicas", 0))
        drop = min(current, max(0, unhealthy) + max(0, removable))
        if drop > 0:
            removable -= max(0, drop - max(0, unhealthy))
            _set_replicas(cluster, deploy, rs, current - drop)


def _prune_history(cluster: Cluster, deploy: Obj, owned: list[Obj], new_rs: Obj | None) -> None:
    limit = int(deploy["spec"].get("revisionHistoryLimit", 10))
    idle = sorted(
        (
            rs
            for rs in owned
            if rs is not new_rs
            and int(rs["spec"].get("replicas", 0)) == 0
            and not (rs.get("status") or {}).get("replicas")
        ),
        key=_revision,
    )
    for rs in idle[: max(0, len(idle) - limit)]:
        cluster.remove(REPLICASETS, rs)


def _status(cluster: Cluster, deploy: Obj, new_rs: Obj | None, owned: list[Obj]) -> None:
    spec = deploy["spec"]
    replicas = int(spec.get("replicas", 1))
    statuses = [rs.get("status") or {} for rs in owned]
    new_status = next(
        (
            rs.get("status") or {}
            for rs in owned
            if new_rs is not None and rs["metadata"]["uid"] == new_rs["metadata"]["uid"]
        ),
        {},
    )
    total = sum(int(s.get("replicas", 0)) for s in statuses)
    available = sum(int(s.get("availableReplicas", 0)) for s in statuses)
    updated = int(new_status.get("replicas", 0))
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    unavailable_ok = scaled(rolling.get("maxUnavailable", "25%"), replicas, round_up=False)
    old = deploy.get("status") or {}
    conditions = list(old.get("conditions") or [])
    if available >= replicas - unavailable_ok:
        conditions = set_condition(
            conditions,
            "Available",
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.",
            update_time=True,
        )
    else:
        conditions = set_condition(
            conditions,
            "Available",
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.",
            update_time=True,
        )
    rs_name = new_rs["metadata"]["name"] if new_rs is not None else ""
    if spec.get("paused"):
        conditions = set_condition(
            conditions, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", update_time=True
        )
    elif updated == replicas and total == replicas and available >= replicas:
        conditions = set_condition(
            conditions,
            "Progressing",
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{rs_name}" has successfully progressed.',
            update_time=True,
        )
    else:
        conditions = set_condition(
            conditions,
            "Progressing",
            "True",
            "ReplicaSetUpdated",
            f'ReplicaSet "{rs_name}" is progressing.',
            update_time=True,
        )
    status = omit_zero(
        {
            "observedGeneration": deploy["metadata"].get("generation", 1),
            "replicas": total,
            "updatedReplicas": updated,
            "readyReplicas": sum(int(s.get("readyReplicas", 0)) for s in statuses),
            "availableReplicas": available,
            "unavailableReplicas": max(0, total - available) if total else max(0, replicas - available),
        }
    )
    status["conditions"] = conditions
    if status != old:
        deploy["status"] = status
        cluster.save(DEPLOYMENTS, deploy)


def reconcile_replicasets(cluster: Cluster) -> None:
    """Keep each replica set's pod count at ``spec.replicas`` and report its status."""
    from tests.fakes.kube_api.cluster import random_suffix

    for rs in cluster.list(REPLICASETS, None):
        ns = rs["metadata"]["namespace"]
        pods = [p for p in cluster.list(PODS, ns) if owned_by(p, rs) and pod_active(p)]
        want = int(rs["spec"].get("replicas", 1))
        for _ in range(want - len(pods)):
            pod = pod_from_template(rs, rs["spec"]["template"], f"{rs['metadata']['name']}-{random_suffix()}")
            pods.append(cluster.save(PODS, pod))
            events.record(
                cluster,
                rs,
                "Normal",
                "SuccessfulCreate",
                f"Created pod: {pod['metadata']['name']}",
                "replicaset-controller",
            )
        if len(pods) > want:
            doomed = sorted(pods, key=lambda p: (pod_ready(p), p["metadata"]["creationTimestamp"]))
            doomed = doomed[: len(pods) - want]
            for pod in doomed:
                cluster.remove(PODS, pod)
                events.record(
                    cluster,
                    rs,
                    "Normal",
                    "SuccessfulDelete",
                    f"Deleted pod: {pod['metadata']['name']}",
                    "replicaset-controller",
                )
            pods = [p for p in pods if p not in doomed]
        ready = sum(1 for p in pods if pod_ready(p))
        status = omit_zero(
            {
                "replicas": len(pods),
                "fullyLabeledReplicas": len(pods),
                "readyReplicas": ready,
                "availableReplicas": ready,
                "observedGeneration": rs["metadata"].get("generation", 1),
            }
        )
        status["replicas"] = len(pods)
        if status != rs.get("status"):
            rs["status"] = status
            cluster.save(REPLICASETS, rs)
