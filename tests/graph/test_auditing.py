"""Executed changes reach the audit log redacted: what ran, where, and whether it worked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from binks.graph.auditing import change_detail
from binks.tools.models import DryRun, ProposedChange
from binks.tools.redact import MARK
from tests.fakes.toolbox import FakeToolbox
from tests.graph.harness import open_harness

PASSWORD = "hunter2-very-secret"
CREATE_SECRET: dict[str, Any] = {
    "name": "run_kubectl",
    "args": {"command": f"kubectl -n shop create secret generic db --from-literal=password={PASSWORD}"},
}


def _change(**fields: Any) -> ProposedChange:
    base: dict[str, Any] = {
        "tool": "run_kubectl",
        "args": {},
        "namespace": "shop",
        "verb": "create",
        "risk": "change",
        "dry_run": DryRun(ok=True, message=""),
    }
    return ProposedChange(**{**base, **fields})


def test_change_detail_keeps_the_command_and_hides_secret_values() -> None:
    change = _change(
        argv=["-n", "shop", "create", "secret", "generic", "db", f"--from-literal=pw={PASSWORD}"]
    )
    detail = change_detail(change)
    assert detail["argv"][-1] == f"--from-literal=pw={MARK}"
    assert detail["tool"] == "run_kubectl" and detail["namespace"] == "shop"
    worker = _change(
        tool="spawn_worker_agent",
        verb="create",
        template="agents/code-reviewer-job.yaml",
        params={"task": "review", "git_token": PASSWORD},
    )
    detail = change_detail(worker)
    assert detail["template"] == "agents/code-reviewer-job.yaml"
    assert detail["params"] == {"task": "review", "git_token": MARK}


async def test_an_executed_change_is_audited_without_its_secret(tmp_path: Path) -> None:
    script: list[dict[str, Any]] = [{"tool_calls": [CREATE_SECRET]}, {"content": "Created."}]
    async with open_harness(tmp_path, script, FakeToolbox()) as h:
        await h.ask("store the db password")
        await h.decide("approve")
        entries = await h.audit.entries()
        report = await h.audit.verify()
    assert [(e.kind, e.thread_id, e.step_id, e.action) for e in entries] == [
        ("mutation", "t1", "s1", "create")
    ]
    assert PASSWORD not in json.dumps([e.model_dump() for e in entries])
    assert f"--from-literal=password={MARK}" in entries[0].detail_json()["argv"]
    assert report.ok
