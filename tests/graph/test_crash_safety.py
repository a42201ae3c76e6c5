"""A crash inside execute never repeats a change: intents, reconcile, and asking again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from binks.errors import ClusterError
from binks.graph.nodes.execute import APPLIED_BEFORE
from binks.graph.state import intent_key
from tests.fakes.toolbox import FakeToolbox
from tests.graph.crash_worker import SCALE, FileToolbox
from tests.graph.harness import open_harness

ARGV = ["scale", "deployment", "web", "--replicas=3", "-n", "shop"]
REPO = Path(__file__).resolve().parents[2]


def crash_worker(state_dir: Path, cluster: Path, when: str, durability: str = "sync") -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.graph.crash_worker", str(state_dir), str(cluster), when, durability],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 137, done.stderr


@pytest.mark.slow
async def test_process_killed_after_the_change_resumes_without_repeating_it(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.json"
    crash_worker(tmp_path, cluster, "after")
    toolbox = FileToolbox.load(cluster)
    assert toolbox.mutations == [ARGV]

    async with open_harness(tmp_path, [{"content": "Scaled web to 3."}], toolbox) as h:
        before = await h.graph.aget_state(h.config)
        assert before.next == ("execute",)
        key = intent_key("s1", 1, before.values["plan_id"])
        record = await h.intents.get("t1", key, str(before.values["plan_hash"]))
        assert record is not None and record.result is None, "intent written, result not"
        state = await h.run(None)
        audited = await h.audit.entries()
    assert toolbox.mutations == [ARGV], "the change ran exactly once"
    assert "executed and verified" in state["final_answer"]
    assert APPLIED_BEFORE in str(state["history"][0]["result"]["output"])
    assert [(e.kind, e.step_id, e.outcome, e.detail_json().get("reconciled")) for e in audited] == [
        ("mutation", "s1", "ok", True)
    ]


@pytest.mark.slow
async def test_without_sync_durability_a_lost_approval_is_asked_again_and_not_repeated(
    tmp_path: Path,
) -> None:
    # With durability="async" the checkpoint after approve may not be on disk when the
    # process dies inside execute: the person may be asked again, but the intent record
    # still stops the change from running twice.
    cluster = tmp_path / "cluster.json"
    crash_worker(tmp_path, cluster, "after", durability="async")
    toolbox = FileToolbox.load(cluster)
    assert toolbox.mutations == [ARGV]
    async with open_harness(tmp_path, [{"content": "Scaled web to 3."}], toolbox) as h:
        state = await h.run(None)
        if (await h.graph.aget_state(h.config)).interrupts:
            state = await h.decide("approve")
    assert toolbox.mutations == [ARGV]
    assert "executed and verified" in state["final_answer"]


@pytest.mark.slow
async def test_process_killed_before_the_change_runs_it_once_on_resume(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.json"
    crash_worker(tmp_path, cluster, "before")
    toolbox = FileToolbox.load(cluster)
    assert toolbox.mutations == []
    async with open_harness(tmp_path, [{"content": "Scaled."}], toolbox) as h:
        state = await h.run(None)
    assert toolbox.mutations == [ARGV]
    assert "executed and verified" in state["final_answer"]


async def test_error_after_the_change_then_fresh_process_does_not_repeat_it(tmp_path: Path) -> None:
    toolbox = FakeToolbox(crash_after_mutation=1)
    async with open_harness(tmp_path, [{"tool_calls": [SCALE]}], toolbox) as h:
        await h.ask("scale web to 3")
        with pytest.raises(ClusterError, match="simulated crash"):
            await h.decide("approve")
    assert toolbox.mutations == [ARGV]
    async with open_harness(tmp_path, [{"content": "Done."}], toolbox) as h:
        state = await h.run(None)
    assert toolbox.mutations == [ARGV]
    assert "executed and verified" in state["final_answer"]


async def test_unknown_outcome_goes_back_to_the_person_and_reject_leaves_it(tmp_path: Path) -> None:
    toolbox = FakeToolbox(crash_after_mutation=1)
    async with open_harness(tmp_path, [{"tool_calls": [SCALE]}, {"content": "Left it."}], toolbox) as h:
        await h.ask("scale web to 3")
        first = await h.pending()
        with pytest.raises(ClusterError):
            await h.decide("approve")
        toolbox.reconcile_says = "unknown"
        await h.run(None)
        again = await h.pending()
        assert again.interrupt_id != first.interrupt_id
        assert again.note is not None and "cannot tell whether it landed" in again.note
        assert toolbox.mutations == [ARGV], "an uncertain step is never run automatically"
        state = await h.decide("reject", reason="I will check by hand")
    assert toolbox.mutations == [ARGV]
    assert "UNCERTAIN" in state["final_answer"]


async def test_unknown_outcome_reapproved_runs_under_a_new_intent(tmp_path: Path) -> None:
    toolbox = FakeToolbox(crash_after_mutation=1)
    async with open_harness(tmp_path, [{"tool_calls": [SCALE]}, {"content": "Ran it again."}], toolbox) as h:
        await h.ask("scale web to 3")
        with pytest.raises(ClusterError):
            await h.decide("approve")
        toolbox.reconcile_says = "unknown"
        await h.run(None)
        again = await h.pending()
        state = await h.decide("approve")
        plan_id = (await h.graph.aget_state(h.config)).values["plan_id"]
        record = await h.intents.get("t1", intent_key("s1", 2, plan_id), again.plan_hash)
        assert record is not None and record.result is not None
    assert toolbox.mutations == [ARGV, ARGV], "the person explicitly approved running it again"
    assert "executed and verified" in state["final_answer"]


async def test_the_same_change_approved_again_later_in_the_thread_runs_again(tmp_path: Path) -> None:
    # A record of an earlier approval of an identical plan must not stand in for a new one:
    # the person scaled web back down by hand and asked again, or fixed RBAC and retried.
    toolbox = FakeToolbox(fail_execute={"web"})
    script = [{"tool_calls": [SCALE]}, {"content": "It failed."}, {"tool_calls": [SCALE]}, {"content": "Ok."}]
    async with open_harness(tmp_path, script, toolbox) as h:
        await h.ask("scale web to 3")
        first = await h.decide("approve")
        assert "FAILED" in first["final_answer"] and toolbox.mutations == []
        toolbox.fail_execute.clear()  # the cause is fixed
        await h.ask("try again")
        state = await h.decide("approve")
    assert toolbox.mutations == [ARGV], "the second approval ran the change"
    assert "executed and verified" in state["final_answer"]
