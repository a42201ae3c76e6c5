"""The face the tools show the graph: one object that classifies, reads, proposes and executes.

The graph depends on this protocol only, so it can be driven in tests by a fake and in
production by :class:`binks.tools.toolbox.KubeToolbox`. The split mirrors the safety rule:
:meth:`Toolbox.assess` decides (from the call, never from the model's say-so) whether a call
is a read or a change; reads go to :meth:`Toolbox.read`; changes go to
:meth:`Toolbox.propose` (dry-run + diff, nothing mutates), and only an approved change
reaches :meth:`Toolbox.execute`.
"""

from __future__ import annotations

from typing import Any, Protocol

from binks.tools.models import (
    ChangeResult,
    Classification,
    ClusterContext,
    ProposedChange,
    ReconcileOutcome,
    ToolResult,
    Verification,
)


class Toolbox(Protocol):
    """What the graph needs from the cluster tools."""

    def specs(self) -> list[dict[str, Any]]:
        """OpenAI-style function schemas of the four tools, for ``bind_tools``."""
        ...

    def assess(self, name: str, args: dict[str, Any]) -> Classification:
        """Classify a call; raise ``CommandRefused`` (or ``ValueError`` for bad args) to refuse it."""
        ...

    async def cluster_context(self) -> ClusterContext:
        """The kubeconfig context and the namespaces: one cheap read, once per task, for the prompt."""
        ...

    async def read(self, name: str, args: dict[str, Any]) -> ToolResult:
        """Run a call that :meth:`assess` classified as read-only; refuses anything mutating."""
        ...

    async def propose(
        self, name: str, args: dict[str, Any], *, thread_id: str, step_id: str
    ) -> ProposedChange:
        """Prepare a mutating call for approval: server-side dry-run and diff; mutates nothing."""
        ...

    async def execute(self, change: ProposedChange) -> ChangeResult:
        """Run an approved change exactly as proposed."""
        ...

    async def verify(self, change: ProposedChange, result: ChangeResult) -> Verification:
        """Check deterministically that the change took effect (bounded wait)."""
        ...

    async def reconcile(self, change: ProposedChange) -> ReconcileOutcome:
        """After a crash between intent and result: tell whether the change reached the cluster."""
        ...
