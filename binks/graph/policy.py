"""When a plan may skip the question: an explicit, scoped allow-list and nothing else.

No auto-approval by default. A ``verb:namespace`` rule in ``BINKS_AUTO_APPROVE`` lets a
step through only when its verb and namespace match exactly, its dry-run succeeded, it is
not destructive and its namespace is not protected; a plan is auto-approved only when
every step is.
"""

from __future__ import annotations

from binks.graph.plan import Plan, Step
from binks.settings import Settings


def step_rule(step: Step, settings: Settings) -> str | None:
    """The rule that auto-approves ``step``, or ``None`` when a person must decide."""
    if step.risk != "change" or not step.dry_run.ok:
        return None
    if step.namespace is None or step.namespace in settings.all_protected_namespaces:
        return None
    for rule in settings.auto_approve:
        verb, _, namespace = rule.partition(":")
        if verb.strip() == step.verb and namespace.strip() == step.namespace:
            return rule
    return None


def auto_approval(plan: Plan, settings: Settings) -> list[str] | None:
    """The matching rules when every step is auto-approved; ``None`` when a person must decide."""
    rules = [step_rule(step, settings) for step in plan.steps]
    if not rules or any(rule is None for rule in rules):
        return None
    return [rule for rule in rules if rule is not None]
