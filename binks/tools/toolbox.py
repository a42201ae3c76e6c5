"""``KubeToolbox``: the :class:`~binks.tools.protocol.Toolbox` the graph uses on a real cluster.

The tool layer, never the model, decides what is a read: :meth:`KubeToolbox.assess`
classifies every call, :meth:`read` refuses anything that is not a read, :meth:`propose`
dry-runs a change without mutating, and :meth:`execute` runs exactly the argv (or rendered
Job) that was approved, after checking once more that Binks would run it at all.

Failures: an unreachable cluster, refused credentials and timeouts raise ``ClusterError``
(nothing useful can go back to the model); a kubectl error about the command itself (404,
403, a typo) comes back as ``ToolResult(ok=False)`` with the explanation, for the model to
read and correct.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from binks.errors import ClusterError, CommandRefused
from binks.settings import Settings, load_settings
from binks.tools.argv import parse_argv
from binks.tools.capture import Capturer
from binks.tools.classify import classify_argv, command_argv
from binks.tools.client import KubeApiError, KubeClient
from binks.tools.cluster import get_cluster_status
from binks.tools.dryrun import DryRunner
from binks.tools.failures import Failure
from binks.tools.gonum import parse_go_int
from binks.tools.kubectl import Finished, Kubectl, finish
from binks.tools.lookup import Lookup
from binks.tools.models import (
    CapturedSource,
    ChangeResult,
    Classification,
    ClusterContext,
    ProposedChange,
    ReconcileOutcome,
    ToolResult,
    Verification,
)
from binks.tools.output import cap_output
from binks.tools.outputs import (
    CHANGE_WITHHELD,
    TEMPLATE_FORMATS,
    WITHHELD,
    group,
    holds_secret,
    literal_credentials,
    mask_values,
    names_secrets,
    output_format,
    parse_objects,
    probe_argv,
    probes,
)
from binks.tools.redact import redact_output
from binks.tools.registry import (
    CheckAgentStatusArgs,
    RunKubectlArgs,
    SpawnWorkerAgentArgs,
    parse_args,
    tool_specs,
)
from binks.tools.sources import SourceStore, rewrite
from binks.tools.verify import REAPPLY_VERBS, ROLLOUT_VERBS, WORKLOADS, Verifier
from binks.tools.worker_job import NAMESPACE, load_template, render_job
from binks.tools.workers import Workers

_FATAL = (Failure.UNREACHABLE, Failure.UNAUTHORIZED)
_EMPTY = re.compile(r"^No resources found in \S+ namespace\.", re.MULTILINE)


class KubeToolbox:
    """The four tools on the cluster named by the settings."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.kubectl = Kubectl(self.settings)
        self.kube = KubeClient(self.settings)
        self.dry_runner = DryRunner(self.kubectl, self.settings)
        self.verifier = Verifier(self.kubectl, self.dry_runner, self.settings)
        self.workers = Workers(self.kube, self.settings)
        self.lookup = Lookup(self.kubectl, self.kube, self.settings)
        self.capturer = Capturer(self.settings, self.kubectl)
        self.store = SourceStore()

    def specs(self) -> list[dict[str, Any]]:
        """OpenAI-style function schemas of the four tools."""
        return tool_specs()

    def assess(self, name: str, args: dict[str, Any]) -> Classification:
        """Read or change, from the call itself; ``CommandRefused``/``ValueError`` to refuse it."""
        call = parse_args(name, args)
        if isinstance(call, RunKubectlArgs):
            argv = command_argv(call.command)
            classification = classify_argv(argv)
            self.capturer.check(parse_argv(argv))
            return classification
        if isinstance(call, SpawnWorkerAgentArgs):
            load_template(self.settings, call.agent_type)
            return Classification(
                mutating=True,
                verb="spawn_worker_agent",
                namespace=NAMESPACE,
                resource="job",
                risk="change",
                reason=f"starts a {call.agent_type} worker Job in {NAMESPACE}",
            )
        if isinstance(call, CheckAgentStatusArgs):
            return Classification(
                mutating=False,
                verb="check_agent_status",
                namespace=NAMESPACE,
                resource="job",
                name=call.job_name,
                risk="read",
                reason="reads a worker Job's status and log",
            )
        return Classification(mutating=False, verb=name, risk="read", reason="reads the cluster's status")

    async def read(self, name: str, args: dict[str, Any]) -> ToolResult:
        """Run a read; refuses anything :meth:`assess` calls a change."""
        assessed = self.assess(name, args)
        if assessed.mutating:
            raise CommandRefused(
                f"{name} {assessed.verb!r} is a change ({assessed.reason}): it needs approval"
            )
        call = parse_args(name, args)
        if isinstance(call, RunKubectlArgs):
            return await self._read_kubectl(assessed, command_argv(call.command))
        try:
            if isinstance(call, CheckAgentStatusArgs):
                text, data = await self.workers.status(call.job_name)
            else:
                status = await get_cluster_status(self.kube)
                text, data = status.text(), status.model_dump()
        except KubeApiError as exc:
            if exc.failure in _FATAL or exc.failure is Failure.TIMEOUT:
                raise
            return ToolResult(ok=False, output=str(exc))
        capped, cut = cap_output(text, self.settings.output_limit_bytes)
        return ToolResult(ok=True, output=capped, truncated_bytes=cut, data=data)

    async def _read_kubectl(self, assessed: Classification, argv: list[str]) -> ToolResult:
        """A kubectl read: sources captured, free formats checked first, output scrubbed."""
        parsed = parse_argv(argv)
        sources = await self.capturer.capture(parsed)
        if parsed.path == ("kustomize",):
            rendered = base64.b64decode(sources[0].files[0].content).decode("utf-8", errors="replace")
            text, cut = cap_output(redact_output(rendered, parsed, sources), self.settings.output_limit_bytes)
            return ToolResult(ok=True, output=text, truncated_bytes=cut)
        runnable = self.runnable(argv, sources)
        hidden: list[str] = []
        if probes(parsed) and not names_secrets(parsed, sources):
            probed = await self._probe(runnable, transforms=output_format(parsed) in TEMPLATE_FORMATS)
            if isinstance(probed, ToolResult):
                return probed
            hidden = probed
        done = finish(await self.kubectl.run(runnable), self.settings, parsed, sources)
        if done.failure in _FATAL:
            raise ClusterError(done.error or "kubectl failed")
        note = await self._note(assessed, done)
        output = mask_values(done.output, hidden)
        output = f"{output.rstrip()}\n{note}\n" if note else output
        return ToolResult(ok=done.ok, output=output, truncated_bytes=done.truncated_bytes)

    async def _probe(self, runnable: list[str], *, transforms: bool) -> ToolResult | list[str]:
        """Before a free-format read runs: the same read as JSON, to see what it would print.

        Returns the answer to give instead (withheld when a Secret is among the objects, or
        the read's own failure), or the literal credentials among the objects (environment
        values named like passwords), which are masked wherever the real output shows them.
        """
        probe = probe_argv(parse_argv(runnable))
        result = await self.kubectl.run(probe)
        if not result.ok:
            done = finish(result, self.settings, parse_argv(probe))
            if done.failure in _FATAL:
                raise ClusterError(done.error or "kubectl failed")
            return ToolResult(ok=False, output=done.output, truncated_bytes=done.truncated_bytes)
        objects = parse_objects(result.stdout)
        if objects is None or holds_secret(objects):
            return ToolResult(ok=True, output=WITHHELD)
        credentials = literal_credentials(objects)
        if credentials and transforms:
            # A template can print a value in another form (hex, slices), which no mask finds.
            return ToolResult(ok=True, output=WITHHELD)
        return credentials

    def runnable(self, argv: list[str], sources: list[CapturedSource]) -> list[str]:
        """The argv kubectl runs: captured sources replaced by their private copies."""
        return rewrite(parse_argv(argv), sources, self.store) if sources else list(argv)

    async def _note(self, assessed: Classification, done: Finished) -> str | None:
        """Where to look instead, after a NotFound or an empty list in a namespace."""
        if done.failure is Failure.NOT_FOUND:
            return await self.lookup.where(assessed.resource, assessed.name, assessed.namespace)
        if done.ok and _EMPTY.search(done.output):
            return await self.lookup.missing_namespace(assessed.namespace)
        return None

    async def cluster_context(self) -> ClusterContext:
        """The context and namespaces, read once per task for the model's system prompt."""
        return await self.lookup.context()

    async def propose(
        self, name: str, args: dict[str, Any], *, thread_id: str, step_id: str
    ) -> ProposedChange:
        """Dry-run a change and diff it; nothing on the cluster changes."""
        assessed = self.assess(name, args)
        if not assessed.mutating:
            raise ValueError(f"{name} {assessed.verb!r} is a read: run it with read(), no approval needed")
        call = parse_args(name, args)
        common: dict[str, Any] = {
            "namespace": assessed.namespace,
            "verb": assessed.verb,
            "resource": assessed.resource,
            "risk": assessed.risk,
        }
        if isinstance(call, SpawnWorkerAgentArgs):
            _, template = load_template(self.settings, call.agent_type)
            job = render_job(template, call.agent_type, call.task_params, thread_id, step_id)
            job_name = job["metadata"]["name"]
            return ProposedChange(
                tool="spawn_worker_agent",
                args=call.model_dump(),
                template=f"manifests/agents/{call.agent_type}-job.yaml",
                params={"thread_id": thread_id, "step_id": step_id, "job_name": job_name, "job": job},
                name=job_name,
                dry_run=await self.workers.propose(job),
                **common,
            )
        assert isinstance(call, RunKubectlArgs)  # assess() returned mutating for the other two
        argv = command_argv(call.command)
        sources = await self.capturer.capture(parse_argv(argv))
        dry_run = await self.dry_runner.dry_run(parse_argv(self.runnable(argv, sources)))
        if dry_run.destroys and assessed.risk == "change":
            # The spelling looked ordinary (`--replicas=00`, a patch, a manifest), the objects say not.
            common["risk"] = "destructive"
        return ProposedChange(
            tool="run_kubectl",
            args=call.model_dump(),
            argv=argv,
            name=assessed.name,
            dry_run=dry_run,
            sources=sources,
            **common,
        )

    async def execute(self, change: ProposedChange) -> ChangeResult:
        """Run exactly the approved argv or Job; refuses what Binks would refuse now."""
        if change.tool == "spawn_worker_agent":
            return await self.workers.spawn(dict((change.params or {})["job"]))
        if change.tool != "run_kubectl" or not change.argv:
            raise ValueError(f"{change.tool} is not a change Binks executes")
        classify_argv(change.argv)  # raises CommandRefused if the rules refuse it now
        runnable = self.runnable(change.argv, change.sources)
        try:
            result = await self.kubectl.run(runnable)
        except ClusterError as exc:
            return ChangeResult(ok=False, output="", error=f"{exc} (the change may or may not have happened)")
        parsed = parse_argv(change.argv)
        # A change printed in a template format may select any value (an environment
        # password, say), and a change cannot be probed first: its output is withheld.
        free = group(parsed) == "free"
        secrets = free or any(obj.kind == "Secret" for obj in change.dry_run.objects)
        done = finish(result, self.settings, parsed, change.sources, secrets=secrets)
        output = CHANGE_WITHHELD if free and done.ok else done.output
        return ChangeResult(ok=done.ok, output=output, error=done.error)

    async def verify(self, change: ProposedChange, result: ChangeResult) -> Verification:
        """Check deterministically that the change took effect, waiting a bounded time."""
        if not result.ok:
            return Verification(ok=False, check="the change ran", detail=result.error or result.output)
        if change.tool == "spawn_worker_agent":
            params = change.params or {}
            return await self.workers.verify(
                str(params["job_name"]), params.get("thread_id"), params.get("step_id")
            )
        parsed = parse_argv(self.runnable(change.argv or [], change.sources))
        kind, name, objects = change.resource, change.name, change.dry_run.objects
        target = _replicas(change)
        if change.verb == "scale" and kind and name and target is not None:
            return await self.verifier.wait_scaled(parsed, kind, name, target)
        if change.verb in ROLLOUT_VERBS and kind in WORKLOADS and name:
            return await self.verifier.wait_rollout(parsed, kind, name)
        if change.verb == "delete" and objects:
            return await self.verifier.wait_gone(list(objects))
        if change.verb in REAPPLY_VERBS and change.dry_run.supported:
            ok, detail = await self.verifier.matches(parsed)
            return Verification(ok=ok, check="the live objects match the approved change", detail=detail)
        if change.verb == "create" and objects:
            _, missing = await self.verifier.exist(list(objects))
            names = ", ".join(f"{obj.kind.lower()}/{obj.name}" for obj in objects)
            detail = "missing: " + ", ".join(obj.name for obj in missing) if missing else "all present"
            return Verification(ok=not missing, check=f"created: {names}", detail=detail)
        first = next((line for line in result.output.splitlines() if line.strip()), "")
        return Verification(ok=True, check="command exited 0", detail=first)

    async def reconcile(self, change: ProposedChange) -> ReconcileOutcome:
        """After a crash between intent and result: whether the change reached the cluster."""
        if change.tool == "spawn_worker_agent":
            job = await self.workers.read_job(str((change.params or {})["job_name"]))
            return "applied" if job is not None else "not_applied"
        parsed = parse_argv(self.runnable(change.argv or [], change.sources))
        target = _replicas(change)
        scale = (
            (change.resource, change.name, target) if change.verb == "scale" and target is not None else None
        )
        if scale is not None and (scale[0] is None or scale[1] is None):
            scale = None
        return await self.verifier.reconcile(
            parsed,
            change.verb,
            list(change.dry_run.objects),
            (str(scale[0]), str(scale[1]), int(scale[2])) if scale else None,
        )

    def close(self) -> None:
        """Release the API client's connections and the private copies of captured files."""
        self.kube.close()
        self.store.close()


def _replicas(change: ProposedChange) -> int | None:
    values = parse_argv(change.argv or []).values("replicas")
    return parse_go_int(values[-1]) if values and values[-1] is not None else None
