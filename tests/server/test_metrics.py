from __future__ import annotations

import json
import time
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from prometheus_client.parser import text_string_to_metric_families

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.auditchain import AuditEntry
from binks.checkpoints.db import connect
from binks.logs import run_id_var, thread_id_var
from binks.server.app import database_url
from binks.server.auth import key_id
from binks.tools.models import ToolResult
from tests.server.conftest import API_KEY, SCALE_WEB, Harness, ServerFactory, answer
from tests.server.fake_toolbox import GatedToolbox
from tests.server.sse import read_events

USAGE = {"input_tokens": 120, "output_tokens": 30, "total_tokens": 150}
READ_PODS = {"tool_calls": [{"name": "run_kubectl", "args": {"command": "kubectl -n shop get pods"}}]}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def _scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def _audit(server: Harness, thread_id: str | None = None) -> list[AuditEntry]:
    database = connect(database_url(server.settings))
    try:
        return await AuditLog(database).entries(thread_id)
    finally:
        await database.close()


async def _approve_scale(client: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    started = await client.post("/threads", json={"task": "scale web to 3"})
    thread_id = started.json()["thread_id"]
    await read_events(client, thread_id)
    pending = (await client.get(f"/threads/{thread_id}")).json()["pending_approval"]
    decision = {
        "interrupt_id": pending["interrupt_id"],
        "plan_hash": pending["plan_hash"],
        "action": "approve",
    }
    decided = await client.post(f"/threads/{thread_id}/decision", json=decision)
    assert decided.status_code == 202, decided.text
    await read_events(client, thread_id, run_id=decided.json()["run_id"])
    return thread_id, pending


async def test_metrics_count_a_real_run_and_need_the_key(start_server: ServerFactory) -> None:
    script = [{**READ_PODS, "usage": USAGE}, {**SCALE_WEB, "usage": USAGE}, answer("web runs 3 replicas")]
    server = start_server(script)
    async with server.client() as client:
        before = await _scrape(client)
        began = time.time()  # the server stamps events with the same (wall) clock
        thread_id, _pending = await _approve_scale(client)
        took = time.time() - began
        stale = {"interrupt_id": "0" * 32, "plan_hash": "f" * 64, "action": "reject"}
        assert (await client.post(f"/threads/{thread_id}/decision", json=stale)).status_code == 409
        after = await _scrape(client)
    async with server.client(key=None) as anonymous:
        assert (await anonymous.get("/metrics")).status_code == 401

    assert _value(before, "binks_runs_total", status="completed") == 0
    assert _value(after, "binks_runs_total", status="awaiting_approval") == 1
    assert _value(after, "binks_runs_total", status="completed") == 1
    assert _value(after, "binks_decisions_total", action="approve", outcome="accepted") == 1
    assert _value(after, "binks_decisions_total", action="reject", outcome="refused") == 1
    assert _value(after, "binks_time_to_decision_seconds_count") == 1
    # in seconds, and only the wait for the person: within what the whole exchange took
    assert 0 < _value(after, "binks_time_to_decision_seconds_sum") <= took
    tool = {"tool": "run_kubectl"}
    assert _value(after, "binks_tool_duration_seconds_count", **tool, verb="get", operation="read") == 1
    for operation in ("propose", "execute", "verify"):
        assert (
            _value(after, "binks_tool_duration_seconds_count", **tool, verb="scale", operation=operation) == 1
        )
    assert _value(after, "binks_model_duration_seconds_count", outcome="ok") == 3
    assert _value(after, "binks_model_tokens_total", direction="input") == 240
    assert _value(after, "binks_model_tokens_total", direction="output") == 60
    assert _value(after, "binks_event_log_rows") > _value(before, "binks_event_log_rows") >= 0
    assert _value(after, "binks_runs_in_progress") == 0


async def test_sse_subscribers_gauge_follows_open_streams(start_server: ServerFactory) -> None:
    server = start_server([answer("hello")])
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "hi"})).json()["thread_id"]
        await read_events(client, thread_id)
        async with aconnect_sse(client, "GET", f"/threads/{thread_id}/events") as source:
            async for _sse in source.aiter_sse():
                # The stream is subscribed once its first event arrived.
                during = await _scrape(client)
                break
        assert _value(during, "binks_sse_subscribers") == 1


async def test_audit_chain_records_decisions_and_the_executed_change(start_server: ServerFactory) -> None:
    server = start_server([SCALE_WEB, answer("done")])
    async with server.client() as client:
        thread_id, pending = await _approve_scale(client)
    entries = await _audit(server, thread_id)
    assert [(e.kind, e.action, e.outcome) for e in entries] == [
        ("decision", "approve", "accepted"),
        ("mutation", "scale", "ok"),
    ]
    decision, mutation = entries
    assert decision.key_id == key_id(API_KEY) and API_KEY not in decision.model_dump_json()
    assert decision.interrupt_id == pending["interrupt_id"]
    assert decision.plan_hash == mutation.plan_hash == pending["plan_hash"]
    assert mutation.step_id == pending["plan"]["steps"][0]["id"]
    assert mutation.detail_json()["argv"] == ["-n", "shop", "scale", "deployment/web", "--replicas=3"]
    assert mutation.prev_hash == decision.hash
    database = connect(database_url(server.settings))
    try:
        assert (await AuditLog(database).verify()).ok
    finally:
        await database.close()


async def test_policy_approvals_are_audited_with_the_policy_key(start_server: ServerFactory) -> None:
    server = start_server([SCALE_WEB, answer("done")], auto_approve=["scale:shop"])
    async with server.client() as client:
        thread_id = (await client.post("/threads", json={"task": "scale web"})).json()["thread_id"]
        events = await read_events(client, thread_id)
    assert events[-1].event == "run_completed"
    entries = await _audit(server, thread_id)
    assert [(e.kind, e.key_id, e.outcome) for e in entries] == [
        ("decision", "policy", "accepted"),
        ("mutation", None, "ok"),
    ]
    assert json.loads(entries[0].detail) == {"rules": ["scale:shop"]}


class ContextToolbox(GatedToolbox):
    """Records the log context (thread and run ids) the tools run in."""

    seen: list[tuple[str | None, str | None]]

    async def read(self, name: str, args: dict[str, Any]) -> ToolResult:
        self.seen.append((thread_id_var.get(), run_id_var.get()))
        return await super().read(name, args)


async def test_every_run_logs_with_its_thread_and_run_id(start_server: ServerFactory) -> None:
    toolbox = ContextToolbox()
    toolbox.seen = []
    server = start_server([READ_PODS, answer("3 pods")], toolbox=toolbox)
    async with server.client() as client:
        started = (await client.post("/threads", json={"task": "pods?"})).json()
        await read_events(client, started["thread_id"])
    assert toolbox.seen == [(started["thread_id"], started["run_id"])]
