"""``expect`` reads RE2 like k8s-ai-bench, and the pass rule is theirs unless a task asks for both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binks.eval.runner import AgentRun, Approvals, RunOptions, run_task
from binks.eval.tasks import Expectation, load_task
from binks.tools.locate import find_kubectl
from tests.fakes.kube_api import KubeApi


@pytest.mark.parametrize(
    ("pattern", "answer", "holds"),
    [
        ("(?i)no pods", "There are No Pods in eval-x.", True),
        ("no pods", "There are No Pods in eval-x.", False),
        (r"\bweb\b", "the web deployment", True),
        (r"\bweb\b", "the webapp deployment", False),
        ("[0-9]+ replicas", "it has 3 replicas", True),
        ("nginx:1\\.27", "runs nginx:1.27", True),
        ("nginx:1\\.27", "runs nginx:1x27", False),
        ("(?i)(pending|unschedulable)", "The pod is Unschedulable: 0/2 nodes", True),
    ],
)
def test_contains_is_an_re2_search(pattern: str, answer: str, holds: bool) -> None:
    assert (Expectation(contains=pattern).failure(answer) is None) is holds
    assert (Expectation.model_validate({"notContains": pattern}).failure(answer) is None) is not holds


def test_a_pattern_re2_rejects_is_a_failed_expectation_that_names_it() -> None:
    failure = Expectation(contains="web(?=-)").failure("web-1")
    assert failure is not None and failure.startswith("invalid regex 'web(?=-)' in the task")


@given(literal=st.text(min_size=1, max_size=20), before=st.text(max_size=10), after=st.text(max_size=10))
def test_an_escaped_literal_matches_exactly_where_it_occurs(literal: str, before: str, after: str) -> None:
    pattern = re.escape(literal)
    assert Expectation(contains=pattern).failure(before + literal + after) is None
    if literal not in before + after:
        assert Expectation(contains=pattern).failure(before + after) is not None


class Answers:
    """An agent that answers and changes nothing."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    async def run(self, prompts: list[str], *, approvals: Approvals) -> AgentRun:
        return AgentRun(answer=self.answer, thread_id="t-1", turns=1)

    async def stopped(self) -> AgentRun | None:
        return None


def _task(folder: Path, verifier_exit: int, rule: str = "any") -> Path:
    folder.mkdir(parents=True)
    (folder / "verify.sh").write_text(f"exit {verifier_exit}\n")
    (folder / "task.yaml").write_text(
        "goal: how many pods?\nverifier: verify.sh\nexpect:\n  - contains: '(?i)no pods'\n"
        f"binks:\n  pass: {rule}\n"
    )
    return folder


@pytest.mark.parametrize(
    ("verifier_exit", "answer", "rule", "outcome"),
    [
        (0, "There are no pods.", "any", "pass"),
        (0, "Three pods.", "any", "pass"),  # k8s-ai-bench: the verifier is enough
        (1, "There are No pods.", "any", "pass"),  # k8s-ai-bench: so are the expectations
        (1, "Three pods.", "any", "fail"),
        (0, "Three pods.", "all", "fail"),
        (1, "There are no pods.", "all", "fail"),
        (0, "There are no pods.", "all", "pass"),
    ],
)
async def test_the_pass_rule(
    kube_api: KubeApi, tmp_path: Path, verifier_exit: int, answer: str, rule: str, outcome: str
) -> None:
    task = load_task(_task(tmp_path / "t", verifier_exit, rule))
    options = RunOptions(kubeconfig=kube_api.kubeconfig, kubectl=find_kubectl(), script_timeout_s=30)
    result = await run_task(task, Answers(answer), options)
    assert result.outcome == outcome, result.reasons
    assert (result.verifier_ok, result.expectations_ok) == (verifier_exit == 0, "no pods" in answer.lower())
