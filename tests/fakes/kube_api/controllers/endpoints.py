"""Endpoints and EndpointSlices for services with a selector (``describe service`` reads them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.kube_api.controllers.common import PODS, kind, owner_ref, pod_active, pod_ready
from tests.fakes.kube_api.selectors import label_matcher

if TYPE_CHECKING:
    from tests.fakes.kube_api.cluster import Cluster

Obj = dict[str, Any]
SERVICES = kind("", "services")
ENDPOINTS = kind("", "endpoints")
SLICES = kind("discovery.k8s.io", "endpointslices")


def _ports(service: Obj) -> list[Obj]:
    ports = []
    for port in service["spec"].get("ports") or []:
        target = port.get("targetPort", port.get("port"))
        entry: Obj = {
            "port": target if isinstance(target, int) else port.get("port"),
            "protocol": port["protocol"],
        }
        if port.get("name"):
            entry["name"] = port["name"]
        ports.append(entry)
    return ports


def reconcile_services(cluster: Cluster) -> None:
    """Keep one Endpoints object and one EndpointSlice per selecting service up to date."""
    for svc in cluster.list(SERVICES, None):
        selector = svc["spec"].get("selector")
        if not selector:
            continue
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        match = label_matcher(",".join(f"{k}={v}" for k, v in selector.items()))
        pods = [
            p for p in cluster.list(PODS, ns, match) if pod_active(p) and (p.get("status") or {}).get("podIP")
        ]
        addresses = [
            {
                "ip": p["status"]["podIP"],
                "nodeName": p["spec"].get("nodeName", ""),
                "targetRef": {
                    "kind": "Pod",
                    "name": p["metadata"]["name"],
                    "namespace": ns,
                    "uid": p["metadata"]["uid"],
                },
            }
            for p in pods
        ]
        ready = [a for a, p in zip(addresses, pods, strict=True) if pod_ready(p)]
        not_ready = [a for a, p in zip(addresses, pods, strict=True) if not pod_ready(p)]
        subset: Obj = {"ports": _ports(svc)}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        existing = cluster.find(ENDPOINTS, ns, name)
        endpoints: Obj = existing or {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": name, "namespace": ns, "labels": dict(svc["metadata"].get("labels") or {})},
        }
        subsets = [subset] if pods else []
        if existing is None or existing.get("subsets", []) != subsets:
            endpoints["subsets"] = subsets
            cluster.save(ENDPOINTS, endpoints)
        _slice(cluster, svc, pods)


def _slice(cluster: Cluster, svc: Obj, pods: list[Obj]) -> None:
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    slice_name = f"{name}-abcde"
    endpoints = [
        {
            "addresses": [p["status"]["podIP"]],
            "conditions": {"ready": pod_ready(p), "serving": pod_ready(p), "terminating": False},
            "nodeName": p["spec"].get("nodeName", ""),
            "targetRef": {
                "kind": "Pod",
                "name": p["metadata"]["name"],
                "namespace": ns,
                "uid": p["metadata"]["uid"],
            },
        }
        for p in pods
    ]
    existing = cluster.find(SLICES, ns, slice_name)
    body: Obj = existing or {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "addressType": "IPv4",
        "metadata": {
            "name": slice_name,
            "namespace": ns,
            "generateName": f"{name}-",
            "ownerReferences": [owner_ref(svc)],
            "labels": {
                "kubernetes.io/service-name": name,
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
            },
        },
    }
    ports = [{**p, "name": p.get("name", "")} for p in _ports(svc)]
    if existing is None or existing.get("endpoints") != endpoints or existing.get("ports") != ports:
        body["endpoints"] = endpoints
        body["ports"] = ports
        cluster.save(SLICES, body)
