"""Fixtures: a Binks server on a real loopback socket, driven by a scripted model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from binks.server.app import create_app
from binks.settings import Settings
from binks.tools.protocol import Toolbox
from tests.fakes.chat_model import ScriptedChatModel
from tests.server.fake_toolbox import GatedToolbox
from tests.server.live import LiveServer

API_KEY = "test-key-0123456789abcdef"

SCALE_WEB = {
    "tool_calls": [
        {"name": "run_kubectl", "args": {"command": "kubectl -n shop scale deployment/web --replicas=3"}}
    ]
}
"""A model turn that asks for one change (scaling web to 3)."""


def answer(text: str) -> dict[str, Any]:
    """A model turn that answers in plain text (the run's final answer)."""
    return {"content": text}


@dataclass
class Harness:
    """A running server and what a test needs to talk to it."""

    url: str
    settings: Settings
    toolbox: Toolbox
    live: LiveServer

    def client(self, key: str | None = API_KEY, timeout: float = 30) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=timeout)


ServerFactory = Callable[..., Harness]


def make_settings(state_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"api_key": SecretStr(API_KEY), "state_dir": state_dir}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """``start_server(script, toolbox=None, **settings)`` -> a live server (stopped at teardown)."""
    servers: list[LiveServer] = []

    def start(
        script: list[dict[str, Any]],
        *,
        toolbox: Toolbox | None = None,
        state_dir: Path | None = None,
        heartbeat_s: float = 15.0,
        **overrides: Any,
    ) -> Harness:
        settings = make_settings(state_dir or tmp_path / "state", **overrides)
        tools = toolbox if toolbox is not None else GatedToolbox()
        app = create_app(
            settings, model=ScriptedChatModel.from_script(script), toolbox=tools, heartbeat_s=heartbeat_s
        )
        live = LiveServer(app).__enter__()
        servers.append(live)
        return Harness(url=live.url, settings=settings, toolbox=tools, live=live)

    yield start
    for live in servers:
        live.stop()


@pytest.fixture
async def client_for() -> AsyncIterator[Callable[[Harness], httpx.AsyncClient]]:
    clients: list[httpx.AsyncClient] = []

    def make(harness: Harness) -> httpx.AsyncClient:
        client = harness.client()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
