"""A process that runs a task up to execute and dies there, like a power cut.

``python -m tests.graph.crash_worker STATE_DIR CLUSTER_FILE WHEN`` asks to scale
shop/web to 3, approves, and exits with code 137 (no cleanup, no result recorded) either
right ``before`` or right ``after`` the fake cluster changed. The fake cluster lives in
``CLUSTER_FILE`` so the test process can resume against the same state.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from binks.tools.models import ChangeResult, ProposedChange
from tests.fakes.toolbox import Deployment, FakeToolbox
from tests.graph.harness import open_harness

SCALE = {"name": "run_kubectl", "args": {"command": "kubectl scale deployment web --replicas=3 -n shop"}}


@dataclass
class FileToolbox(FakeToolbox):
    """A FakeToolbox whose cluster state and mutation log persist in a JSON file."""

    path: Path = Path("cluster.json")
    die: str | None = None

    @classmethod
    def load(cls, path: Path, die: str | None = None) -> FileToolbox:
        box = cls(path=path, die=die)
        if path.exists():
            data = json.loads(path.read_text())
            box.deployments = {(ns, name): Deployment(**dep) for ns, name, dep in data["deployments"]}
            box.mutations = data["mutations"]
        return box

    def save(self) -> None:
        data = {
            "deployments": [[ns, name, vars(dep)] for (ns, name), dep in self.deployments.items()],
            "mutations": self.mutations,
        }
        self.path.write_text(json.dumps(data))

    async def execute(self, change: ProposedChange) -> ChangeResult:
        if self.die == "before":
            os._exit(137)
        result = await super().execute(change)
        self.save()
        if self.die == "after":
            os._exit(137)
        return result


async def main(state_dir: Path, cluster: Path, when: str) -> None:
    toolbox = FileToolbox.load(cluster, die=when)
    toolbox.save()
    async with open_harness(state_dir, [{"tool_calls": [SCALE]}], toolbox) as h:
        await h.ask("scale web to 3")
        await h.decide("approve")
    raise SystemExit("the worker should have died inside execute")


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]))
