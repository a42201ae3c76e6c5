"""How threads and their events read for a calling agent (no server needed)."""

from __future__ import annotations

from typing import Any

from binks.client import AsyncBinksClient, ClientConfig, EventPage, StreamEvent, ThreadDetail
from binks.mcp.tools import EVENT_LIMIT, _with_events
from binks.mcp.views import ThreadStatus, clip, event_view, thread_view


class LogOnly(AsyncBinksClient):
    """A client whose thread log is a list in memory, served in pages of ``page``."""

    def __init__(self, events: list[tuple[str, dict[str, Any]]], page: int = 7) -> None:
        super().__init__(ClientConfig(url="http://binks.test", api_key="k"))
        self.stored = [
            StreamEvent(seq=i, thread_id="t", event=e, data=d) for i, (e, d) in enumerate(events, 1)
        ]
        self.page = page

    async def thread_log(self, thread_id: str, *, after: int = 0, limit: int = 200) -> EventPage:
        rest = [event for event in self.stored if event.seq > after]
        chunk = rest[: self.page]
        more = len(rest) > self.page
        return EventPage(
            thread_id=thread_id,
            events=chunk,
            last_seq=len(self.stored),
            next_after=chunk[-1].seq if more else None,
        )


def status() -> ThreadStatus:
    detail = ThreadDetail(thread_id="t", status="completed", last_seq=0)
    return ThreadStatus(**thread_view(detail, 20).model_dump())


async def test_events_skip_tokens_page_through_and_stop_at_the_limit_with_a_cursor() -> None:
    tokens = [("model_token", {"text": "x"})] * 5
    steps = [("tool_call", {"name": "run_kubectl", "args": {"command": f"get pods {i}"}}) for i in range(80)]
    verified = [("verified", {"step_id": "s1", "ok": True, "check": "web has 3/3 ready"})]
    client = LogOnly(tokens + verified + steps + tokens)
    first = await _with_events(client, status(), 0)
    assert len(first.events) == EVENT_LIMIT and first.more_events
    assert first.verified == ["s1: verified (web has 3/3 ready)"]
    assert first.last_seq == first.events[-1].seq
    second = await _with_events(client, status(), first.last_seq)
    assert not second.more_events and second.last_seq == len(client.stored)
    shown = [e.seq for e in first.events + second.events]
    assert shown == [e.seq for e in client.stored if e.event != "model_token"]
    await client.aclose()


async def test_a_full_page_says_whether_more_follow() -> None:
    for count, more in ((EVENT_LIMIT, False), (EVENT_LIMIT + 1, True)):
        client = LogOnly([("message", {"text": str(i)}) for i in range(count)], page=EVENT_LIMIT)
        got = await _with_events(client, status(), 0)
        assert len(got.events) == EVENT_LIMIT and got.more_events is more, count
        assert got.last_seq == EVENT_LIMIT
        await client.aclose()


def test_each_event_reads_as_one_line_and_long_text_says_it_was_cut() -> None:
    lines = {
        "tool_call": ({"name": "run_kubectl", "args": {"command": "get pods"}}, "run_kubectl: get pods"),
        "approval_decided": ({"action": "reject", "by": "person", "reason": "no"}, "reject by person (no)"),
        "step_finished": ({"step_id": "s1", "ok": False, "error": "boom"}, "s1: FAILED: boom"),
        "run_failed": ({"error": "model away"}, "run failed: model away"),
        "something_new": ({"run_id": "r", "a": 1}, '{"a": 1}'),
    }
    for name, (data, text) in lines.items():
        assert event_view(StreamEvent(seq=1, thread_id="t", event=name, data=data)).text == text
    assert clip("x" * 10, 4) == "xxxx… (6 more characters; binks tui or binks watch show all)"
    assert clip("short", 10) == "short"
