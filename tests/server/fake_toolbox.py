"""The graph's fake toolbox with gates, for server tests that hold a run at a chosen point.

The server runs its own event loop in another thread, so a gate is a pair of threading
events: ``reached`` tells the test the run is there, ``opened`` lets it go on.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from binks.tools.models import ChangeResult, ProposedChange, ToolResult
from tests.fakes.toolbox import FakeToolbox
from tests.timing import generous


class Gate:
    """A point a run stops at until the test opens it."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.opened = threading.Event()

    async def pass_through(self) -> None:
        self.reached.set()
        # a test opens it; the bound only keeps a failed test from blocking the server forever
        await asyncio.to_thread(self.opened.wait, generous(120))


@dataclass
class GatedToolbox(FakeToolbox):
    """``FakeToolbox`` whose reads or executions can wait on a :class:`Gate`."""

    read_gate: Gate | None = None
    execute_gate: Gate | None = None
    gates: list[Gate] = field(default_factory=list)

    async def read(self, name: str, args: dict[str, Any]) -> ToolResult:
        if self.read_gate is not None and name == "run_kubectl":
            await self.read_gate.pass_through()
        return await super().read(name, args)

    async def execute(self, change: ProposedChange) -> ChangeResult:
        if self.execute_gate is not None:
            await self.execute_gate.pass_through()
        return await super().execute(change)

    def open_all(self) -> None:
        for gate in (self.read_gate, self.execute_gate):
            if gate is not None:
                gate.opened.set()
