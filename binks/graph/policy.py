"""When a plan may skip the question: an explicit, scoped allow-list and nothing else.

No auto-approval by default. A ``verb:namespace`` rule in ``BINKS_AUTO_APPROVE`` lets a
step through only when its verb and namespace match exactly, its dry-run succeeded and shows
every object it touches inside that namespace, it is not destructive and its namespace is
not protected; a plan is auto-approved only when
every step is. Destructive steps in protected namespaces are not even asked about:
:func:`protected_refusal` refuses them.
"""

from __future__ import annotations

from collections.abc import Iterable

from binks.graph.plan import Plan, Step
from binks.graph.state import AgentState
from binks.settings import Settings


def step_rule(step: Step, settings: Settings) -> str | None:
    """The rule that auto-approves ``step``, or ``None`` when a person must decide."""
    if step.risk != "change" or not step.dry_run.ok:
        return None
    if step.namespace is None or step.namespace in settings.all_protected_namespaces:
        return None
    # `-n` means nothing to a cluster-scoped object: the dry-run must show that every object
    # the step touches really lives in the rule's namespace (so no ClusterRoleBinding, node, ...).
    objects = step.dry_run.objects
    if not step.dry_run.supported or not objects or any(obj.namespace != step.namespace for obj in objects):
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


def protected_refusal(
    verb: str, risk: str, namespaces: Iterable[str | None], settings: Settings
) -> str | None:
    """Why a destructive step in a protected namespace is refused outright, or ``None``.

    Ordinary changes there still go to a person (and are never auto-approved); a
    destructive one (delete a namespace, a PVC or by selector, drain, scale to zero, ...)
    is refused before anyone is asked, because one tired "yes" must not be able to break
    the cluster's own machinery. ``*`` (all namespaces) includes the protected ones.
    """
    if risk != "destructive":
        return None
    protected = settings.all_protected_namespaces
    named = {namespace for namespace in namespaces if namespace}
    hit = sorted(named & protected)
    if "*" in named:
        where = f"every namespace, including the protected ones ({', '.join(sorted(protected))})"
    elif hit:
        where = f"the protected namespace {', '.join(hit)}"
    else:
        return None
    return (
        f"refused by policy: `{verb}` is destructive and acts on {where}. Binks never runs"
        " destructive steps in protected namespaces (kube-system, kube-public, kube-node-lease and"
        " BINKS_PROTECTED_NAMESPACES), whatever the approval. Do not retry it: tell the person,"
        " who can do it outside Binks if it is really needed"
    )


def policy_rules(state: AgentState, plan: Plan, settings: Settings) -> list[str] | None:
    """The auto-approve rules that let ``plan`` through, or None when a person must decide.

    A plan that re-asks about a step whose outcome was uncertain after a crash (a note, or a
    step on its second attempt, also after an edit) always goes to a person: running it again
    may repeat a change, and only a person can judge that.
    """
    attempts = state.get("attempts") or {}
    if state.get("note") or any(attempts.get(step.id, 1) > 1 for step in plan.steps):
        return None
    return auto_approval(plan, settings)
