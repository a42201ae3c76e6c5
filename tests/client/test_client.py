from __future__ import annotations

import asyncio
import threading

import pytest

from binks.client import (
    AsyncBinksClient,
    AuthenticationFailed,
    Backoff,
    BinksClient,
    ClientConfig,
    ConnectionStatus,
    Decision,
    ServerUnavailable,
    StreamEvent,
)
from binks.client.responses import StreamBroken, decode_event
from binks.errors import ApprovalConflict, ThreadNotFound
from tests.fakes.binks_api import API_KEY, LiveFake, create_fake_app
from tests.fakes.live_server import free_port, serve
from tests.timing import generous


def until(events: list[StreamEvent], stream: object, name: str) -> list[StreamEvent]:
    for event in stream:  # type: ignore[attr-defined]
        events.append(event)
        if event.event == name:
            break
    return events


def test_a_thread_streams_to_its_approval_and_an_approval_runs_the_plan(fake_binks: LiveFake) -> None:
    with BinksClient() as client:
        assert client.health().status == "ok"
        created = client.start_thread("scale web to 3")
        events = until([], client.events(created.thread_id), "approval_required")
        assert [e.event for e in events][:2] == ["run_started", "model_token"]
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        detail = client.get_thread(created.thread_id)
        assert detail.status == "awaiting_approval" and detail.pending is not None
        assert [step.id for step in detail.pending.plan.steps] == ["s1", "s2"]
        assert detail.pending.plan.steps[0].dry_run is not None
        assert "+  replicas: 3" in (detail.pending.plan.steps[0].dry_run.diff or "")
        client.decide(
            created.thread_id,
            Decision(
                interrupt_id=detail.pending.interrupt_id,
                plan_hash=detail.pending.plan_hash,
                action="approve",
                steps=["s1"],
            ),
        )
        rest = until([], client.events(created.thread_id, after=events[-1].seq), "run_completed")
    assert fake_binks.fake.mutations == ["s1"]
    assert [e.event for e in rest] == [
        "approval_decided",
        "step_started",
        "step_finished",
        "verified",
        "message",
        "run_completed",
    ]


def test_a_409_for_a_decision_raises_approval_conflict_naming_binks_watch(fake_binks: LiveFake) -> None:
    """How the client reports the server's refusal; the refusal itself is the server's (tests/server)."""
    with BinksClient() as client:
        thread = client.start_thread("scale web").thread_id
        pending = client.get_thread(thread).pending
        assert pending is not None
        stale = Decision(interrupt_id="int-old", plan_hash=pending.plan_hash, action="approve")
        with pytest.raises(ApprovalConflict, match="binks watch"):
            client.decide(thread, stale)


def test_wrong_key_and_unknown_thread_say_what_to_do(fake_binks: LiveFake) -> None:
    with BinksClient(ClientConfig(url=fake_binks.url, api_key="wrong")) as client:
        with pytest.raises(AuthenticationFailed, match="binks login"):
            client.list_threads()
    with BinksClient() as client, pytest.raises(ThreadNotFound, match="binks threads"):
        client.get_thread("nope")


def test_no_server_is_a_clear_error_not_a_traceback() -> None:
    with BinksClient(ClientConfig(url=f"http://127.0.0.1:{free_port()}", api_key="k")) as client:
        with pytest.raises(ServerUnavailable, match="binks serve"):
            client.health()


def test_a_dropped_stream_resumes_after_the_last_event_without_gaps_or_repeats(
    fake_binks: LiveFake,
) -> None:
    statuses: list[ConnectionStatus] = []
    with BinksClient() as client:
        thread = client.start_thread("scale web").thread_id
        fake_binks.fake.drop_after = 2
        events = until([], client.events(thread, on_status=statuses.append), "approval_required")
    assert [e.seq for e in events] == list(range(1, 7))
    assert fake_binks.fake.stream_connects == [None, "2"]
    assert [s.state for s in statuses] == ["reconnecting", "connected"]


def test_pings_comments_and_notes_without_an_id_are_not_events() -> None:
    assert decode_event("t1", "message", "", "") is None
    assert decode_event("t1", "message", "  ", "4") is None
    assert decode_event("t1", "note", '{"x": 1}', "") is None
    event = decode_event("t1", "verified", '{"ok": true}', "7")
    assert event == StreamEvent(seq=7, thread_id="t1", event="verified", data={"ok": True})
    with pytest.raises(StreamBroken, match="shutting down"):
        decode_event("t1", "stream_closed", '{"reason": "server shutting down"}', "")


def test_a_stream_gives_up_only_when_its_backoff_says_so() -> None:
    config = ClientConfig(url=f"http://127.0.0.1:{free_port()}", api_key="k")
    statuses: list[ConnectionStatus] = []
    with BinksClient(config) as client, pytest.raises(ServerUnavailable):
        for _ in client.events(
            "t1", on_status=statuses.append, backoff=Backoff(first=0.01, give_up_after=0.05)
        ):
            pass
    assert statuses and all(s.state == "reconnecting" for s in statuses)


async def test_the_async_stream_rides_out_a_server_restart() -> None:
    from tests.fakes.binks_api import FakeBinks

    fake = FakeBinks()
    port = free_port()
    config = ClientConfig(url=f"http://127.0.0.1:{port}", api_key=API_KEY)
    statuses: list[ConnectionStatus] = []
    reconnecting = threading.Event()

    def on_status(status: ConnectionStatus) -> None:
        statuses.append(status)
        if status.state == "reconnecting":
            reconnecting.set()

    def restart_once_missed() -> None:
        reconnecting.wait(timeout=generous(10))
        fake.rebind()
        with serve(create_fake_app(fake), port=port):
            done.wait(timeout=generous(20))

    done = threading.Event()
    async with AsyncBinksClient(config) as client:
        with serve(create_fake_app(fake), port=port):
            thread = (await client.start_thread("scale web")).thread_id
        server = threading.Thread(target=restart_once_missed, daemon=True)
        seen: list[StreamEvent] = []
        server.start()
        try:
            async for event in client.events(thread, on_status=on_status, backoff=Backoff(first=0.05)):
                seen.append(event)
                if event.event == "approval_required":
                    break
        finally:
            done.set()
            await asyncio.to_thread(server.join, 20)
    assert [e.seq for e in seen] == list(range(1, 7))
    assert "reconnecting" in [s.state for s in statuses]
    assert statuses[-1].state == "connected"
