"""Resource names as people write them, reduced to one canonical name per kind.

``deploy``, ``deployments``, ``deployment.apps`` and ``Deployment`` all name the same kind;
the classifier and the risk rules compare canonical names (``deployment``), and the
approval card shows them.
"""

from __future__ import annotations

_ALIASES: dict[str, tuple[str, ...]] = {
    "pod": ("po", "pods"),
    "deployment": ("deploy", "deployments"),
    "replicaset": ("rs", "replicasets"),
    "statefulset": ("sts", "statefulsets"),
    "daemonset": ("ds", "daemonsets"),
    "job": ("jobs",),
    "cronjob": ("cj", "cronjobs"),
    "service": ("svc", "services"),
    "endpoints": ("ep", "endpoint"),
    "ingress": ("ing", "ingresses"),
    "configmap": ("cm", "configmaps"),
    "secret": ("secrets",),
    "serviceaccount": ("sa", "serviceaccounts"),
    "namespace": ("ns", "namespaces"),
    "node": ("no", "nodes"),
    "persistentvolume": ("pv", "persistentvolumes"),
    "persistentvolumeclaim": ("pvc", "persistentvolumeclaims"),
    "customresourcedefinition": ("crd", "crds", "customresourcedefinitions"),
    "event": ("ev", "events"),
    "horizontalpodautoscaler": ("hpa", "horizontalpodautoscalers"),
    "networkpolicy": ("netpol", "networkpolicies"),
    "storageclass": ("sc", "storageclasses"),
    "poddisruptionbudget": ("pdb", "poddisruptionbudgets"),
    "replicationcontroller": ("rc", "replicationcontrollers"),
    "resourcequota": ("quota", "resourcequotas"),
    "limitrange": ("limits", "limitranges"),
    "priorityclass": ("pc", "priorityclasses"),
    "role": ("roles",),
    "rolebinding": ("rolebindings",),
    "clusterrole": ("clusterroles",),
    "clusterrolebinding": ("clusterrolebindings",),
    "certificatesigningrequest": ("csr", "certificatesigningrequests"),
}
_CANONICAL = {alias: kind for kind, aliases in _ALIASES.items() for alias in (kind, *aliases)}
KINDS = frozenset(_ALIASES)
"""The canonical names of the kinds Binks knows by their aliases."""


def canonical(resource: str) -> str:
    """``deploy`` / ``Deployments.apps`` -> ``deployment``; unknown names come back lowercased."""
    base = resource.strip().lower().split(".", 1)[0]
    return _CANONICAL.get(base, base)


def kinds_in(word: str) -> list[str]:
    """Canonical kinds named by one argument: ``deploy,svc`` or ``ns/shop`` or ``pods``."""
    head = word.split("/", 1)[0]
    return [canonical(part) for part in head.split(",") if part]


def target(positionals: tuple[str, ...] | list[str]) -> tuple[str | None, str | None]:
    """The (kind, name) a ``TYPE NAME`` or ``TYPE/NAME`` argument list points at, best effort."""
    if not positionals:
        return None, None
    first = positionals[0]
    if "/" in first:
        kind, _, name = first.partition("/")
        return canonical(kind), name or None
    second = positionals[1] if len(positionals) > 1 else None
    if second is not None and ("=" in second or second.endswith("-")):
        second = None  # `label deploy web app=x`, `set image deploy/web c=img`: not a name
    kind = canonical(first) if "," not in first else first.lower()
    return kind, second


def targets_of(positionals: tuple[str, ...]) -> list[tuple[str, str]] | None:
    """Every (kind, name) of ``TYPE NAME NAME...`` or ``TYPE/NAME TYPE/NAME...``; None if unclear.

    ``rollout restart deploy a b`` restarts both: a dry-run of ``a`` alone would show a plan
    that leaves out ``b``.
    """
    if not positionals:
        return None
    if all("/" in word for word in positionals):
        pairs = [word.split("/", 1) for word in positionals]
        if any(not kind or not name or "," in kind for kind, name in pairs):
            return None
        return [(canonical(kind), name) for kind, name in pairs]
    first, names = positionals[0], positionals[1:]
    if "/" in first or "," in first or not names or any("/" in name for name in names):
        return None
    return [(canonical(first), name) for name in names]
