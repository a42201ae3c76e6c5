"""A small, realistic stand-in for ``KubeToolbox``: a dict of deployments instead of a cluster.

It classifies by kubectl verb (unknown verbs mutate; shell syntax and identity flags are
refused), dry-runs against its state (a missing object fails the dry-run), executes by
changing its state and appending to :attr:`mutations` (the log tests assert on), verifies
by reading the state back and reconciles by comparing state with the change. Failure
knobs let tests make execution fail, crash after the mutation, or reconcile say "unknown".
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from binks.errors import ClusterError, CommandRefused
from binks.tools.models import (
    ChangeResult,
    Classification,
    ClusterContext,
    DryRun,
    ObjectRef,
    ProposedChange,
    ReconcileOutcome,
    ToolResult,
    Verification,
)
from binks.tools.registry import tool_specs

READ_VERBS = {"get", "describe", "logs", "top", "explain", "api-resources", "version", "events"}
KNOWN_CHANGES = {
    "scale",
    "delete",
    "apply",
    "create",
    "set",
    "patch",
    "label",
    "annotate",
    "drain",
    "rollout",
}
DESTRUCTIVE_KINDS = {
    "namespace",
    "ns",
    "pv",
    "persistentvolume",
    "pvc",
    "persistentvolumeclaim",
    "node",
    "crd",
}
SHELL = ("|", ";", "&&", "$(", "`", ">", "<")
IDENTITY_FLAGS = ("--kubeconfig", "--context", "--cluster", "--server", "--token", "--as", "--user")


@dataclass
class Deployment:
    """What the fake cluster knows of a deployment."""

    replicas: int = 1
    image: str = "nginx:1.25"


@dataclass
class FakeToolbox:
    """Implements ``binks.tools.protocol.Toolbox`` over an in-memory set of deployments."""

    deployments: dict[tuple[str, str], Deployment] = field(
        default_factory=lambda: {("shop", "web"): Deployment(), ("kube-system", "coredns"): Deployment(2)}
    )
    mutations: list[list[str]] = field(default_factory=list)
    reads: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_execute: set[str] = field(default_factory=set)
    """Names of deployments whose changes fail (the API server says no)."""
    crash_after_mutation: int = 0
    """This many executions raise ClusterError after changing the state (a crash mid-step)."""
    context_reads: int = 0
    """How often the graph asked for the cluster context (once per task)."""
    reconcile_says: ReconcileOutcome | None = None
    """Force reconcile's answer; ``None`` compares the state with the change."""

    def specs(self) -> list[dict[str, Any]]:
        """The real tools' schemas: the model sees exactly what ``KubeToolbox`` gives it."""
        return tool_specs()

    async def cluster_context(self) -> ClusterContext:
        """The namespaces that hold deployments, in a context called ``fake``."""
        self.context_reads += 1
        return ClusterContext(context="fake", namespaces=sorted({ns for ns, _ in self.deployments}))

    def assess(self, name: str, args: dict[str, Any]) -> Classification:
        """Classify by verb; refuse shell syntax and identity flags."""
        if name == "get_cluster_status":
            return Classification(mutating=False, verb="status", risk="read", reason="read-only status")
        if name == "check_agent_status":
            return Classification(mutating=False, verb="get", resource="job", risk="read", reason="read")
        if name == "spawn_worker_agent":
            return Classification(
                mutating=True,
                verb="spawn",
                namespace="ai-agents",
                resource="job",
                risk="change",
                reason="creates a Job",
            )
        if name != "run_kubectl":
            raise ValueError(f"unknown tool {name!r}")
        argv = self._argv(str(args.get("command", "")))
        verb, namespace, resource, target = _parse(argv)
        if verb in READ_VERBS:
            return Classification(
                mutating=False,
                verb=verb,
                namespace=namespace,
                resource=resource,
                name=target,
                risk="read",
                reason=f"{verb} only reads",
            )
        destructive = verb == "drain" or (verb == "delete" and (resource or "") in DESTRUCTIVE_KINDS)
        reason = (
            "changes the cluster" if verb in KNOWN_CHANGES else f"unknown verb {verb!r} counts as a change"
        )
        return Classification(
            mutating=True,
            verb=verb,
            namespace=namespace,
            resource=resource,
            name=target,
            risk="destructive" if destructive else "change",
            reason=reason,
        )

    def _argv(self, command: str) -> list[str]:
        if any(token in command for token in SHELL):
            raise CommandRefused("shell syntax (pipes, ';', '&&', redirects) is not allowed")
        argv = shlex.split(command)
        if argv and argv[0] == "kubectl":
            argv = argv[1:]
        if not argv:
            raise ValueError("empty kubectl command")
        for flag in IDENTITY_FLAGS:
            if any(arg == flag or arg.startswith(flag + "=") for arg in argv):
                raise CommandRefused(f"{flag} changes which cluster or identity is used")
        return argv

    async def read(self, name: str, args: dict[str, Any]) -> ToolResult:
        """Answer reads from the state."""
        self.reads.append((name, args))
        if self.assess(name, args).mutating:
            raise CommandRefused("read() refuses mutating calls")
        if name == "get_cluster_status":
            return ToolResult(ok=True, output="nodes: 1 ready; pods: 3 running")
        if name == "check_agent_status":
            return ToolResult(ok=False, output=f"job {args.get('job_name')} not found")
        _verb, namespace, _resource, target = _parse(self._argv(str(args["command"])))
        rows = [
            f"{ns}/{dep_name} replicas={dep.replicas} image={dep.image}"
            for (ns, dep_name), dep in sorted(self.deployments.items())
            if namespace in (None, ns) and target in (None, dep_name)
        ]
        if target and not rows:
            return ToolResult(
                ok=False, output=f'Error from server (NotFound): deployments.apps "{target}" not found'
            )
        return ToolResult(ok=True, output="\n".join(rows) or "No resources found")

    async def propose(
        self, name: str, args: dict[str, Any], *, thread_id: str, step_id: str
    ) -> ProposedChange:
        """Dry-run against the state; nothing changes."""
        found = self.assess(name, args)
        if not found.mutating:
            raise ValueError("propose() is for changes")
        argv = self._argv(str(args["command"])) if name == "run_kubectl" else None
        dry_run = self._dry_run(argv, found)
        return ProposedChange(
            tool=name,
            args=args,
            argv=argv,
            template=f"manifests/agents/{args.get('agent_type')}-job.yaml"
            if name == "spawn_worker_agent"
            else None,
            params=args.get("task_params") if name == "spawn_worker_agent" else None,
            namespace=found.namespace,
            verb=found.verb,
            resource=found.resource,
            name=found.name,
            risk=found.risk,
            dry_run=dry_run,
        )

    def _dry_run(self, argv: list[str] | None, found: Classification) -> DryRun:
        if argv is None or found.resource not in ("deployment", "deploy", "deployments"):
            return DryRun(ok=True, message="created (server dry run)", diff="creates a new object")
        key = (found.namespace or "default", found.name or "")
        if key not in self.deployments:
            return DryRun(ok=False, message=f'deployments.apps "{found.name}" not found')
        current = self.deployments[key]
        touched = ObjectRef(
            api_version="apps/v1",
            kind="Deployment",
            name=key[1],
            namespace=key[0],
            action="delete" if found.verb == "delete" else "update",
        )
        if found.verb == "scale":
            wanted = _replicas(argv)
            if wanted == current.replicas:  # as the API server answers: the object is left as it is
                same = touched.model_copy(update={"action": "unchanged"})
                return DryRun(ok=True, message="leaves unchanged", diff="no change", objects=[same])
            return DryRun(
                ok=True,
                message="scaled (server dry run)",
                diff=f"-  replicas: {current.replicas}\n+  replicas: {wanted}",
                objects=[touched],
            )
        if found.verb == "delete":
            return DryRun(
                ok=True, message="deleted (server dry run)", diff="deletes the object", objects=[touched]
            )
        return DryRun(ok=True, message="configured (server dry run)", diff=None, objects=[touched])

    async def execute(self, change: ProposedChange) -> ChangeResult:
        """Apply the change to the state and log it."""
        if change.name in self.fail_execute:
            return ChangeResult(ok=False, output="", error=f"admission webhook denied {change.name}")
        self.mutations.append(list(change.argv or [change.tool]))
        key = (change.namespace or "default", change.name or "")
        if change.verb == "scale" and change.argv is not None:
            self.deployments[key].replicas = _replicas(change.argv)
        elif change.verb == "delete":
            self.deployments.pop(key, None)
        if self.crash_after_mutation > 0:
            self.crash_after_mutation -= 1
            raise ClusterError("connection to the API server was lost (simulated crash after the change)")
        return ChangeResult(ok=True, output=f"{change.resource}/{change.name} {change.verb}d")

    async def verify(self, change: ProposedChange, result: ChangeResult) -> Verification:
        """Read the state back."""
        key = (change.namespace or "default", change.name or "")
        if change.verb == "scale" and change.argv is not None:
            wanted = _replicas(change.argv)
            have = self.deployments[key].replicas if key in self.deployments else 0
            return Verification(
                ok=have == wanted, check=f"deployment/{change.name} has {have}/{wanted} replicas"
            )
        if change.verb == "delete":
            return Verification(
                ok=key not in self.deployments, check=f"{change.resource}/{change.name} is gone"
            )
        return Verification(ok=True, check=f"{change.verb} accepted")

    async def reconcile(self, change: ProposedChange) -> ReconcileOutcome:
        """Compare the state with the change (or say what the test forces)."""
        if self.reconcile_says is not None:
            return self.reconcile_says
        key = (change.namespace or "default", change.name or "")
        if change.verb == "scale" and change.argv is not None and key in self.deployments:
            return "applied" if self.deployments[key].replicas == _replicas(change.argv) else "not_applied"
        if change.verb == "delete":
            return "applied" if key not in self.deployments else "not_applied"
        return "unknown"


def _parse(argv: list[str]) -> tuple[str, str | None, str | None, str | None]:
    """(verb, namespace, resource, name) of a kubectl argv."""
    namespace = None
    words: list[str] = []
    skip = False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg in ("-n", "--namespace"):
            namespace = argv[index + 1] if index + 1 < len(argv) else None
            skip = True
        elif arg.startswith("--namespace="):
            namespace = arg.split("=", 1)[1]
        elif not arg.startswith("-"):
            words.append(arg)
    verb = words[0] if words else ""
    if verb == "rollout" and len(words) > 1:
        verb = f"rollout {words[1]}"
        words = words[1:]
    padded: list[str | None] = [*words[1:3], None, None]
    resource, name = padded[0], padded[1]
    if resource and "/" in resource:
        resource, name = resource.split("/", 1)
    if resource in ("deploy", "deployments"):
        resource = "deployment"
    if verb in KNOWN_CHANGES | READ_VERBS or verb.startswith("rollout"):
        namespace = namespace or ("default" if resource not in DESTRUCTIVE_KINDS else None)
    return verb, namespace, resource, name


def _replicas(argv: list[str]) -> int:
    for index, arg in enumerate(argv):
        if arg.startswith("--replicas="):
            return int(arg.split("=", 1)[1])
        if arg == "--replicas" and index + 1 < len(argv):
            return int(argv[index + 1])
    raise ValueError("scale needs --replicas")
