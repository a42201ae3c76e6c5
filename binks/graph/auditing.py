"""What the graph writes to the audit log: executed changes and policy approvals.

Everything is redacted before it is written (``--from-literal`` values, patches of Secrets,
tokens and keys in any argument or parameter): the audit log is kept for months and read
by people who need not see Secrets. The output of a change is not kept, only whether it
worked and its error.
"""

from __future__ import annotations

from typing import Any

from binks.graph.deps import GraphDeps
from binks.tools.models import ChangeResult, ProposedChange
from binks.tools.redact import redact_text, redact_value
from binks.tools.shown import redact_argv

POLICY_KEY_ID = "policy"
"""The key id of decisions made by ``BINKS_AUTO_APPROVE`` rules, not by a person."""


def change_detail(change: ProposedChange) -> dict[str, Any]:
    """What ran, redacted: the argv, or the template and its parameters, and where."""
    detail: dict[str, Any] = {"tool": change.tool, "namespace": change.namespace, "risk": change.risk}
    if change.argv is not None:
        detail["argv"] = redact_argv(list(change.argv))
    elif change.template is not None:
        detail["template"] = change.template
        detail["params"] = redact_value(change.params or {})
    else:
        detail["args"] = redact_value(change.args)
    return detail


async def audit_change(
    deps: GraphDeps,
    *,
    thread_id: str,
    step_id: str,
    attempt: int,
    plan_hash: str,
    change: ProposedChange,
    result: ChangeResult,
    reconciled: bool = False,
) -> None:
    """Append an executed change (or one found applied after a crash) to the audit log."""
    if deps.audit is None:
        return
    detail = change_detail(change)
    detail["attempt"] = attempt
    if result.error:
        detail["error"] = redact_text(result.error)[:2000]
    if reconciled:
        detail["reconciled"] = True
    await deps.audit.record_mutation(
        thread_id=thread_id,
        step_id=step_id,
        plan_hash=plan_hash,
        verb=change.verb,
        ok=result.ok,
        detail=detail,
    )


async def audit_policy_approval(deps: GraphDeps, *, thread_id: str, plan_hash: str, rules: list[str]) -> None:
    """Append an approval made by the auto-approve rules (key id ``policy``)."""
    if deps.audit is None:
        return
    await deps.audit.append(
        kind="decision",
        thread_id=thread_id,
        key_id=POLICY_KEY_ID,
        action="approve",
        outcome="accepted",
        interrupt_id="policy",
        plan_hash=plan_hash,
        detail={"rules": rules},
    )
