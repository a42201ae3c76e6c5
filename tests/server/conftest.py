"""Fixtures: a Binks server on a real loopback socket, driven by a scripted model."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from binks.server.app import create_app
from binks.server.services import Services
from binks.settings import Settings
from binks.tools.protocol import Toolbox
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.kube_api import KubeApi
from tests.server.fake_toolbox import GatedToolbox
from tests.server.live import LiveServer
from tests.timing import generous

API_KEY = "test-key-0123456789abcdef"

SCALE_WEB = {
    "tool_calls": [
        {"name": "run_kubectl", "args": {"command": "kubectl -n shop scale deployment/web --replicas=3"}}
    ]
}
"""A model turn that asks for one change (scaling web to 3)."""
SCALE_WEB_DEFAULT = {
    "tool_calls": [
        {"name": "run_kubectl", "args": {"command": "kubectl -n default scale deployment/web --replicas=3"}}
    ]
}
"""The same change in the ``default`` namespace of the fake API server."""


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
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=generous(timeout))


ServerFactory = Callable[..., Harness]


def make_settings(state_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"api_key": SecretStr(API_KEY), "state_dir": state_dir}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@contextmanager
def server_factory(tmp_path: Path, **defaults: Any) -> Iterator[ServerFactory]:
    """``start_server(script, toolbox=None, **settings)`` -> a live server (stopped on exit).

    Without a toolbox the server gets a :class:`GatedToolbox`; with ``kube_api=`` it makes
    its own ``KubeToolbox`` against that fake cluster, as ``binks serve`` does (``real_tools``:
    against whatever cluster the settings name). ``model`` replaces the scripted model.
    ``defaults`` are settings every server gets (e.g. ``database_url``).
    """
    servers: list[LiveServer] = []

    def start(
        script: list[dict[str, Any]],
        *,
        toolbox: Toolbox | None = None,
        state_dir: Path | None = None,
        heartbeat_s: float = 15.0,
        kube_api: KubeApi | None = None,
        real_tools: bool = False,
        model: BaseChatModel | None = None,
        **overrides: Any,
    ) -> Harness:
        overrides = {**defaults, **overrides}
        if kube_api is not None:
            overrides["kubeconfig_path"] = kube_api.kubeconfig
        settings = make_settings(state_dir or tmp_path / "state", **overrides)
        if toolbox is None and kube_api is None and not real_tools:
            toolbox = GatedToolbox()
        chat = model if model is not None else ScriptedChatModel.from_script(script)
        app = create_app(settings, model=chat, toolbox=toolbox, heartbeat_s=heartbeat_s)
        live = LiveServer(app).__enter__()
        servers.append(live)
        services: Services = app.state.services
        return Harness(url=live.url, settings=settings, toolbox=services.toolbox, live=live)

    try:
        yield start
    finally:
        for live in servers:
            live.stop()


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """A :func:`server_factory` on SQLite in the test's temp dir."""
    with server_factory(tmp_path) as start:
        yield start


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
