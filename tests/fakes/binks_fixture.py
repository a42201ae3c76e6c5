"""Servers for client tests, each on loopback with ``BINKS_URL`` / ``BINKS_API_KEY`` set.

``fake_binks``: the small contract-speaking fake (forces drops, stale decisions, restarts).
``real_binks``: the real server app with a scripted model, for end-to-end tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.binks_api import API_KEY, FakeBinks, LiveFake, create_fake_app
from tests.fakes.live_server import serve
from tests.fakes.toolbox import FakeToolbox


@pytest.fixture
def fake_binks(monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveFake]:
    """Serve a fresh :class:`FakeBinks`; ``BINKS_URL`` and ``BINKS_API_KEY`` point at it."""
    fake = FakeBinks()
    with serve(create_fake_app(fake)) as url:
        monkeypatch.setenv("BINKS_URL", url)
        monkeypatch.setenv("BINKS_API_KEY", API_KEY)
        yield LiveFake(fake=fake, url=url)


@dataclass
class RealBinks:
    """A real Binks server (scripted model, in-memory toolbox) the client is pointed at."""

    url: str
    toolbox: FakeToolbox

    def replicas(self, namespace: str = "shop", name: str = "web") -> int:
        """What the toolbox's cluster says now (the state a verification reads)."""
        return self.toolbox.deployments[(namespace, name)].replicas


@pytest.fixture
def real_binks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[list[dict[str, Any]]], RealBinks]]:
    """``real_binks(script)``: ``binks serve``'s app on loopback, driven by ``script``.

    The model is :class:`~tests.fakes.chat_model.ScriptedChatModel`; the cluster is the
    in-memory :class:`~tests.fakes.toolbox.FakeToolbox` (deployment ``shop/web``).
    """
    from pydantic import SecretStr

    from binks.server.app import create_app
    from binks.settings import Settings
    from tests.fakes.chat_model import ScriptedChatModel
    from tests.server.live import LiveServer

    servers: list[LiveServer] = []

    def start(script: list[dict[str, Any]]) -> RealBinks:
        settings = Settings(_env_file=None, api_key=SecretStr(REAL_KEY), state_dir=tmp_path / "state")
        toolbox = FakeToolbox()
        app = create_app(settings, model=ScriptedChatModel.from_script(script), toolbox=toolbox)
        live = LiveServer(app).__enter__()
        servers.append(live)
        monkeypatch.setenv("BINKS_URL", live.url)
        monkeypatch.setenv("BINKS_API_KEY", REAL_KEY)
        return RealBinks(url=live.url, toolbox=toolbox)

    yield start
    for live in servers:
        live.stop()


REAL_KEY = "client-test-key-0123456789"

#: A model turn asking for one change: scale shop/web to 3.
SCALE_WEB: dict[str, Any] = {
    "tool_calls": [
        {"name": "run_kubectl", "args": {"command": "kubectl -n shop scale deployment/web --replicas=3"}}
    ]
}


def answer(text: str) -> dict[str, Any]:
    """A model turn that answers in plain words (the run's final answer)."""
    return {"content": text}
