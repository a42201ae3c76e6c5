"""Where things are: the namespaces holding an object a read did not find, and the task's context.

Small models guess namespaces (or forget ``-n``) and then conclude that an object does not
exist. When a read of a named object fails with NotFound, or a list comes back empty for a
namespace, one extra list call answers the obvious next question: which namespaces do hold
an object of that name, or does that namespace exist at all. The cost is paid only on the
failure path.
"""

from __future__ import annotations

import logging

from kubernetes import config as k8s_config
from kubernetes.config.config_exception import ConfigException

from binks.errors import ClusterError, ConfigError
from binks.settings import Settings
from binks.tools.client import KubeClient
from binks.tools.kubectl import Kubectl
from binks.tools.models import ClusterContext

log = logging.getLogger(__name__)

CLUSTER_SCOPED = frozenset(
    {
        "node",
        "namespace",
        "persistentvolume",
        "storageclass",
        "clusterrole",
        "clusterrolebinding",
        "customresourcedefinition",
        "priorityclass",
        "certificatesigningrequest",
    }
)
MAX_SHOWN = 5
_NAMES = 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}'


class Lookup:
    """Finds objects and namespaces for notes appended to failed or empty reads."""

    def __init__(self, kubectl: Kubectl, kube: KubeClient, settings: Settings) -> None:
        self.kubectl = kubectl
        self.kube = kube
        self.settings = settings

    async def namespaces(self) -> list[str]:
        """The names of all namespaces (one list call through the API client)."""
        body = await self.kube.raw("list namespaces", self.kube.core().list_namespace)
        return sorted(str(item["metadata"]["name"]) for item in body.get("items") or [])

    async def where(self, kind: str | None, name: str | None, namespace: str | None) -> str | None:
        """A note saying which namespaces hold a ``kind`` named ``name`` (None: nothing to add)."""
        if kind == "namespace" and name:
            return await self.missing_namespace(name)
        if not kind or not name or kind in CLUSTER_SCOPED or "," in kind:
            return None
        try:
            result = await self.kubectl.run(["get", kind, "-A", "-o", _NAMES])
        except ClusterError as exc:
            log.debug("lookup of %s/%s failed: %s", kind, name, exc)
            return None
        if not result.ok:
            log.debug("lookup of %s/%s failed: %s", kind, name, result.stderr.strip()[:200])
            return await self.missing_namespace(namespace)
        found = [line.split("/", 1) for line in result.stdout.splitlines() if "/" in line]
        exact = sorted({ns for ns, other in found if other == name and ns != namespace})
        if exact:
            places = ", ".join(exact[:MAX_SHOWN])
            return f"Found: a {kind} named {name} exists in namespace {places}: add -n {exact[0]}."
        similar = [f"{ns}/{other}" for ns, other in found if other.startswith(f"{name}-")]
        if similar:
            return (
                f"No {kind} is named exactly {name}; these start with it (namespace/name):"
                f" {', '.join(similar[:MAX_SHOWN])}."
            )
        missing = await self.missing_namespace(namespace)
        absent = f"No {kind} named {name} exists in any namespace (list them with `get {kind} -A`)."
        return f"{missing} {absent}" if missing else absent

    async def missing_namespace(self, namespace: str | None) -> str | None:
        """A note when ``namespace`` does not exist, naming those that do."""
        if not namespace or namespace == "*":
            return None
        try:
            names = await self.namespaces()
        except ClusterError as exc:
            log.debug("cannot list namespaces: %s", exc)
            return None
        if namespace in names:
            return None
        every = " (-A lists every namespace)" if namespace in ("all", "*", "any") else ""
        return f"Namespace {namespace} does not exist{every}; the namespaces are: {', '.join(names)}."

    async def context(self) -> ClusterContext:
        """The kubeconfig context and the namespaces, for the model's system prompt."""
        try:
            names = await self.namespaces()
        except (ClusterError, ConfigError) as exc:
            return ClusterContext(context=self.context_name(), error=str(exc))
        return ClusterContext(context=self.context_name(), namespaces=names)

    def context_name(self) -> str | None:
        """The context Binks uses: the configured one, else the kubeconfig's current context."""
        if self.settings.kube_context:
            return self.settings.kube_context
        path = self.settings.effective_kubeconfig()
        if path is None:
            return None
        try:
            _, active = k8s_config.list_kube_config_contexts(config_file=str(path))  # type: ignore[no-untyped-call]
        except (ConfigException, OSError) as exc:
            log.debug("cannot read the kubeconfig's current context: %s", exc)
            return None
        return str(active.get("name")) if isinstance(active, dict) and active.get("name") else None
