"""The cluster every test starts from: system namespaces, Binks' namespaces, two Pi nodes."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease", "ai-agents", "ai-services")


def _node(name: str, ip: str, control_plane: bool) -> Obj:
    labels = {
        "beta.kubernetes.io/arch": "arm64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "arm64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    if control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
    else:
        labels["node-role.kubernetes.io/worker"] = ""
    conditions = [
        {
            "type": t,
            "status": "False",
            "reason": reason,
            "message": message,
            "lastHeartbeatTime": "2026-01-01T00:00:00Z",
            "lastTransitionTime": "2026-01-01T00:00:00Z",
        }
        for t, reason, message in (
            ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        )
    ]
    conditions.append(
        {
            "type": "Ready",
            "status": "True",
            "reason": "KubeletReady",
            "message": "kubelet is posting ready status",
            "lastHeartbeatTime": "2026-01-01T00:00:00Z",
            "lastTransitionTime": "2026-01-01T00:00:00Z",
        }
    )
    capacity = {"cpu": "4", "memory": "8007752Ki", "pods": "110", "ephemeral-storage": "61202244Ki"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {
            "podCIDR": f"10.42.{0 if control_plane else 1}.0/24",
            "podCIDRs": [f"10.42.{0 if control_plane else 1}.0/24"],
        },
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "allocatable": capacity,
            "capacity": capacity,
            "conditions": conditions,
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "arm64",
                "bootID": f"boot-{name}",
                "containerRuntimeVersion": "containerd://2.1.4",
                "kernelVersion": "6.12.34+rpt-rpi-2712",
                "kubeProxyVersion": "",
                "kubeletVersion": "v1.37.0",
                "machineID": f"machine-{name}",
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": f"uuid-{name}",
            },
        },
    }


def default_objects() -> list[Obj]:
    """Namespaces and nodes present after every reset."""
    objects: list[Obj] = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}} for ns in NAMESPACES
    ]
    objects.append(_node("pi-1", "192.168.1.11", control_plane=True))
    objects.append(_node("pi-2", "192.168.1.12", control_plane=False))
    objects.extend(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}}
        for ns in NAMESPACES
    )
    return objects
