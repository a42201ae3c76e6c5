"""Faults from the cluster: 500s, 403s, 409 conflicts and timeouts at every phase of a run.

Twelve threads run at once on one server (real tools, the in-memory API server), each with
its own deployment and one injected fault: in the model's read,
in the plan's server-side dry-run, in the approved change, or in its verification. Each
fault must come out as a readable failure in the thread's events (``tool_result`` or
``step_finished`` or ``verified`` with ``ok: false``), never as a crashed run, leave the
thread and the cluster as they were, and a follow-up message once the fault is gone must
finish the job with exactly one more change.

A timeout is a request the API server never answers (it waits for kubectl to give up and
changes nothing), so it happens whatever the machine's speed; the kubectl timeout itself is
generous, because every other kubectl call of the twelve threads must finish within it on a
busy machine too.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.reliability.figures import note
from tests.reliability.models import PerTaskModel
from tests.server.conftest import ServerFactory
from tests.server.sse import Event, read_events
from tests.timing import generous

pytestmark = pytest.mark.slow  # many seconds: scheduled first (see tests/conftest.py)

TIMEOUT_S = generous(20)
"""Binks' kubectl timeout: a held request always reaches it; every other call (twelve threads of
kubectl at once) must finish within it, on a busy machine too, so it is long."""
PHASES = ("read", "dry_run", "execute", "verify")
KINDS = {
    500: "InternalError",
    403: "forbidden (403)",
    409: "conflict (409)",
    0: f"did not finish within {TIMEOUT_S:g} s",
}
"""Injected status (0: never answered, so kubectl times out) and what the person must read."""
CASES = [
    *(("read", status) for status in (500, 403, 0)),
    *(("dry_run", status) for status in (500, 403, 409)),
    *(("execute", status) for status in (500, 403, 409, 0)),
    *(("verify", status) for status in (500, 0)),
]
"""Each phase with the faults that matter there (a conflict is only a write's problem, a
timeout costs a kubectl timeout, so not every pair is here)."""


@dataclass
class Case:
    phase: str
    status: int
    name: str
    thread_id: str = ""

    @property
    def absorbed(self) -> bool:
        """A conflicting PATCH is retried by kubectl itself (after a second): the change lands."""
        return self.status == 409 and self.phase in ("dry_run", "execute")

    @property
    def changed_in_first_run(self) -> bool:
        """The first run's change reached the cluster (the fault was before or after it)."""
        return self.absorbed or self.phase in ("read", "verify")

    @property
    def path(self) -> str:
        return rf"/namespaces/default/deployments/{self.name}"


def _arm(kube_api: KubeApi, case: Case) -> None:
    """Inject the fault; read and dry-run faults go in before the run, the others after approval."""

    def fault(method: str, path: str, times: int = 1) -> None:
        if case.status == 0:
            kube_api.hang_next(method, path, times=times)
        else:
            kube_api.fail_next(method, path, case.status, times=times)

    if case.phase == "read":
        fault("GET", case.path + "$")
    elif case.phase in ("dry_run", "execute"):  # the dry-run's PATCH comes first, the change's next
        fault("PATCH", case.path + "/scale$")
    else:
        kube_api.fail_next("GET", case.path + "$", 0)  # kubectl's read before its patch
        fault("GET", case.path + "$", times=50)


def _failure(case: Case, events: list[Event]) -> Event:
    """The event that must carry the failure for this phase."""
    if case.phase in ("read", "dry_run"):
        wanted = "kubectl -n default get" if case.phase == "read" else "scale"
        calls = {e.data["id"] for e in events if e.event == "tool_call" and wanted in str(e.data["args"])}
        found = [e for e in events if e.event == "tool_result" and e.data["id"] in calls]
    else:
        found = [e for e in events if e.event == ("step_finished" if case.phase == "execute" else "verified")]
    assert found, f"{case}: no event tells the person about the fault: {[e.event for e in events]}"
    return found[0]


async def _approve(client: httpx.AsyncClient, thread_id: str, pending: dict[str, Any]) -> list[Event]:
    body = {"interrupt_id": pending["interrupt_id"], "plan_hash": pending["plan_hash"], "action": "approve"}
    decided = await client.post(f"/threads/{thread_id}/decision", json=body)
    assert decided.status_code == 202, decided.text
    return await read_events(client, thread_id, after=0, run_id=decided.json()["run_id"])


async def _task(client: httpx.AsyncClient, case: Case, text: str) -> list[Event]:
    if case.thread_id:
        sent = await client.post(f"/threads/{case.thread_id}/messages", json={"task": text})
        assert sent.status_code == 202, sent.text
    else:
        sent = await client.post("/threads", json={"task": text})
        assert sent.status_code == 201, sent.text
        case.thread_id = sent.json()["thread_id"]
    return await read_events(client, case.thread_id, after=0, run_id=sent.json()["run_id"])


async def _faulted_then_fixed(client: httpx.AsyncClient, kube_api: KubeApi, case: Case) -> None:
    if case.phase in ("read", "dry_run"):
        _arm(kube_api, case)
    look = "" if case.phase == "read" else " without looking"
    events = await _task(client, case, f"scale {case.name} to 3{look}")
    if events[-1].event == "approval_required":
        if case.phase in ("execute", "verify"):
            _arm(kube_api, case)
        events += await _approve(client, case.thread_id, events[-1].data)
    if case.absorbed:
        assert [e for e in events if e.data.get("ok") is False] == [], case
    else:
        failed = _failure(case, events)
        assert failed.data["ok"] is False, failed
        text = " ".join(str(failed.data.get(key)) for key in ("output", "error", "detail"))
        assert KINDS[case.status] in text, f"{case}: {text}"
    assert events[-1].event == "run_completed", f"{case}: {events[-1]}"
    assert "run_failed" not in {e.event for e in events}
    detail = (await client.get(f"/threads/{case.thread_id}")).json()
    assert detail["status"] == "completed" and detail["pending_approval"] is None
    replicas = kube_api.get("deployments", case.name)["spec"]["replicas"]  # type: ignore[index]
    assert replicas == (3 if case.changed_in_first_run else 1), f"{case}: the cluster changed anyway"

    kube_api.drop_faults(case.path + "$")  # the fault is gone (retries and polls used some)
    kube_api.drop_faults(case.path + "/scale$")
    again = await _task(client, case, f"now try {case.name} again without looking")
    if case.changed_in_first_run:
        # Already at 3: the dry-run shows the same scale changes nothing, so no one is asked.
        assert again[-1].event == "run_completed", f"{case}: {again[-1]}"
        run = again[-1].data.get("run_id")
        assert "approval_required" not in {e.event for e in again if e.data.get("run_id") == run}, case
    else:
        assert again[-1].event == "approval_required", f"{case}: {again[-1]}"
        done = await _approve(client, case.thread_id, again[-1].data)
        verified = [e for e in done if e.event == "verified"]
        assert done[-1].event == "run_completed" and verified and verified[-1].data["ok"] is True, case
    assert kube_api.get("deployments", case.name)["spec"]["replicas"] == 3  # type: ignore[index]


async def test_cluster_faults_are_reported_leave_state_intact_and_a_follow_up_finishes(
    start_server: ServerFactory, kube_api: KubeApi
) -> None:
    cases = [Case(phase, status, f"web-{index}") for index, (phase, status) in enumerate(CASES)]
    for case in cases:
        kube_api.apply(deployment(case.name, replicas=1))
    kube_api.clear_requests()
    server = start_server(
        [],
        kube_api=kube_api,
        model=PerTaskModel.create(namespace="default"),
        kubectl_timeout_s=TIMEOUT_S,
        # A verification always makes its first check, and the in-memory cluster has settled by
        # then: only the faulted checks ever wait this long, so it can be short.
        verify_timeout_s=1.0,
    )
    limits = httpx.Limits(max_connections=4 * len(cases))
    async with httpx.AsyncClient(
        base_url=server.url, headers=server.client().headers, limits=limits, timeout=generous(120)
    ) as client:
        await asyncio.gather(*(_faulted_then_fixed(client, kube_api, case) for case in cases))
    applied = Counter(r.name for r in kube_api.mutations() if r.subresource == "scale" and r.status == 200)
    # one change per case: the first run's when it went through (the retry then changes
    # nothing and is not proposed), else the retry's
    expected = {case.name: 1 for case in cases}
    assert {case.name: applied[case.name] for case in cases} == expected
    absorbed = sum(case.absorbed for case in cases)
    note(
        f"cluster faults: {len(cases)} threads at once, faults (500, 403, 409, timeout past "
        f"{TIMEOUT_S:g} s) in the {', '.join(PHASES)} phases: "
        f"{len(cases) - absorbed} reported as ok=false events, {absorbed} conflicts retried by kubectl, "
        f"0 runs crashed; {sum(applied.values())} changes applied, one per case"
    )
