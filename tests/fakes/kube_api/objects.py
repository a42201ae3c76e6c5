"""Small builders for the objects tests seed most often (plain dicts, ready for ``KubeApi.apply``)."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def deployment(name: str, image: str = "nginx:1.27", replicas: int = 2, namespace: str = "default") -> Obj:
    """A Deployment whose pods carry ``app=<name>``."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image, "ports": [{"containerPort": 80}]}]},
            },
        },
    }


def service(name: str, port: int = 80, namespace: str = "default") -> Obj:
    """A ClusterIP Service selecting ``app=<name>``."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": {"app": name}, "ports": [{"port": port, "targetPort": port}]},
    }


def job(
    name: str, image: str = "busybox:1.36", namespace: str = "default", labels: dict[str, str] | None = None
) -> Obj:
    """A one-pod Job (``restartPolicy: Never``, ``backoffLimit: 0``)."""
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
        "spec": {
            "backoffLimit": 0,
            "template": {
                "spec": {"restartPolicy": "Never", "containers": [{"name": "worker", "image": image}]},
            },
        },
    }


def configmap(name: str, data: dict[str, str], namespace: str = "default") -> Obj:
    """A ConfigMap."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace},
        "data": data,
    }


def pod(name: str, image: str = "nginx:1.27", namespace: str = "default", status: Obj | None = None) -> Obj:
    """A bare Pod; with ``status`` it keeps exactly that status (the kubelet leaves it alone)."""
    body: Obj = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {"containers": [{"name": name, "image": image}]},
    }
    if status is not None:
        body["status"] = status
    return body
