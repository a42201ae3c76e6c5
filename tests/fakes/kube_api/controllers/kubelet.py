"""The scheduler and kubelet in one pass.

Bind pods to a Ready node, then report them Running and Ready, stuck in ``ImagePullBackOff``
(an image the test marked bad), or, for a Job's pods, Succeeded/Failed once the test has
decided the outcome.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from tests.fakes.kube_api import events
from tests.fakes.kube_api.controllers import runtime
from tests.fakes.kube_api.controllers.common import NODES, PODS, set_condition
from tests.fakes.kube_api.defaults import now

if TYPE_CHECKING:
    from tests.fakes.kube_api.cluster import Cluster

Obj = dict[str, Any]


def _node_ready(node: Obj) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (node.get("status") or {}).get("conditions") or []
    )


def _node_ip(node: Obj) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address["address"])
    return "192.168.1.10"


def _pod_ip(pod: Obj, node_index: int) -> str:
    digest = int(hashlib.sha1(pod["metadata"]["uid"].encode()).hexdigest()[:4], 16)
    return f"10.42.{node_index}.{digest % 250 + 2}"


def _job_outcome(cluster: Cluster, pod: Obj) -> tuple[str, str] | None:
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("kind") == "Job":
            return cluster.world.job_outcomes.get(
                (pod["metadata"]["namespace"], ref["name"]), ("Running", "")
            )
    return None


def _pending(cluster: Cluster, pod: Obj, message: str) -> None:
    """Leave the pod Pending with the scheduler's condition and event."""
    status = pod.setdefault("status", {"phase": "Pending"})
    conditions = set_condition(
        status.get("conditions") or [], "PodScheduled", "False", "Unschedulable", message
    )
    if conditions != status.get("conditions"):
        status["conditions"] = conditions
        cluster.save(PODS, pod)
        events.record(cluster, pod, "Warning", "FailedScheduling", message, "default-scheduler")


def _schedule(cluster: Cluster, pod: Obj, nodes: list[Obj]) -> bool:
    ready = [n for n in nodes if _node_ready(n) and not (n.get("spec") or {}).get("unschedulable")]
    if not ready:
        _pending(cluster, pod, f"0/{len(nodes)} nodes are available.")
        return False
    problem = runtime.unschedulable(pod, ready)
    if problem is not None:
        _pending(cluster, pod, problem)
        return False
    load = {n["metadata"]["name"]: 0 for n in ready}
    for other in cluster.list(PODS, None):
        node_name = (other.get("spec") or {}).get("nodeName")
        if node_name in load:
            load[node_name] += 1
    target = min(sorted(load), key=lambda name: load[name])
    pod["spec"]["nodeName"] = target
    events.record(
        cluster,
        pod,
        "Normal",
        "Scheduled",
        f"Successfully assigned {pod['metadata']['namespace']}/{pod['metadata']['name']} to {target}",
        "default-scheduler",
    )
    return True


def reconcile_pods(cluster: Cluster) -> None:
    """Schedule and run every pod that has not reached its final state."""
    nodes = cluster.list(NODES, None)
    for pod in cluster.list(PODS, None):
        status = pod.get("status") or {}
        if status.get("phase") in ("Succeeded", "Failed") or pod["metadata"].get("deletionTimestamp"):
            continue
        frozen = pod["metadata"]["uid"] in cluster.world.frozen_pods
        if not pod["spec"].get("nodeName"):
            if not _schedule(cluster, pod, nodes):
                continue
            if frozen:
                cluster.save(PODS, pod)
        if frozen:  # the test set this pod's status; only scheduling applies to it
            continue
        node_index = next(
            (n for n, node in enumerate(nodes) if node["metadata"]["name"] == pod["spec"]["nodeName"]), 0
        )
        node = nodes[node_index] if nodes else {}
        new_status = _run(cluster, pod, node, node_index)
        if new_status != status:
            pod["status"] = new_status
            cluster.save(PODS, pod)


def _container_status(c: Obj, state: Obj, ready: bool, pod_uid: str) -> Obj:
    image = str(c.get("image", ""))
    out: Obj = {
        "name": c["name"],
        "image": image if "/" in image or "." in image.split(":")[0] else f"docker.io/library/{image}",
        "imageID": "",
        "ready": ready,
        "restartCount": 0,
        "started": "running" in state,
        "state": state,
        "lastState": {},
    }
    if "waiting" not in state:
        digest = hashlib.sha256(image.encode()).hexdigest()
        out["imageID"] = f"{out['image'].split(':')[0]}@sha256:{digest}"
        out["containerID"] = "containerd://" + hashlib.sha256(f"{pod_uid}{c['name']}".encode()).hexdigest()
    return out


CRASH_RESTARTS = 4
"""Restarts a crashing container shows: enough for ``CrashLoopBackOff`` to be the state."""


def _crash_status(cluster: Cluster, pod: Obj, c: Obj, crashing: bool, started: str) -> Obj:
    """A container that keeps exiting non-zero: waiting in CrashLoopBackOff, its log what it echoed."""
    uid = pod["metadata"]["uid"]
    if not crashing:
        return _container_status(c, {"running": {"startedAt": started}}, True, uid)
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    code = runtime.exit_code(c) or 1
    back_off = f"back-off 5m0s restarting failed container={c['name']} pod={name}_{ns}({uid})"
    out = _container_status(c, {"waiting": {"reason": "CrashLoopBackOff", "message": back_off}}, False, uid)
    out["restartCount"] = CRASH_RESTARTS
    out["lastState"] = {
        "terminated": {"exitCode": code, "reason": "Error", "startedAt": started, "finishedAt": started}
    }
    if (ns, name) not in cluster.world.pod_logs:
        cluster.world.pod_logs[(ns, name)] = runtime.echoed(c)
        events.record(
            cluster,
            pod,
            "Warning",
            "BackOff",
            f"Back-off restarting failed container {c['name']} in pod {name}_{ns}({uid})",
            "kubelet",
        )
    return out


def _run(cluster: Cluster, pod: Obj, node: Obj, node_index: int) -> Obj:
    old = pod.get("status") or {}
    stamp = now()
    started = old.get("startTime", stamp)
    containers = pod["spec"].get("containers") or []
    bad = [
        c
        for c in containers
        if c.get("image") in cluster.world.bad_images or runtime.missing_image(c.get("image", ""))
    ]
    outcome = _job_outcome(cluster, pod)
    codes = [runtime.exit_code(c) for c in containers]
    if outcome == ("Running", "") and codes and all(code is not None for code in codes):
        # an undecided Job whose script ends in `exit N`: it ends the way its script does
        failed = any(code for code in codes)
        outcome = ("Failed" if failed else "Succeeded", "".join(runtime.echoed(c) for c in containers))
    crashing = [c for c, code in zip(containers, codes, strict=True) if code] if outcome is None else []
    ns, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    status: Obj = {
        "phase": "Running",
        "hostIP": _node_ip(node),
        "hostIPs": [{"ip": _node_ip(node)}],
        "podIP": _pod_ip(pod, node_index),
        "podIPs": [{"ip": _pod_ip(pod, node_index)}],
        "startTime": started,
        "qosClass": "Burstable" if any((c.get("resources") or {}) for c in containers) else "BestEffort",
    }
    conditions = list(old.get("conditions") or [])
    conditions = set_condition(conditions, "PodReadyToStartContainers", "True", "", "")
    conditions = set_condition(conditions, "Initialized", "True", "", "")
    statuses: list[Obj] = []
    if bad:
        status["phase"] = "Pending"
        names = ", ".join(c["name"] for c in containers)
        for c in containers:
            if c in bad:
                message = (
                    f'Back-off pulling image "{c["image"]}": ErrImagePull: failed to pull and unpack image'
                )
                statuses.append(
                    _container_status(
                        c,
                        {"waiting": {"reason": "ImagePullBackOff", "message": message}},
                        False,
                        pod["metadata"]["uid"],
                    )
                )
                if not old.get("containerStatuses"):
                    events.record(
                        cluster,
                        pod,
                        "Warning",
                        "Failed",
                        f'Failed to pull image "{c["image"]}": failed to resolve reference',
                        "kubelet",
                    )
                    events.record(
                        cluster, pod, "Normal", "BackOff", f'Back-off pulling image "{c["image"]}"', "kubelet"
                    )
            else:
                statuses.append(
                    _container_status(c, {"running": {"startedAt": started}}, False, pod["metadata"]["uid"])
                )
        ready, reason, message = "False", "ContainersNotReady", f"containers with unready status: [{names}]"
    elif outcome is not None and outcome[0] in ("Succeeded", "Failed"):
        status["phase"] = outcome[0]
        code, why = (0, "Completed") if outcome[0] == "Succeeded" else (1, "Error")
        finished = stamp
        for c, scripted in zip(containers, codes, strict=True):
            term = {
                "exitCode": code if scripted is None else scripted,
                "reason": why,
                "startedAt": started,
                "finishedAt": finished,
                "containerID": "containerd://" + hashlib.sha256(pod["metadata"]["uid"].encode()).hexdigest(),
            }
            statuses.append(_container_status(c, {"terminated": term}, False, pod["metadata"]["uid"]))
        ready, reason, message = "False", "PodCompleted", ""
        if outcome[1] and (ns, name) not in cluster.world.pod_logs:
            cluster.world.pod_logs[(ns, name)] = outcome[1]
    elif crashing:
        statuses = [_crash_status(cluster, pod, c, c in crashing, started) for c in containers]
        names = ", ".join(c["name"] for c in crashing)
        ready, reason, message = "False", "ContainersNotReady", f"containers with unready status: [{names}]"
    else:
        for c in containers:
            statuses.append(
                _container_status(c, {"running": {"startedAt": started}}, True, pod["metadata"]["uid"])
            )
        ready, reason, message = "True", "", ""
        if not old.get("containerStatuses"):
            for c in containers:
                events.record(
                    cluster,
                    pod,
                    "Normal",
                    "Pulled",
                    f'Container image "{c["image"]}" already present on machine',
                    "kubelet",
                )
                events.record(cluster, pod, "Normal", "Created", f"Created container: {c['name']}", "kubelet")
                events.record(cluster, pod, "Normal", "Started", f"Started container {c['name']}", "kubelet")
    conditions = set_condition(conditions, "Ready", ready, reason, message)
    conditions = set_condition(conditions, "ContainersReady", ready, reason, message)
    conditions = set_condition(conditions, "PodScheduled", "True", "", "")
    for cond in conditions:
        cond.setdefault("lastProbeTime", None)
        if not cond.get("reason"):
            cond.pop("reason", None)
        if not cond.get("message"):
            cond.pop("message", None)
    # keep statuses stable across passes (timestamps of a finished container do not move)
    old_statuses = {s.get("name"): s for s in old.get("containerStatuses") or []}
    for n, s in enumerate(statuses):
        previous = old_statuses.get(s["name"])
        if previous is not None and previous.get("state", {}).keys() == s["state"].keys():
            statuses[n] = previous
    status["conditions"] = conditions
    status["containerStatuses"] = statuses
    return status
