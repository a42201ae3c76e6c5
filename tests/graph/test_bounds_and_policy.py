"""Runs end with a clear message at their bounds; only explicit, scoped rules skip the question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from binks.graph.builder import recursion_limit
from binks.graph.plan import Plan, Step
from binks.graph.policy import auto_approval, protected_refusal
from binks.settings import load_settings
from binks.tools.models import DryRun, ObjectRef
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness


def kubectl(command: str) -> dict[str, Any]:
    return {"name": "run_kubectl", "args": {"command": command}}


GET = kubectl("kubectl get deployments -n shop")
SCALE = kubectl("kubectl scale deployment web --replicas=3 -n shop")


async def test_max_steps_ends_the_run_with_the_best_answer_and_what_was_not_checked(tmp_path: Path) -> None:
    looks = [
        {"tool_calls": [kubectl(f"kubectl get deployment web -n shop -o jsonpath={{.{n}}}")]} for n in "abc"
    ]
    missing = {"tool_calls": [kubectl("kubectl get deployment nope -n shop")]}
    script = [looks[0], missing, looks[1], {"content": "web runs 1 replica of nginx:1.25."}]
    async with open_harness(tmp_path, script, FakeToolbox(), max_steps=3) as h:
        state = await h.ask("keep looking")
        assert len(h.model.received) == 4
        final = h.model.received[3]
        assert "Stop calling tools now" in str(final[-1].content), "the last turn asks for the answer"
        assert state["final_answer"].startswith("web runs 1 replica of nginx:1.25.")
        assert "after 3 model turns (BINKS_MAX_STEPS)" in state["final_answer"]
        assert (
            "Not checked (these calls failed): `kubectl get deployment nope -n shop`" in state["final_answer"]
        )
        assert (await h.graph.aget_state(h.config)).next == ()


async def test_max_replans_ends_the_run_after_too_many_rejections(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [SCALE]}] * 5
    async with open_harness(tmp_path, script, toolbox, max_replans=1) as h:
        await h.ask("scale web")
        await h.decide("reject", reason="no")
        state = await h.decide("reject", reason="still no")
        assert "2 plans were rejected or failed (BINKS_MAX_REPLANS=1)" in state["final_answer"]
        assert toolbox.mutations == []
        assert (await h.graph.aget_state(h.config)).next == ()
        assert len(h.model.received) == 3, "two plans, then the answer asked for with no tools"
        assert h.model.with_tools[-1] is False


async def test_failed_dry_run_goes_back_to_the_model_not_to_a_person(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [
        {"tool_calls": [kubectl("kubectl scale deployment nope --replicas=2 -n shop")]},
        {"content": "There is no deployment called nope."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("scale nope")
        assert "approval_required" not in h.names()
        assert 'deployments.apps \\"nope\\" not found' in str(h.model.received[1][-1].content)
        assert state["final_answer"] == "There is no deployment called nope."
        assert state["replans"] == 1


async def test_a_new_task_in_the_same_thread_starts_with_fresh_counters(tmp_path: Path) -> None:
    other = kubectl("kubectl get deployments -A")
    script = [
        {"tool_calls": [GET]},
        {"tool_calls": [other]},
        {"content": "first"},
        {"content": "second answer"},
    ]
    async with open_harness(tmp_path, script, FakeToolbox(), max_steps=2) as h:
        first = await h.ask("one")
        assert "BINKS_MAX_STEPS" in first["final_answer"]
        second = await h.ask("two")
        assert second["final_answer"] == "second answer"
        assert second["turns"] == 1


async def test_auto_approve_rule_skips_the_question_for_its_scope_only(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [SCALE]}, {"content": "done"}]
    async with open_harness(tmp_path, script, toolbox, auto_approve=["scale:shop"]) as h:
        state = await h.ask("scale web")
        assert toolbox.mutations == [["scale", "deployment", "web", "--replicas=3", "-n", "shop"]]
        assert "approval_required" not in h.names()
        decided = next(e for e in h.events if e["event"] == "approval_decided")
        assert decided["data"]["by"] == "policy"
        assert decided["data"]["rules"] == ["scale:shop"]
        assert "executed and verified" in state["final_answer"]


async def test_protected_namespace_always_asks_even_with_a_rule(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [kubectl("kubectl scale deployment coredns --replicas=3 -n kube-system")]}]
    async with open_harness(tmp_path, script, toolbox, auto_approve=["scale:kube-system"]) as h:
        await h.ask("scale coredns")
        assert (await h.pending()).plan.steps[0].namespace == "kube-system"
        assert toolbox.mutations == []


def step(
    verb: str,
    namespace: str | None,
    risk: str = "change",
    ok: bool = True,
    touches: str | None = "same",
    supported: bool = True,
) -> Step:
    """A step whose dry-run reports one object in ``touches`` ("same": the step's namespace).

    ``touches="nothing"``: the dry-run reports no object at all.
    """
    objects = [
        ObjectRef(
            api_version="apps/v1",
            kind="Deployment" if touches is not None else "ClusterRoleBinding",
            name="web",
            namespace=namespace if touches == "same" else touches,
            action="update",
        )
    ][: 0 if touches == "nothing" else 1]
    return Step.model_validate(
        {
            "id": "s1",
            "tool": "run_kubectl",
            "args": {},
            "argv": [verb],
            "namespace": namespace,
            "verb": verb,
            "risk": risk,
            "dry_run": DryRun(ok=ok, message="", objects=objects, supported=supported),
        }
    )


@pytest.mark.parametrize(
    ("steps", "rules", "expected"),
    [
        ([step("scale", "shop")], [], None),  # no rules: always ask
        ([step("scale", "shop")], ["scale:shop"], ["scale:shop"]),
        ([step("scale", "shop")], ["scale:other"], None),
        ([step("delete", "shop")], ["scale:shop"], None),
        ([step("delete", "shop", risk="destructive")], ["delete:shop"], None),  # destructive asks
        ([step("scale", "kube-system")], ["scale:kube-system"], None),  # protected asks
        ([step("scale", "vault")], ["scale:vault"], None),  # configured protected
        ([step("scale", None)], ["scale:shop"], None),  # cluster-scoped asks
        ([step("scale", "shop", ok=False)], ["scale:shop"], None),
        ([step("scale", "shop"), step("delete", "shop")], ["scale:shop"], None),  # every step must match
        # `-n shop` on a cluster-scoped object (a ClusterRoleBinding) or another namespace's object
        ([step("create", "shop", touches=None)], ["create:shop"], None),
        ([step("apply", "shop", touches="other")], ["apply:shop"], None),
        # a dry-run that shows nothing, or that kubectl cannot do, proves nothing about where
        ([step("apply", "shop", touches="nothing")], ["apply:shop"], None),
        ([step("apply", "shop", supported=False)], ["apply:shop"], None),
    ],
)
def test_policy(steps: list[Step], rules: list[str], expected: list[str] | None) -> None:
    settings = load_settings(env_file=None, auto_approve=rules, protected_namespaces=["vault"])
    assert auto_approval(Plan(steps=steps, summary=""), settings) == expected


def test_the_protected_refusal_names_where_and_says_not_to_retry() -> None:
    settings = load_settings(env_file=None, protected_namespaces=["vault"])
    rule = (
        " Binks never runs destructive steps in protected namespaces (kube-system, kube-public,"
        " kube-node-lease and BINKS_PROTECTED_NAMESPACES), whatever the approval. Do not retry it:"
        " tell the person, who can do it outside Binks if it is really needed"
    )
    one = protected_refusal("delete", "destructive", ["shop", "vault", "kube-system"], settings)
    assert one == (
        "refused by policy: `delete` is destructive and acts on the protected namespace"
        " kube-system, vault." + rule
    )
    every = protected_refusal("drain", "destructive", ["*"], settings)
    assert every == (
        "refused by policy: `drain` is destructive and acts on every namespace, including the"
        " protected ones (kube-node-lease, kube-public, kube-system, vault)." + rule
    )
    assert protected_refusal("scale", "change", ["kube-system"], settings) is None
    assert protected_refusal("delete", "destructive", ["shop", None], settings) is None


def test_recursion_limit_is_above_what_the_bounds_allow() -> None:
    settings = load_settings(env_file=None, max_steps=25, max_replans=3)
    assert recursion_limit(settings) >= 8 * 25


def test_a_step_asked_again_after_a_crash_is_never_auto_approved() -> None:
    from binks.graph.policy import policy_rules
    from binks.graph.state import AgentState

    settings = load_settings(env_file=None, auto_approve=["scale:shop"])
    plan = Plan(steps=[step("scale", "shop")], summary="")
    assert policy_rules(AgentState(), plan, settings) == ["scale:shop"]
    assert policy_rules(AgentState(note="uncertain: check the cluster"), plan, settings) is None
    # after an edit the note is gone, but the step is still on its second attempt
    assert policy_rules(AgentState(attempts={"s1": 2}), plan, settings) is None
