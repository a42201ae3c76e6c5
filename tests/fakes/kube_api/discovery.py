"""Discovery documents: ``/version``, ``/api``, ``/apis`` and the per group-version resource lists."""

from __future__ import annotations

from typing import Any

from tests.fakes.kube_api.kinds import KINDS, Kind, groups

Obj = dict[str, Any]

VERSION: Obj = {
    "major": "1",
    "minor": "37",
    "emulationMajor": "1",
    "emulationMinor": "37",
    "minCompatibilityMajor": "1",
    "minCompatibilityMinor": "36",
    "gitVersion": "v1.37.0+binks-fake",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.25.0",
    "compiler": "gc",
    "platform": "linux/arm64",
}

_SUB_VERBS = {
    "status": ["get", "patch", "update"],
    "scale": ["get", "patch", "update"],
    "log": ["get"],
    "binding": ["create"],
    "eviction": ["create"],
    "finalize": ["update"],
    "token": ["create"],
}
_SUB_KIND = {
    "scale": ("Scale", "autoscaling", "v1"),
    "log": ("Pod", "", ""),
    "binding": ("Binding", "", ""),
    "eviction": ("Eviction", "policy", "v1"),
    "token": ("TokenRequest", "authentication.k8s.io", "v1"),
}


def api_versions(address: str) -> Obj:
    """``/api``."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": address}],
    }


def _group(group: str, version: str) -> Obj:
    gv = {"groupVersion": f"{group}/{version}", "version": version}
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": [gv], "preferredVersion": gv}


def api_group_list() -> Obj:
    """``/apis``."""
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {k: v for k, v in _group(g, v).items() if k not in ("kind", "apiVersion")}
            for g, v in groups()
            if g
        ],
    }


def api_group(group: str) -> Obj | None:
    """``/apis/<group>``."""
    for g, v in groups():
        if g == group and g:
            return _group(g, v)
    return None


def _resource(kind: Kind) -> list[Obj]:
    main: Obj = {
        "name": kind.plural,
        "singularName": kind.singular,
        "namespaced": kind.namespaced,
        "kind": kind.kind,
        "verbs": list(kind.verbs),
        "storageVersionHash": kind.kind[:8],
    }
    if kind.short_names:
        main["shortNames"] = list(kind.short_names)
    if kind.categories:
        main["categories"] = list(kind.categories)
    out = [main]
    for sub in kind.subresources:
        sub_kind, sub_group, sub_version = _SUB_KIND.get(sub, (kind.kind, "", ""))
        entry: Obj = {
            "name": f"{kind.plural}/{sub}",
            "singularName": "",
            "namespaced": kind.namespaced,
            "kind": sub_kind,
            "verbs": _SUB_VERBS.get(sub, ["get"]),
        }
        if sub_group:
            entry.update(group=sub_group, version=sub_version)
        out.append(entry)
    return out


def resource_list(group: str, version: str) -> Obj | None:
    """``/api/v1`` or ``/apis/<group>/<version>``: the APIResourceList."""
    kinds = [k for k in KINDS if (k.group, k.version) == (group, version)]
    if not kinds:
        return None
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": [entry for k in kinds for entry in _resource(k)],
    }
