"""What a small model does wrong, class by class, and what Binks does about it.

Each test drives the real graph with a scripted model whose answers are what the 1.5B
model was seen to write, against the real tool schemas (``tool_specs()`` plus the typed
tools), and checks what a person would notice: the answer, what ran, what was asked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import ToolMessage

from binks.graph.final import FINAL_KEY
from binks.graph.marks import REPEATED_KEY
from binks.graph.nodes.agent import REVIEWED_KEY
from binks.tools.registry import tool_specs
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness


class RealSpecsToolbox(FakeToolbox):
    """The fake cluster, with the tool schemas the model really sees."""

    def specs(self) -> list[dict[str, Any]]:
        return tool_specs()


def text_call(tool: str, **args: Any) -> str:
    return json.dumps({"name": tool, "arguments": args})


def kubectl(command: str) -> dict[str, Any]:
    return {"name": "run_kubectl", "args": {"command": command}}


def results(messages: list[Any]) -> list[str]:
    return [str(m.content) for m in messages if isinstance(m, ToolMessage)]


async def test_a_repeated_successful_call_is_answered_from_the_first_result(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    status = {"content": text_call("get_cluster_status")}
    script = [status, status, {"content": "The cluster has 1 ready node."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("How many nodes does the cluster have?")
        assert toolbox.reads == [("get_cluster_status", {})], "the repeat did not run"
        repeat = results(state["messages"])[-1]
        assert repeat.startswith("Not run again: this exact call already succeeded")
        assert "nodes: 1 ready" in repeat, "the model is shown the earlier result again"
        assert state["final_answer"] == "The cluster has 1 ready node."


async def test_spelled_differently_is_still_the_same_call(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    script = [
        {"tool_calls": [kubectl("get deploy -n shop")]},
        {"tool_calls": [kubectl("kubectl get deployments --namespace=shop")]},
        {"tool_calls": [kubectl("get deployment --namespace shop")]},
        {"content": "web runs 1 replica."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("what runs in shop?")
        assert len(toolbox.reads) == 1
        final = h.model.received[-1]
        assert "Stop calling tools now" in str(final[-1].content), "the second repeat asks for the answer"
        assert state["final_answer"].startswith("web runs 1 replica.")
        assert "kept asking for results it already had" in state["final_answer"]
        marked = [
            m
            for m in state["messages"]
            if isinstance(m, ToolMessage) and m.additional_kwargs.get(REPEATED_KEY)
        ]
        assert len(marked) == 2


async def test_a_loop_that_never_answers_still_ends_with_an_answer(tmp_path: Path) -> None:
    """25 calls to get_cluster_status, as seen: now two runs, then one answer without tools."""
    toolbox = RealSpecsToolbox()
    script = [{"content": text_call("get_cluster_status")}] * 25
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("How many nodes does the cluster have?")
        assert len(h.model.received) == 4, "one run, two repeats, then the answer without tools"
        assert toolbox.reads == [("get_cluster_status", {})]
        answer = state["final_answer"]
        assert "nodes: 1 ready" in answer, "a model that still calls tools gets the evidence as its answer"
        assert answer.strip() and "Stopped" not in answer


async def test_a_new_change_lets_the_same_read_run_again(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    look = {"tool_calls": [kubectl("get deployments -n shop")]}
    script = [
        look,
        {"tool_calls": [kubectl("scale deployment web -n shop --replicas=3")]},
        look,
        {"content": "3."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale web in shop to 3 and show it")
        state = await h.decide("approve")
        assert [name for name, _ in toolbox.reads] == ["run_kubectl", "run_kubectl"], (
            "read again after the change"
        )
        assert "replicas=3" in results(state["messages"])[-1]


async def test_two_calls_on_two_lines_both_run(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    two = text_call("get_cluster_status") + "\n" + text_call("run_kubectl", command="get deployments -n shop")
    async with open_harness(tmp_path, [{"content": two}, {"content": "web runs in shop."}], toolbox) as h:
        state = await h.ask("what runs in shop?")
        assert [name for name, _ in toolbox.reads] == ["get_cluster_status", "run_kubectl"]
        assert state["final_answer"] == "web runs in shop."


async def test_a_truncated_trailing_call_is_dropped_with_a_note(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    cut = text_call("run_kubectl", command="get deployments -n shop") + '\n{"name": "run_kubectl", "argu'
    async with open_harness(tmp_path, [{"content": cut}, {"content": "web runs in shop."}], toolbox) as h:
        state = await h.ask("what runs in shop?")
        assert len(toolbox.reads) == 1
        said = str(h.model.received[1][-2].content)
        assert "a tool call cut off at the end of the answer was dropped" in said
        assert state["final_answer"] == "web runs in shop."


async def test_giving_up_after_an_error_is_asked_to_try_again(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    script = [
        {"tool_calls": [kubectl("get deployment web -n default")]},
        {"content": "I'm sorry, I can't help with that."},
        {"tool_calls": [kubectl("get deployment web -n shop")]},
        {"content": "web runs 1 replica of nginx:1.25 in shop."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("how many replicas does web have?")
        ask_again = str(h.model.received[2][-1].content)
        assert ask_again.startswith(
            "Do not give up yet, and do not tell me what to run: run it. The call failed"
        )
        assert state["final_answer"] == "web runs 1 replica of nginx:1.25 in shop."
        retried = [m for m in state["messages"] if getattr(m, "response_metadata", {}).get(REVIEWED_KEY)]
        assert [m.response_metadata[REVIEWED_KEY] for m in retried] == ["recover"]


async def test_giving_up_is_accepted_after_the_recovery_budget(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    missing = [kubectl(f"get deployment web{n} -n default") for n in range(3)]
    sorry = {"content": "Sorry, I cannot find it."}
    script = [
        {"tool_calls": [missing[0]]},
        sorry,
        {"tool_calls": [missing[1]]},
        sorry,
        {"tool_calls": [missing[2]]},
    ]
    script += [sorry]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("how is web?")
        assert state["final_answer"] == "Sorry, I cannot find it."
        assert len(h.model.received) == 6, "asked again twice, then the answer stands"


async def test_a_policy_refusal_is_not_argued_with(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    script = [
        {"tool_calls": [kubectl("delete pvc data -n kube-system")]},
        {"content": "I can't: Binks refuses that."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("delete the data volume claim in kube-system")
        assert state["final_answer"] == "I can't: Binks refuses that."
        assert len(h.model.received) == 2 and toolbox.mutations == []


async def test_an_invented_object_is_asked_about_once(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    script = [
        {"tool_calls": [kubectl("get deployments -n shop")]},
        {"content": "The pod web-5d8f7-x2x9q is crashing."},
        {"content": "The pod web-5d8f7-x2x9q is crashing."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("is web healthy?")
        assert "your answer names web-5d8f7-x2x9q, which no tool result shows" in str(
            h.model.received[2][-1].content
        )
        assert len(h.model.received) == 3, "asked once; the second answer stands"
        assert state["final_answer"] == "The pod web-5d8f7-x2x9q is crashing."


async def test_a_typed_change_is_proposed_as_its_kubectl_command(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    scale = {"content": text_call("scale", name="web", namespace="shop", replicas=3)}
    async with open_harness(tmp_path, [scale, {"content": "web now runs 3 replicas."}], toolbox) as h:
        await h.ask("scale web in shop to 3")
        pending = await h.pending()
        (step,) = pending.plan.steps
        assert (step.tool, step.argv) == (
            "run_kubectl",
            ["scale", "deployment/web", "-n", "shop", "--replicas=3"],
        )
        assert toolbox.mutations == [], "nothing runs before the approval"
        state = await h.decide("approve")
        assert toolbox.mutations == [["scale", "deployment/web", "-n", "shop", "--replicas=3"]]
        assert "executed and verified" in state["final_answer"]


async def test_the_final_answer_without_tools_is_marked(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    looks = [{"tool_calls": [kubectl(f"get deployment web -n shop -o jsonpath={{.{n}}}")]} for n in "ab"]
    async with open_harness(tmp_path, [*looks, {"content": "web is fine."}], toolbox, max_steps=2) as h:
        state = await h.ask("look at web")
        final = state["messages"][-1]
        assert final.response_metadata[FINAL_KEY] == "bound"
        assert h.model.with_tools == [True, True, False], "the final answer is asked with no tools bound"


async def test_a_question_is_shown_the_read_tools_and_a_change_the_tools_it_names(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    script = [
        {"tool_calls": [kubectl("get deployments -n shop")]},
        {"content": "web."},
        {"tool_calls": [kubectl("scale deployment web -n shop --replicas=2")]},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("which deployments are in shop?")
        shown = [spec["function"]["name"] for spec in h.model.bound_tools]
        assert not {"scale", "spawn_worker_agent", "check_agent_status"} & set(shown)
        assert shown[:2] == ["run_kubectl", "get_cluster_status"]
        assert "find" in shown
        await h.ask("scale web in shop to 2")
        shown = [spec["function"]["name"] for spec in h.model.bound_tools]
        assert "scale" in shown and not {"set_image", "set_selector", "spawn_worker_agent"} & set(shown)
        assert shown[:2] == ["run_kubectl", "get_cluster_status"], "the same prefix"


async def test_a_change_that_changes_nothing_goes_back_to_the_model_not_to_a_person(tmp_path: Path) -> None:
    """Asked to add a label, the 1.5B model scaled the deployment to the count it already had."""
    toolbox = RealSpecsToolbox()
    script = [
        {"content": text_call("scale", name="web", namespace="shop", replicas=1)},
        {"tool_calls": [kubectl("label deployment web -n shop team=payments")]},
        {"content": "web now has the label team=payments."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("Add the label team=payments to web in shop.")
        told = results(h.model.received[1])[-1]
        assert "the dry-run shows this call changes nothing" in told
        pending = await h.pending()
        (step,) = pending.plan.steps
        assert step.argv is not None and step.argv[0] == "label", "only the real change reaches a person"
        state = await h.decide("approve")
        assert toolbox.mutations == [step.argv]
        assert "executed and verified" in state["final_answer"]


@dataclass(frozen=True)
class AskedAgain:
    """A final answer the answer check sends back: the task, what the model wrote, what it is told."""

    task: str
    script: list[dict[str, Any]]
    told: str
    final: str


READ_SHOP = {"tool_calls": [kubectl("get deployments -n shop")]}
ASKED_AGAIN = {
    "a number for which": AskedAgain(
        "Which deployment runs in shop?",
        [READ_SHOP, {"content": "1"}, {"content": "web, with 1 replica."}],
        "your answer names nothing the tool results show",
        "web, with 1 replica.",
    ),
    "another namespace": AskedAgain(
        "is the deployment in shop ok?",
        [
            {"tool_calls": [{"name": "get_cluster_status", "args": {}}]},
            {"content": "coredns in kube-system is pending."},
            {"content": "web in shop runs 1 replica."},
        ],
        "the question is about namespace shop, but your answer is about kube-system",
        "web in shop runs 1 replica.",
    ),
    "what to run, after an error": AskedAgain(
        "how many replicas does web have?",
        [
            {"tool_calls": [kubectl("get deployment web -n default")]},
            {"content": "You can check it with:\n```sh\nkubectl get deployments -A\n```"},
            {"tool_calls": [kubectl("get deployment web -n shop")]},
            {"content": "web runs 1 replica in shop."},
        ],
        "do not tell me what to run: run it",
        "web runs 1 replica in shop.",
    ),
    "a command handed over": AskedAgain(
        "what image does web in shop run?",
        [
            READ_SHOP,
            {"content": "To see the image, run:\n```sh\nkubectl get deployment web -n shop -o wide\n```"},
            {"tool_calls": [kubectl("get deployment web -n shop -o wide")]},
            {"content": "web runs nginx:1.25."},
        ],
        "Do not tell me what to run: call the tool yourself now",
        "web runs nginx:1.25.",
    ),
    # Seen: two refused reads, then "The gateway is configured with a log level of INFO".
    "only failed calls": AskedAgain(
        "What log level is web configured with?",
        [
            {"tool_calls": [kubectl("get configmaps -n shop | grep LOG_LEVEL")]},
            {"content": "web is configured with a log level of INFO."},
            READ_SHOP,
            {"content": "web runs 1 replica; its log level is not in the deployment."},
        ],
        "none of your calls ran (each was refused or misspelled)",
        "web runs 1 replica; its log level is not in the deployment.",
    ),
    # Seen: "The shop's deployment with the most replicas is `eval-shop-deployment`".
    "a quoted name no tool returned": AskedAgain(
        "Which deployment in shop runs the most replicas?",
        [
            READ_SHOP,
            {"content": "Not web: the one with the most replicas is `shop-web-deployment` with 3."},
            {"content": "web, with 1 replica."},
        ],
        "names shop-web-deployment, which no tool result shows",
        "web, with 1 replica.",
    ),
}
for name, (echo, told) in {
    "the question echoed": ("How many replicas does web have?", "your answer repeats the question"),
    "a call in a fence": (
        '```\n{"command": "get deployments -A -o jsonpath=\'{.items[*].metadata.name}\'"}\n```',
        "not an answer in words for the person",
    ),
    "a tool response echoed": (
        "<tool_response>\n(kubectl printed nothing: no object matched)\n</tool_response>",
        "not an answer in words for the person",
    ),
    "a JSON result": ('[{"name": "web", "replicas": 1}]', "not an answer in words for the person"),
}.items():
    ASKED_AGAIN[name] = AskedAgain(
        "How many replicas does web have?",
        [READ_SHOP, {"content": echo}, {"content": "web has 1 replica."}],
        told,
        "web has 1 replica.",
    )


@pytest.mark.parametrize("case", list(ASKED_AGAIN.values()), ids=list(ASKED_AGAIN))
async def test_an_answer_that_fails_the_check_is_asked_again_saying_why(
    tmp_path: Path, case: AskedAgain
) -> None:
    async with open_harness(tmp_path, case.script, RealSpecsToolbox()) as h:
        state = await h.ask(case.task)
        assert case.told in str(h.model.received[2][-1].content)
        assert state["final_answer"] == case.final


async def test_a_final_answer_that_is_only_a_call_becomes_the_evidence(tmp_path: Path) -> None:
    toolbox = RealSpecsToolbox()
    looks = [{"tool_calls": [kubectl(f"get deployment web -n shop -o jsonpath={{.{n}}}")]} for n in "ab"]
    call = {"content": '```\n{"command": "get deployments -A"}\n```'}
    async with open_harness(tmp_path, [*looks, call], toolbox, max_steps=2) as h:
        state = await h.ask("look at web")
        assert state["final_answer"].startswith(
            "The model gave no final answer. What the tools returned last"
        )


async def test_an_answer_still_only_data_after_asking_again_is_replaced_by_the_results(
    tmp_path: Path,
) -> None:
    """The 1.5B model answered a log-level question with ``{"logLevel": "info"}``, made up, twice."""
    toolbox = RealSpecsToolbox()
    made_up = {"content": '```\n{\n  "logLevel": "info"\n}\n```'}
    script = [{"tool_calls": [kubectl("get deployments -n shop")]}, made_up, made_up]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("What log level is web configured with?")
        answer = state["final_answer"]
        assert "logLevel" not in answer and "info" not in answer.split("(")[0]
        assert answer.startswith("The model gave no final answer. What the tools returned last")
        assert "shop/web replicas=1" in answer, "the results themselves"
        assert "answered with data only" in answer


async def test_the_question_echoed_twice_is_replaced_by_the_results(tmp_path: Path) -> None:
    """Seen: "What log level is the gateway configured with?" as the answer, after asking again."""
    toolbox = RealSpecsToolbox()
    echo = {"content": "What log level is web configured with?"}
    script = [{"tool_calls": [kubectl("get deployments -n shop")]}, echo, echo]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("What log level is web configured with?")
        assert state["final_answer"].startswith(
            "The model gave no final answer. What the tools returned last"
        )
        assert "shop/web replicas=1" in state["final_answer"]
        assert "or with the question itself" in state["final_answer"]
