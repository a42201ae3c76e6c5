"""Which tools a task is shown: generated requests and questions, one tool per change asked for."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from binks.graph.toolsets import CHANGE_TOOLS, asks_for_change, intended, name_of, shown_for
from binks.tools.actions import action_specs
from binks.tools.find import find_spec
from binks.tools.registry import tool_specs

EVERY_TOOL: list[dict[str, Any]] = [*tool_specs(), find_spec(), *action_specs()]
READS = ["run_kubectl", "get_cluster_status", "find"]

names = st.from_regex(r"[a-z][a-z0-9]{1,8}(-[a-z0-9]{2,6}){0,2}", fullmatch=True).filter(
    lambda name: not intended(f"Do it to {name}.")  # a name that is itself no request word
)

# How people ask for each change (what the 1.5B model was asked, and more ways to say it).
REQUESTS: dict[str, list[str]] = {
    "scale": [
        "Scale {n} up to 4 replicas.",
        "We don't need so many {n} replicas any more; bring it down to 1.",
        "Run 3 instances of {n}.",
        "scale the {n} deployment down to zero",
    ],
    "set_image": [
        "Upgrade the {n} deployment to nginx:1.27.",
        "Switch {n} to the image registry.local/{n}:2.0.1",
        "The {n} deployment never becomes ready. Find out why and fix it; it should run nginx:1.27.",
    ],
    "set_resources": [
        "Set a CPU request of 100m on the {n} deployment.",
        "Give the {n} a memory limit of 256Mi.",
        "raise {n}'s memory to 1Gi",
    ],
    "rollback": [
        "The last rollout of the {n} deployment broke it. Roll it back.",
        "Undo the last change to {n}.",
        "Please revert {n} to the previous revision.",
    ],
    "restart": ["Restart the {n} deployment so it picks up its new settings.", "bounce {n}"],
    "set_selector": [
        "The {n} service has no endpoints. Fix it so it sends traffic to the {n} pods.",
        "Change the selector of service {n} to app={n}.",
    ],
    "label": ["Add the label team=payments to the {n} deployment.", "label {n} with tier=front"],
    "spawn_worker_agent": [
        "Start a deployment-verifier worker to check that the {n} deployment is rolled out.",
        "Have a code-reviewer worker review pull request 7 of {n}.",
    ],
    "create_configmap": ["Create a ConfigMap named {n} in the shop namespace with dark_mode=on."],
}
QUESTIONS = [
    "Which of the {n} deployments runs the most replicas?",
    "What version of redis does the {n} deployment run?",
    "How many replicas is the {n} deployment set to run?",
    "How many times has the {n} pod restarted?",
    "Which jobs failed?",
    "Why is the {n} pod not starting?",
    "What image does {n} run",
    "Is {n} running?",
    "Which deployment carries the label tier={n}?",
    "The {n} keeps restarting. What's wrong with it?",
]


def shown_names(task: str) -> list[str]:
    return [name_of(spec) for spec in shown_for(task, EVERY_TOOL)]


@given(st.sampled_from([(tool, phrase) for tool, phrases in REQUESTS.items() for phrase in phrases]), names)
def test_a_request_is_shown_the_tool_it_asks_for_and_not_the_tools_it_does_not(
    request: tuple[str, str], name: str
) -> None:
    tool, phrase = request
    task = phrase.format(n=name)
    shown = shown_names(task)
    assert asks_for_change(task)
    assert tool in shown, f"{task!r} is not shown {tool}"
    others = set(shown) & CHANGE_TOOLS - {tool}
    assert len(others) <= 1, f"{task!r} is shown {sorted(others)} besides {tool}"
    assert shown[:3] == READS, "the read tools first, in the same order: one cached prompt prefix"


@given(st.sampled_from(QUESTIONS), names)
def test_a_question_is_shown_no_change_tool(phrase: str, name: str) -> None:
    task = phrase.format(n=name)
    assert not asks_for_change(task), task
    assert not set(shown_names(task)) & CHANGE_TOOLS


@given(st.text(max_size=200))
def test_whatever_the_words_the_read_tools_come_first_and_only_named_changes_follow(task: str) -> None:
    shown = shown_names(task)
    assert shown[:3] == READS
    assert set(shown) & CHANGE_TOOLS <= intended(task)


def test_a_change_no_typed_tool_does_is_left_to_run_kubectl() -> None:
    for task in ["Delete the kube-system namespace, it is cluttering the list.", "cordon node pi-2"]:
        assert asks_for_change(task)
        assert shown_names(task) == READS


def test_worker_status_is_shown_only_to_tasks_about_workers() -> None:
    assert "check_agent_status" not in shown_names("Which jobs failed?")
    assert "check_agent_status" in shown_names("Is the code-reviewer worker done?")
    assert "check_agent_status" in shown_names("Start a deployment-verifier worker for orders.")


def test_a_request_put_as_a_question_is_still_a_request() -> None:
    assert "scale" in shown_names("Can you scale web up to 3 replicas?")


RESOURCE_FIELDS = {"cpu_request", "cpu_limit", "memory_request", "memory_limit"}


@given(
    st.sampled_from(["cpu", "memory"]),
    st.sampled_from(["request", "limit"]),
    st.sampled_from(["100m", "250m", "64Mi", "1Gi", "2"]),
    names,
)
def test_set_resources_shows_only_the_quantity_asked_for(
    resource: str, kind: str, amount: str, name: str
) -> None:
    """Shown four quantities, the 1.5B model set all four: it is shown the one the task names."""
    task = f"Set a {resource} {kind} of {amount} on the {name} deployment."
    (spec,) = [spec for spec in shown_for(task, EVERY_TOOL) if name_of(spec) == "set_resources"]
    shown = set(spec["function"]["parameters"]["properties"])
    assert shown & RESOURCE_FIELDS == {f"{resource}_{kind}"}
    assert "container" not in shown, "Binks finds the only container"
    assert spec["function"]["parameters"]["required"] == ["name"]


def test_set_resources_without_words_for_the_quantity_shows_them_all() -> None:
    (spec,) = [s for s in shown_for("Fix the resources of web.", EVERY_TOOL) if name_of(s) == "set_resources"]
    assert RESOURCE_FIELDS <= set(spec["function"]["parameters"]["properties"])
