"""What the graph does when a small model answers instead of looking, repeats itself, and so on.

Also: invented tool names, destructive requests in protected namespaces, the cluster
context in the prompt. The real graph, a scripted model and a real SQLite checkpointer in ``tmp_path``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import AIMessage, SystemMessage

from binks.graph.guards import NUDGED_KEY, UNCHECKED_NOTE, about_cluster, suggests_command
from binks.graph.prompts import SYSTEM_PROMPT
from binks.graph.repeats import FAILURE_LIMIT
from binks.tools.models import DryRun, ObjectRef, ProposedChange
from binks.tools.registry import tool_specs
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness


def kubectl(command: str) -> dict[str, Any]:
    return {"name": "run_kubectl", "args": {"command": command}}


EXPLAINED = "To see the pods, you can run:\n```bash\nkubectl get pods -n shop\n```"


@pytest.mark.parametrize(
    "text",
    [
        EXPLAINED,
        "You can run `kubectl get deploy -n shop` to see it.",
        "Try kubectl describe pod web -n shop for details.",
        "$ kubectl get nodes\n",
    ],
)
def test_an_explained_command_is_recognised(text: str) -> None:
    assert suggests_command(text)


@pytest.mark.parametrize("text", ["web has 3 replicas, all ready.", "I checked with the tools: 2 nodes."])
def test_a_plain_answer_is_not_an_explained_command(text: str) -> None:
    assert not suggests_command(text)


def test_cluster_questions_are_told_from_small_talk() -> None:
    assert about_cluster("how many pods run in shop?")
    assert about_cluster("is the cluster healthy")
    assert not about_cluster("hello, who are you?")


async def test_explaining_instead_of_running_is_nudged_once_and_the_call_runs(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [
        {"content": EXPLAINED},
        {"tool_calls": [kubectl("get deployments -n shop")]},
        {"content": "web runs 1 replica in shop."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("what runs in shop?")
        nudge = str(h.model.received[1][-1].content)
        assert "Do not tell me what could be run: call the tool yourself" in nudge
        assert toolbox.reads == [("run_kubectl", {"command": "get deployments -n shop"})]
        assert state["final_answer"] == "web runs 1 replica in shop."
        nudged = [
            m for m in state["messages"] if isinstance(m, AIMessage) and NUDGED_KEY in m.response_metadata
        ]
        assert [m.response_metadata[NUDGED_KEY] for m in nudged] == ["explained"]
        assert state["turns"] == 2, "the nudge belongs to the turn it corrects"


async def test_the_second_explanation_stands_with_a_note(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"content": EXPLAINED}, {"content": EXPLAINED}]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("which pods run in shop?")
        assert len(h.model.received) == 2, "nudged once, never twice"
        assert state["final_answer"].startswith("To see the pods")
        assert UNCHECKED_NOTE in state["final_answer"]
        assert toolbox.reads == []


async def test_an_unchecked_cluster_answer_is_nudged_to_look(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [
        {"content": "All 5 pods are running fine."},
        {"tool_calls": [{"name": "get_cluster_status", "args": {}}]},
        {"content": "1 node ready, 3 pods running."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("are my pods healthy?")
        assert "You answered without checking the cluster" in str(h.model.received[1][-1].content)
        assert toolbox.reads == [("get_cluster_status", {})]
        assert state["final_answer"] == "1 node ready, 3 pods running."


async def test_small_talk_is_neither_nudged_nor_annotated(tmp_path: Path) -> None:
    async with open_harness(tmp_path, [{"content": "Hello! I am Binks."}], FakeToolbox()) as h:
        state = await h.ask("hello, who are you?")
        assert state["final_answer"] == "Hello! I am Binks."
        assert len(h.model.received) == 1


async def test_an_answer_after_a_tool_call_is_not_nudged(tmp_path: Path) -> None:
    script = [
        {"tool_calls": [kubectl("get deployments -n shop")]},
        {"content": "web runs there, with 1 replica."},
    ]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        state = await h.ask("what runs in shop?")
        assert state["final_answer"] == "web runs there, with 1 replica."
        assert len(h.model.received) == 2


async def test_a_repeated_failing_call_is_stopped_then_the_answer_is_asked_for(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    missing = kubectl("get deployment nope -n shop")
    script = [{"tool_calls": [missing]}] * 4 + [{"content": "nope does not exist in shop."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("how is nope?")
        results = [str(messages[-1].content) for messages in h.model.received[1:]]
        assert "not found" in results[0] and "failed" not in results[0]
        assert f"This exact call has now failed {FAILURE_LIMIT} times. Do not repeat it" in results[1]
        assert results[2].startswith(f"Not run: this exact call already failed {FAILURE_LIMIT} times")
        assert len(toolbox.reads) == FAILURE_LIMIT, "a known failure is not run again"
        assert len(h.model.received) == 5
        assert "Stop calling tools now" in str(h.model.received[4][-1].content)
        assert state["final_answer"].startswith("nope does not exist in shop.")
        assert (
            "kept repeating a call that fails (`kubectl get deployment nope -n shop`)"
            in state["final_answer"]
        )
        assert (await h.graph.aget_state(h.config)).next == ()
        repeated = [e for e in h.events if e["event"] == "tool_result" and e["data"].get("repeated")]
        assert len(repeated) == 2


async def test_a_changed_call_is_not_a_repeat(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [
        {"tool_calls": [kubectl("get deployment nope -n shop")]},
        {"tool_calls": [kubectl("kubectl  get deployment nope  -n shop")]},
        {"tool_calls": [kubectl("get deployments -n shop")]},
        {"content": "There is only web."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("how is nope?")
        assert "failed 2 times" in str(h.model.received[2][-1].content), "spacing and 'kubectl' do not matter"
        assert state["final_answer"] == "There is only web."
        assert len(toolbox.reads) == 3


async def test_repeated_refusals_count_as_failures(tmp_path: Path) -> None:
    piped = kubectl("get pods -n shop | grep web")
    async with open_harness(tmp_path, [{"tool_calls": [piped]}] * 5, FakeToolbox()) as h:
        state = await h.ask("is web running?")
        assert "kept repeating a call that fails" in state["final_answer"]
        assert len(h.model.received) == 5
        # the fifth answer, asked with no tools, was another call: the answer is the evidence
        assert state["final_answer"].startswith("The model gave no final answer.")


async def test_failures_are_counted_per_task(tmp_path: Path) -> None:
    missing = kubectl("get deployment nope -n shop")
    script = [
        {"tool_calls": [missing]},
        {"content": "not there"},
        {"tool_calls": [missing]},
        {"content": "still not"},
    ]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        await h.ask("how is nope?")
        state = await h.ask("and now, how is the nope deployment?")
        assert "failed" not in str(h.model.received[3][-1].content)
        assert state["final_answer"] == "still not"


@pytest.mark.parametrize(
    ("name", "args", "real"),
    [
        ("kubectl_get", {"command": "get pods -n shop"}, "run_kubectl"),
        ("bash", {"command": "kubectl get pods -n shop"}, "run_kubectl"),
        ("cluster_status", {}, "get_cluster_status"),
    ],
)
async def test_an_invented_tool_name_maps_to_the_one_real_tool(
    tmp_path: Path, name: str, args: dict[str, Any], real: str
) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [{"name": name, "args": args}]}, {"content": "web runs in shop."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("what runs in shop?")
        assert toolbox.reads == [(real, args)]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("get_pods", {"namespace": "shop"}),  # no real tool near the name
        ("status", {}),  # two tools end in _status: ambiguous
        ("bash", {"command": "ls -la"}),  # not a kubectl command
        ("kubectl_get", {"namespace": "shop"}),  # the near tool, but the arguments do not fit
    ],
)
async def test_an_unmappable_tool_name_is_an_error_listing_the_tools(
    tmp_path: Path, name: str, args: dict[str, Any]
) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [{"name": name, "args": args}]}, {"content": "I cannot tell."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("hello there")
        correction = str(h.model.received[1][-1].content)
        tools = ", ".join(spec["function"]["name"] for spec in tool_specs())  # what the model is given
        assert f"Available tools: {tools}" in correction
        assert toolbox.reads == []


async def test_destructive_step_in_a_protected_namespace_is_refused_before_any_question(
    tmp_path: Path,
) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [kubectl("delete pvc data -n kube-system")]}, {"content": "I will not do that."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        state = await h.ask("delete the data pvc in kube-system")
        assert "approval_required" not in h.names() and "plan_proposed" not in h.names()
        result = str(h.model.received[1][-1].content)
        assert "refused by policy" in result and "protected namespace kube-system" in result
        refused = next(e for e in h.events if e["event"] == "tool_result")
        assert refused["data"]["refused_by"] == "protected_namespace"
        assert toolbox.mutations == []
        assert state["final_answer"] == "I will not do that."


async def test_an_ordinary_change_in_a_protected_namespace_still_asks(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [{"tool_calls": [kubectl("scale deployment coredns --replicas=3 -n kube-system")]}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale coredns")
        assert (await h.pending()).plan.steps[0].namespace == "kube-system"


async def test_destructive_step_elsewhere_still_asks(tmp_path: Path) -> None:
    script = [{"tool_calls": [kubectl("delete pvc data -n shop")]}]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        await h.ask("delete the data pvc in shop")
        assert (await h.pending()).plan.steps[0].risk == "destructive"


class DefaultNamespaceToolbox(FakeToolbox):
    """The kubeconfig's default namespace is kube-system: only the dry-run shows where it acts."""

    async def propose(
        self, name: str, args: dict[str, Any], *, thread_id: str, step_id: str
    ) -> ProposedChange:
        change = await super().propose(name, args, thread_id=thread_id, step_id=step_id)
        touched = ObjectRef(
            api_version="v1", kind="Pod", name="dns-1", namespace="kube-system", action="delete"
        )
        dry_run = DryRun(ok=True, message="deleted (server dry run)", objects=[touched])
        return change.model_copy(update={"namespace": None, "risk": "destructive", "dry_run": dry_run})


async def test_the_dry_run_objects_reveal_a_protected_namespace(tmp_path: Path) -> None:
    toolbox = DefaultNamespaceToolbox()
    script = [
        {"tool_calls": [kubectl("delete pods -l k8s-app=dns")]},
        {"content": "Refused, as it should be."},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("delete the dns pods")
        assert "approval_required" not in h.names()
        assert "protected namespace kube-system" in str(h.model.received[1][-1].content)
        assert toolbox.mutations == []


async def test_the_prompt_carries_the_cluster_context_read_once_per_task(tmp_path: Path) -> None:
    toolbox = FakeToolbox()
    script = [
        {"tool_calls": [kubectl("get deployments -n shop")]},
        {"content": "web."},
        {"content": "hi"},
    ]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("which deployments exist?")
        system, context = h.model.received[0][:2]
        assert isinstance(system, SystemMessage) and isinstance(context, SystemMessage)
        assert system.content == SYSTEM_PROMPT, "the first message is the same in every task (prompt cache)"
        assert context.content == "Cluster: context fake; namespaces: shop, kube-system."
        assert h.model.received[1][1].content == context.content
        assert toolbox.context_reads == 1
        await h.ask("hello")
        assert toolbox.context_reads == 2
