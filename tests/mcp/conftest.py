"""A real Binks server (real tools on the in-memory API server, scripted model) and MCP clients.

``binks_mcp(script)`` starts ``binks serve``'s app on a loopback uvicorn. ``mcp_session``
opens the SDK's own client over either transport: streamable HTTP to ``/mcp`` with the key,
or stdio to a ``binks mcp`` subprocess that reaches the server over HTTP, as opencode runs it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from mcp import Client
from mcp.client.session import ElicitationFnT
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from binks.checkpoints.audit import AuditLog
from binks.checkpoints.auditchain import AuditEntry
from binks.checkpoints.db import connect, database_url
from binks.server.app import create_app
from binks.settings import Settings
from binks.tools.toolbox import KubeToolbox
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.objects import deployment
from tests.server.conftest import API_KEY, make_settings
from tests.server.live import LiveServer
from tests.timing import generous

Transport = Literal["http", "stdio"]
Mode = Literal["auto", "legacy"]
"""``auto``: the 2026-07-28 protocol (elicitation rides InputRequiredResult); ``legacy``: the
initialize handshake (elicitation is a server-to-client request), as opencode speaks it."""

MCP_WAIT_S = 50.0
"""The longest Binks lets an MCP call wait for a run to settle (``BINKS_MCP_WAIT_S``'s maximum).

The tests' servers use it, and ``thread_status`` calls ask for it, so a run that settles late
on a busy machine is still seen settled: on a quiet one the wait ends when the run settles."""

SCALE = "scale deployment web -n default --replicas=3"
SCALE_SHOWN = "kubectl scale deployment web -n=default --replicas=3"
"""``SCALE`` as Binks runs and shows it (spelled the one way kubectl reads only as Binks does)."""


@dataclass
class Binks:
    """A running server, the fake cluster behind it, and ways in."""

    url: str
    settings: Settings
    kube: KubeApi
    model: ScriptedChatModel
    outputs: list[str] = field(default_factory=list)
    """Every tool result text the tests saw (checked for the key at teardown)."""

    def api(self, key: str = API_KEY) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=generous(60)
        )

    def stdio_params(self, **env: str) -> StdioServerParameters:
        values = {
            **os.environ,
            "BINKS_URL": self.url,
            "BINKS_API_KEY": API_KEY,
            "BINKS_MCP_WAIT_S": f"{self.settings.mcp_wait_s:g}",  # as the server's own /mcp waits
            **env,
        }
        return StdioServerParameters(command=sys.executable, args=["-m", "binks.cli", "mcp"], env=values)

    def scales(self) -> int:
        """How many real (not dry-run) changes the API server saw on deployment web."""
        return len([r for r in self.kube.mutations() if r.name == "web"])

    def replicas(self) -> int:
        found = self.kube.get("deployments", "web")
        assert found is not None
        return int(found["spec"]["replicas"])

    async def audit(self, thread_id: str) -> list[AuditEntry]:
        database = connect(database_url(self.settings))
        try:
            return [e for e in await AuditLog(database).for_thread(thread_id) if e.kind != "mutation"]
        finally:
            await database.close()


BinksFactory = Callable[..., Binks]


@pytest.fixture
def binks_mcp(kube_api: KubeApi, tmp_path: Path) -> Iterator[BinksFactory]:
    """``binks_mcp(script=[], **settings)``: a live server; ``default/web`` runs 1 replica."""
    servers: list[LiveServer] = []
    started: list[Binks] = []

    def start(script: list[dict[str, Any]] | None = None, **overrides: Any) -> Binks:
        kube_api.apply(deployment("web", replicas=1))
        overrides.setdefault("mcp_wait_s", MCP_WAIT_S)
        settings = make_settings(tmp_path / "state", kubeconfig_path=kube_api.kubeconfig, **overrides)
        model = ScriptedChatModel.from_script(script or [])
        app = create_app(settings, model=model, toolbox=KubeToolbox(settings))
        live = LiveServer(app).__enter__()
        servers.append(live)
        binks = Binks(url=live.url, settings=settings, kube=kube_api, model=model)
        started.append(binks)
        return binks

    yield start
    for live in servers:
        live.stop()
    for binks in started:
        leaked = [text for text in binks.outputs if API_KEY in text]
        assert not leaked, "the API key appeared in a tool's output"


@pytest.fixture
def binks(binks_mcp: BinksFactory) -> Binks:
    """One server with no model script, shared by all examples of a property test."""
    return binks_mcp()


@asynccontextmanager
async def mcp_session(
    binks: Binks,
    transport: Transport,
    *,
    mode: Mode = "auto",
    elicitation: ElicitationFnT | None = None,
    key: str = API_KEY,
    **env: str,
) -> AsyncIterator[Client]:
    """The SDK's client, connected to Binks over ``transport``."""
    if transport == "http":
        http = create_mcp_http_client(headers={"Authorization": f"Bearer {key}"})
        async with http:
            target = streamable_http_client(f"{binks.url}/mcp", http_client=http)
            async with Client(target, mode=mode, elicitation_callback=elicitation) as client:
                yield client
    else:
        params = binks.stdio_params(BINKS_API_KEY=key, **env)
        async with Client(params, mode=mode, elicitation_callback=elicitation) as client:
            yield client


def text_of(result: Any, binks: Binks | None = None) -> str:
    """The text of a tool result (recorded for the key check)."""
    text = "\n".join(getattr(part, "text", "") for part in result.content)
    if binks is not None:
        binks.outputs.append(text)
    return text


@pytest.fixture(params=["http", "stdio"])
def transport(request: pytest.FixtureRequest) -> Transport:
    """Each test using it runs over streamable HTTP and over stdio."""
    value: Transport = request.param
    return value
