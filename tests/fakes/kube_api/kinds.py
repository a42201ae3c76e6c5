"""The resource kinds the fake server knows: names, scope, short names, subresources.

One table drives discovery, routing, OpenAPI and ``kubectl api-resources``, so a kind
added here is served everywhere at once.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")


@dataclass(frozen=True)
class Kind:
    """One served resource (``deployments`` in ``apps/v1``)."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    verbs: tuple[str, ...] = ALL_VERBS

    @property
    def singular(self) -> str:
        """Lower-case kind, as discovery reports it."""
        return self.kind.lower()

    @property
    def api_version(self) -> str:
        """``apps/v1`` or ``v1``."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_version(self) -> str:
        """Key of the OpenAPI v3 document (``api/v1``, ``apis/apps/v1``)."""
        return f"apis/{self.group}/{self.version}" if self.group else f"api/{self.version}"

    @property
    def key(self) -> str:
        """Store key for this resource (``apps/deployments``, ``/pods``)."""
        return f"{self.group}/{self.plural}"

    @property
    def stored(self) -> bool:
        """Whether objects of this kind persist (reviews are computed, never stored)."""
        return "get" in self.verbs


_ALL = ("all",)
_CREATE_ONLY = ("create",)

KINDS: tuple[Kind, ...] = (
    Kind(
        "",
        "v1",
        "Namespace",
        "namespaces",
        False,
        ("ns",),
        subresources=("status", "finalize"),
        verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
    ),
    Kind("", "v1", "Node", "nodes", False, ("no",), subresources=("status",)),
    Kind("", "v1", "Pod", "pods", True, ("po",), _ALL, ("status", "log", "binding", "eviction")),
    Kind(
        "",
        "v1",
        "Service",
        "services",
        True,
        ("svc",),
        _ALL,
        ("status",),
        verbs=("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
    ),
    Kind("", "v1", "Endpoints", "endpoints", True, ("ep",)),
    Kind("", "v1", "ConfigMap", "configmaps", True, ("cm",)),
    Kind("", "v1", "Secret", "secrets", True),
    Kind("", "v1", "ServiceAccount", "serviceaccounts", True, ("sa",), subresources=("token",)),
    Kind("", "v1", "Event", "events", True, ("ev",)),
    Kind(
        "", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, ("pvc",), subresources=("status",)
    ),
    Kind("", "v1", "PersistentVolume", "persistentvolumes", False, ("pv",), subresources=("status",)),
    Kind("", "v1", "ResourceQuota", "resourcequotas", True, ("quota",), subresources=("status",)),
    Kind("", "v1", "LimitRange", "limitranges", True, ("limits",)),
    Kind("apps", "v1", "Deployment", "deployments", True, ("deploy",), _ALL, ("status", "scale")),
    Kind("apps", "v1", "ReplicaSet", "replicasets", True, ("rs",), _ALL, ("status", "scale")),
    Kind("apps", "v1", "StatefulSet", "statefulsets", True, ("sts",), _ALL, ("status", "scale")),
    Kind("apps", "v1", "DaemonSet", "daemonsets", True, ("ds",), _ALL, ("status",)),
    Kind("apps", "v1", "ControllerRevision", "controllerrevisions", True),
    Kind("batch", "v1", "Job", "jobs", True, (), _ALL, ("status",)),
    Kind("batch", "v1", "CronJob", "cronjobs", True, ("cj",), _ALL, ("status",)),
    Kind("networking.k8s.io", "v1", "Ingress", "ingresses", True, ("ing",), subresources=("status",)),
    Kind("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, ("netpol",)),
    Kind("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    Kind("coordination.k8s.io", "v1", "Lease", "leases", True),
    Kind("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, ("sc",)),
    Kind("rbac.authorization.k8s.io", "v1", "Role", "roles", True),
    Kind("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", True),
    Kind("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False),
    Kind("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    Kind(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        False,
        verbs=_CREATE_ONLY,
    ),
    Kind(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectRulesReview",
        "selfsubjectrulesreviews",
        False,
        verbs=_CREATE_ONLY,
    ),
    Kind("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", False, verbs=_CREATE_ONLY),
)

_MODEL_PREFIX = {
    "": "V1",
    "apps": "V1",
    "batch": "V1",
    "networking.k8s.io": "V1",
    "discovery.k8s.io": "V1",
    "coordination.k8s.io": "V1",
    "storage.k8s.io": "V1",
    "rbac.authorization.k8s.io": "V1",
    "authorization.k8s.io": "V1",
    "authentication.k8s.io": "V1",
}

BY_PLURAL: dict[tuple[str, str], Kind] = {(k.group, k.plural): k for k in KINDS}
BY_KIND: dict[tuple[str, str], Kind] = {(k.api_version, k.kind): k for k in KINDS}


def by_plural(group: str, plural: str) -> Kind | None:
    """The kind served at ``/apis/<group>/v1/<plural>`` (``""`` group for the core API)."""
    return BY_PLURAL.get((group, plural))


def by_api_version(api_version: str, kind: str) -> Kind | None:
    """The kind for an object's ``apiVersion`` and ``kind``."""
    return BY_KIND.get((api_version, kind))


def plural_of(kind_name: str) -> Kind | None:
    """Look a kind up by its ``kind`` alone (first match; kinds are unique here)."""
    for k in KINDS:
        if k.kind == kind_name:
            return k
    return None


def model_name(kind: Kind) -> str:
    """Name of the kubernetes client model class (``V1Deployment``)."""
    return f"{_MODEL_PREFIX[kind.group]}{kind.kind}"


def groups() -> list[tuple[str, str]]:
    """Served (group, version) pairs in discovery order, core first."""
    seen: list[tuple[str, str]] = []
    for k in KINDS:
        if (k.group, k.version) not in seen:
            seen.append((k.group, k.version))
    return seen
