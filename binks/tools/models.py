"""The data the tools hand to the graph: classifications, proposed changes, results.

These models are the contract between ``binks.tools`` and ``binks.graph`` (which wraps a
:class:`ProposedChange` into a plan step). They are pydantic models so they travel through
LangGraph checkpoints and interrupt payloads as plain JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Risk = Literal["read", "change", "destructive"]
"""How much a step can hurt: ``read`` never mutates, ``destructive`` loses data or capacity."""

ToolName = Literal["run_kubectl", "get_cluster_status", "spawn_worker_agent", "check_agent_status"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Classification(_Frozen):
    """What a tool call would do, decided by the tool layer and never by the model.

    ``mutating`` is True for anything that changes state *and for anything not known to be
    read-only*: unknown verbs, plugins, ``apply`` without a dry-run flag.
    """

    mutating: bool
    verb: str = Field(description="kubectl verb with its subcommand where it matters: 'rollout restart'")
    namespace: str | None = None
    namespaces: list[str] = Field(
        default_factory=list,
        description="every namespace the command acts in or on (several Namespace objects, -n, '*')",
    )
    resource: str | None = Field(None, description="resource type as written or normalised: 'deployment'")
    name: str | None = None
    risk: Risk
    reason: str = Field(description="one line a person can read: why this is a read or a change")


class ToolResult(_Frozen):
    """The outcome of a read-only call, already redacted and capped for the model."""

    ok: bool
    output: str
    truncated_bytes: int = 0
    data: dict[str, Any] | None = Field(None, description="structured form of the output, when there is one")


class ObjectRef(_Frozen):
    """An object a change touches, as the server-side dry-run reported it."""

    api_version: str
    kind: str
    name: str
    namespace: str | None = None
    action: Literal["create", "update", "delete", "unchanged"]


class DryRun(_Frozen):
    """The API server's answer to the exact change, made with ``dryRun=All``.

    ``supported=False`` means no server-side dry-run exists for this change (``exec``, a
    plugin, ``certificate approve``): ``ok`` is then True and ``message`` says that the plan
    shows the command only. A dry-run the server rejected has ``ok=False``.
    """

    ok: bool
    message: str = Field(description="what the server said: the dry-run output or its error")
    diff: str | None = Field(None, description="unified diff, live vs dry-run result, or a note")
    supported: bool = True
    objects: list[ObjectRef] = Field(default_factory=list, description="objects the change touches")
    destroys: list[str] = Field(
        default_factory=list,
        description="what the dry-run shows the change would take away (a workload scaled to zero)",
    )


class CapturedFile(_Frozen):
    """One workstation file (or URL body) kubectl reads, taken once, with its hash."""

    path: str = Field(description="where it sits inside its source: the file's name, or a path in a folder")
    sha256: str
    content: str = Field(description="the bytes, base64: what kubectl is given at every run of the step")


class CapturedSource(_Frozen):
    """A file, folder, URL or kustomization a command names, captured when the step was prepared.

    kubectl never reads the original again: every run (dry-run, execute, verify) gets these
    exact bytes from a private copy, so what runs is what the person saw in the diff, even if
    the file is edited or the URL answers differently later. ``sha256`` covers every file.
    """

    flag: str = Field(description="the flag that names it: filename, kustomize, from-file, ...")
    written: str = Field(description="the value as the command wrote it")
    kind: Literal["file", "folder", "url", "kustomization"]
    sha256: str
    files: list[CapturedFile]

    @property
    def size(self) -> int:
        """Bytes over all files."""
        return sum(len(file.content) * 3 // 4 for file in self.files)


class ProposedChange(_Frozen):
    """A mutating call prepared for approval: what would run, where, and what it would change."""

    tool: ToolName
    args: dict[str, Any] = Field(description="the call's arguments, as validated")
    argv: list[str] | None = Field(None, description="kubectl argv without the binary, for run_kubectl")
    template: str | None = Field(None, description="manifests/agents/<type>-job.yaml, for spawn_worker_agent")
    params: dict[str, Any] | None = Field(None, description="what the template is rendered with")
    namespace: str | None
    verb: str
    resource: str | None = None
    name: str | None = None
    risk: Risk
    dry_run: DryRun
    sources: list[CapturedSource] = Field(
        default_factory=list, description="workstation files and URLs the command reads, captured once"
    )


class ChangeResult(_Frozen):
    """What executing an approved change did (output redacted and capped)."""

    ok: bool
    output: str
    error: str | None = None


class Verification(_Frozen):
    """A deterministic check of a change against the cluster: data, not the model's opinion."""

    ok: bool
    check: str = Field(description="what was checked, e.g. 'deployment/web in shop has 3/3 ready'")
    detail: str = ""


ReconcileOutcome = Literal["applied", "not_applied", "unknown"]
"""After a crash between intent and result: did the change reach the cluster?"""


_INFRASTRUCTURE = frozenset({"ai-agents", "ai-services"})
"""Namespaces Binks' own manifests create (kube-* are Kubernetes' own)."""


class ClusterContext(_Frozen):
    """What the model is told about the cluster at the start of a task: where it is acting.

    Read once per task with one cheap API call; ``error`` says why it could not be read
    (the task goes on: its tool calls will report the same problem in detail).
    """

    context: str | None = None
    namespaces: list[str] = Field(default_factory=list)
    error: str | None = None

    def line(self) -> str:
        """One short line for the system prompt."""
        if self.error:
            return f"Cluster: could not be read ({self.error[:160]})."
        where = f"context {self.context}; " if self.context else ""
        # The person's namespaces first: a small model reaches for the first name it sees.
        ordered = sorted(
            self.namespaces, key=lambda name: name in _INFRASTRUCTURE or name.startswith("kube-")
        )
        shown = ordered[:30]
        more = f" (+{len(self.namespaces) - len(shown)} more)" if len(self.namespaces) > len(shown) else ""
        return f"Cluster: {where}namespaces: {', '.join(shown) or 'none'}{more}."
