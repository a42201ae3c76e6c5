"""A run's outbox: everything put is written, in the order it was put, whatever ends the run."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from binks.graph.events import Event
from binks.server.outbox import Outbox
from tests.timing import eventually

STEPS = st.lists(
    st.one_of(st.sampled_from(["tool_call", "model_token", "verified"]), st.integers(0, 3)), max_size=30
)
"""What a run does: hand an event to its sink, or await that many times (a node waiting on kubectl)."""


class Stored:
    """A writer that takes its time (``slow`` awaits per write) and records what it wrote."""

    def __init__(self, slow: list[int], fail_at: int | None = None) -> None:
        self.written: list[Event] = []
        self.slow = slow
        self.fail_at = fail_at

    async def write(self, item: Event) -> None:
        for _ in range(self.slow[len(self.written) % len(self.slow)]):
            await asyncio.sleep(0)
        if len(self.written) == self.fail_at:
            raise OSError("database is locked")
        self.written.append(item)

    def names(self) -> list[str]:
        return [item["event"] for item in self.written]


@given(
    steps=STEPS,
    slow=st.lists(st.integers(0, 3), min_size=1, max_size=4),
    ending=st.sampled_from(["finished", "failed", "cancelled"]),
)
def test_everything_put_is_written_in_order_before_the_block_ends(
    steps: list[str | int], slow: list[int], ending: str
) -> None:
    stored = Stored(slow)
    put: list[Event] = []

    async def run() -> None:
        async with Outbox(stored.write) as outbox:
            for number, step in enumerate(steps):
                if isinstance(step, int):
                    for _ in range(step):
                        await asyncio.sleep(0)
                    continue
                put.append({"event": step, "data": {"n": number}})
                outbox.put({"event": step, "data": {"n": number}})
            if ending == "failed":
                raise RuntimeError("the model timed out")
            if ending == "cancelled":
                raise asyncio.CancelledError

    async def outcome() -> None:
        try:
            await run()
        except (RuntimeError, asyncio.CancelledError):
            assert ending != "finished"
        # written when the block is left: the run's last event comes after these
        assert stored.written == put

    asyncio.run(outcome())


async def test_a_failed_write_stops_the_run_at_its_next_event() -> None:
    stored = Stored([0], fail_at=1)
    with pytest.raises(OSError, match="database is locked"):  # and again as the block ends
        async with Outbox(stored.write) as outbox:
            outbox.put({"event": "tool_call", "data": {}})
            outbox.put({"event": "tool_result", "data": {}})
            await asyncio.sleep(0.01)  # the writer fails on the second
            with pytest.raises(OSError, match="database is locked"):
                outbox.put({"event": "plan_proposed", "data": {}})
    assert stored.names() == ["tool_call"]


async def test_a_failed_write_at_the_end_is_the_runs_error() -> None:
    stored = Stored([1], fail_at=0)
    with pytest.raises(OSError, match="database is locked"):
        async with Outbox(stored.write) as outbox:
            outbox.put({"event": "message", "data": {}})


async def test_the_runs_own_error_wins_over_a_failed_write_which_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stored = Stored([1], fail_at=0)
    with caplog.at_level(logging.WARNING), pytest.raises(RuntimeError, match="model timed out"):
        async with Outbox(stored.write) as outbox:
            outbox.put({"event": "message", "data": {}})
            raise RuntimeError("model timed out")
    assert "could not be written: database is locked" in caplog.text


async def test_an_event_from_a_worker_thread_is_written_while_the_run_goes_on() -> None:
    asyncio.get_running_loop().set_debug(True)  # a loop call from the wrong thread raises
    stored = Stored([0])
    async with Outbox(stored.write) as outbox:
        await asyncio.sleep(0.01)  # the writer waits for its next event
        worker = threading.Thread(target=outbox.put, args=({"event": "step_started", "data": {}},))
        worker.start()
        await asyncio.to_thread(worker.join)
        await eventually(lambda: stored.written, "the event from the worker thread", timeout=10)
    assert stored.names() == ["step_started"]


def test_the_outbox_is_used_as_a_block() -> None:
    async def put_outside() -> Any:
        Outbox(Stored([0]).write).put({"event": "message", "data": {}})

    with pytest.raises(AssertionError, match="async with"):
        asyncio.run(put_outside())
