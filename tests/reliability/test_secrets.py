"""Secrets: a Secret's value never leaves the cluster through Binks.

A Secret sits in the fake cluster; the model asks for it in every way kubectl offers
(``-o yaml``, ``-o json``, a jsonpath to the field, ``describe``) and for the cluster status.
Then it changes the Secret (an annotation), so a plan with a dry-run diff of the Secret
is shown, approved and audited. The value (plain and base64) must not appear in what the
model received, in the event log, in the SSE stream as a client reads it, in the thread's
detail, in the server's log records (DEBUG included), in the audit table, or anywhere in
the state directory's files (the checkpoints included).
"""

from __future__ import annotations

import base64
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from binks.checkpoints.audit import audit_table
from binks.checkpoints.db import connect
from binks.checkpoints.events import events_table
from binks.server.app import database_url
from binks.settings import Settings
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.kube_api import KubeApi
from tests.reliability.figures import note
from tests.server.conftest import ServerFactory, answer

VALUE = "hunter2-Sup3rS3cret-0xC0FFEE"
COMMANDS = [
    "kubectl -n default get secret db-creds -o yaml",
    "kubectl -n default get secret db-creds -o json",
    "kubectl -n default get secret db-creds -o jsonpath={.data.password}",
    "kubectl -n default describe secret db-creds",
    "kubectl get secrets -A -o yaml",
]
CHANGE = "kubectl -n default annotate secret db-creds rotated=soon"
"""A change to the Secret itself: its plan carries a dry-run diff of the object."""


def _leaks(text: str) -> list[str]:
    forms = {"plain": VALUE, "base64": base64.b64encode(VALUE.encode()).decode()}
    return [name for name, form in forms.items() if form in text]


def _assert_no_leaks(places: dict[str, str]) -> None:
    leaks = {place: found for place, text in places.items() if (found := _leaks(text))}
    assert leaks == {}, f"the secret leaked: {leaks}"


async def _approve_and_follow(client: httpx.AsyncClient, thread_id: str, pending: dict[str, Any]) -> str:
    """Approve the pending plan and return the thread's SSE stream up to the run's end."""
    body = {"interrupt_id": pending["interrupt_id"], "plan_hash": pending["plan_hash"], "action": "approve"}
    decided = await client.post(f"/threads/{thread_id}/decision", json=body)
    assert decided.status_code == 202, decided.text
    stream = ""
    async with client.stream("GET", f"/threads/{thread_id}/events") as response:
        async for line in response.aiter_lines():
            stream += line + "\n"
            if line.startswith("event: run_completed"):
                break
    return stream


async def _stored_rows(settings: Settings) -> tuple[list[Any], list[Any]]:
    """Every row of the event log and of the audit table."""
    database = connect(database_url(settings))
    try:
        events = await database.read(lambda c: c.execute(select(events_table)).all())
        audit = await database.read(lambda c: c.execute(select(audit_table)).all())
    finally:
        await database.close()
    return list(events), list(audit)


async def test_a_secret_value_reaches_no_model_event_log_stream_or_file(
    start_server: ServerFactory, kube_api: KubeApi, caplog: pytest.LogCaptureFixture
) -> None:
    encoded = base64.b64encode(VALUE.encode()).decode()
    kube_api.apply(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "db-creds", "namespace": "default"},
            "type": "Opaque",
            "data": {"password": encoded},
        }
    )
    calls = [{"name": "run_kubectl", "args": {"command": command}} for command in COMMANDS]
    change = {"name": "run_kubectl", "args": {"command": CHANGE}}
    model = ScriptedChatModel.from_script(
        [
            {"tool_calls": calls},
            {"tool_calls": [{"name": "get_cluster_status", "args": {}}]},
            {"tool_calls": [change]},
            answer("ok"),
        ]
    )
    caplog.set_level(logging.DEBUG)
    server = start_server([], kube_api=kube_api, model=model)
    async with server.client() as client:
        started = await client.post("/invoke", json={"task": "show me the db password"})
        assert started.status_code == 200, started.text
        thread_id = started.json()["thread_id"]
        pending = (await client.get(f"/threads/{thread_id}")).json()["pending_approval"]
        assert pending is not None, started.text  # the plan (with its diff of the Secret) is shown
        stream = await _approve_and_follow(client, thread_id, pending)
        detail = (await client.get(f"/threads/{thread_id}")).text
    events, audit = await _stored_rows(server.settings)
    server.live.stop()  # flush the database files before reading them

    results = [
        line for line in stream.splitlines() if line.startswith("event: tool_result") or '"ok":' in line
    ]
    assert len([line for line in stream.splitlines() if line == "event: tool_result"]) == len(COMMANDS) + 1
    assert results and "db-creds" in stream  # the reads ran and their (redacted) output came back
    assert "rotated" in stream and audit, "the change was planned, approved and audited"
    annotations = kube_api.get("secrets", "db-creds")["metadata"].get("annotations", {})  # type: ignore[index]
    assert annotations.get("rotated") == "soon"
    received = "\n".join(str(message.content) for turn in model.received for message in turn)
    assert "db-creds" in received
    places = {
        "model input": received,
        "event log": "\n".join(str(row) for row in events),
        "SSE stream": stream,
        "thread detail": detail,
        "server log": "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records),
        "audit table": "\n".join(str(row) for row in audit),
    }
    files = [path for path in Path(server.settings.state_dir).rglob("*") if path.is_file()]
    for path in files:
        places[f"file {path.name}"] = path.read_bytes().decode("latin-1")
    _assert_no_leaks(places)
    note(
        f"secrets: {len(COMMANDS)} ways of reading a Secret plus the cluster status; the value found in "
        f"none of {len(places)} places (model input, event log, SSE, thread detail, "
        f"{len(caplog.records)} log records, audit table, {len(files)} state files)"
    )


async def test_a_secret_the_model_writes_into_a_command_stays_out_of_events_and_audit(
    start_server: ServerFactory, kube_api: KubeApi
) -> None:
    """The model's own command holds the value: plan, events, detail and audit show it redacted."""
    command = f"kubectl -n default create secret generic api-creds --from-literal=password={VALUE}"
    model = ScriptedChatModel.from_script(
        [{"tool_calls": [{"name": "run_kubectl", "args": {"command": command}}]}, answer("created")]
    )
    server = start_server([], kube_api=kube_api, model=model)
    async with server.client() as client:
        started = await client.post("/invoke", json={"task": "store the api password"})
        thread_id = started.json()["thread_id"]
        pending_text = (await client.get(f"/threads/{thread_id}")).text
        pending = started.json()["pending_approval"]
        assert pending is not None, started.text
        assert "--from-literal=password=<redacted>" in str(pending["plan"]["steps"][0]["argv"])
        stream = await _approve_and_follow(client, thread_id, pending)
    events, audit = await _stored_rows(server.settings)
    created = kube_api.get("secrets", "api-creds", "default")
    assert created is not None  # what ran is the real command, with the real value
    assert created["data"]["password"] == base64.b64encode(VALUE.encode()).decode()
    places = {
        "approval (thread detail)": pending_text,
        "event log": "\n".join(str(row) for row in events),
        "SSE stream": stream,
        "audit table": "\n".join(str(row) for row in audit),
    }
    _assert_no_leaks(places)
