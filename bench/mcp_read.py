"""One kubectl read through MCP, against the same read through ``POST /invoke`` and bare kubectl.

Run: ``.venv/bin/python -m bench.mcp_read [--under-load [N]]``. A real ``binks serve`` app
(real tools, scripted model) runs on a loopback uvicorn in front of the in-memory test API
server, and the same read, ``get deployment web -n default``, is timed in one run as:

* a bare ``kubectl`` subprocess (the baseline: what the read costs at all);
* ``POST /reads``, the route the MCP tool calls (what Binks' tool layer and HTTP add);
* MCP ``kubectl_read`` over streamable HTTP to ``/mcp`` (one session, the SDK's client);
* MCP ``kubectl_read`` over stdio to a ``binks mcp`` subprocess, which goes on over HTTP;
* ``POST /invoke`` with a task whose (scripted) model turn asks for that read and then
  answers: the same read through a whole agent run (checkpoints, events, two model turns).

Medians of a few dozen calls each, ratios against kubectl and against ``/invoke``. The
machine's load is printed beside the figures (``bench.load``): on a shared 2-core box they
move with it, the ratios much less.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from pydantic import SecretStr

from bench.load import busy, load_text, parser
from bench.timing import median_s
from binks.logs import configure_logging
from binks.server.app import create_app
from binks.settings import Settings
from binks.tools.kubectl import Kubectl
from binks.tools.toolbox import KubeToolbox
from tests.fakes.chat_model import ScriptedChatModel
from tests.fakes.kube_api.fixture import standalone
from tests.fakes.kube_api.objects import deployment
from tests.server.live import LiveServer

KEY = "bench-key-0123456789abcdef"
RUNS = 30
COMMAND = "get deployment web -n default"


def _script(turns: int) -> list[dict[str, Any]]:
    """Two model turns per /invoke: the read, then the answer."""
    call = {"tool_calls": [{"name": "run_kubectl", "args": {"command": f"kubectl {COMMAND}"}}]}
    return [step for _ in range(turns) for step in (call, {"content": "web runs 1 replica."})]


async def _measure(url: str, settings: Settings) -> dict[str, float]:
    kubectl = Kubectl(settings)

    async def bare() -> None:
        assert (await kubectl.run(COMMAND.split())).ok

    figures = {"kubectl subprocess": await median_s(bare, RUNS)}
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as api:

        async def reads() -> None:
            answer = await api.post("/reads", json={"tool": "run_kubectl", "args": {"command": COMMAND}})
            assert answer.status_code == 200 and answer.json()["ok"], answer.text

        async def invoke() -> None:
            answer = await api.post("/invoke", json={"task": "how many replicas does web run?"})
            assert answer.json()["status"] == "completed", answer.text

        figures["POST /reads"] = await median_s(reads, RUNS)
        figures["POST /invoke (agent run)"] = await median_s(invoke, RUNS)

    async def kubectl_read(client: Client) -> None:
        result = await client.call_tool("kubectl_read", {"command": COMMAND})
        assert not result.is_error, result.content

    http = create_mcp_http_client(headers=headers)
    async with http, Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
        figures["MCP kubectl_read, HTTP /mcp"] = await median_s(lambda: kubectl_read(client), RUNS)
    env = {**os.environ, "BINKS_URL": url, "BINKS_API_KEY": KEY}
    stdio = StdioServerParameters(command=sys.executable, args=["-m", "binks.cli", "mcp"], env=env)
    async with Client(stdio) as client:
        figures["MCP kubectl_read, stdio"] = await median_s(lambda: kubectl_read(client), RUNS)
    return figures


def _report(figures: dict[str, float]) -> None:
    base = figures["kubectl subprocess"]
    agent = figures["POST /invoke (agent run)"]
    print(f"`kubectl {COMMAND}`, median of {RUNS} each ({load_text()})")
    print(f"  {'':30} {'ms':>8} {'x kubectl':>10} {'x /invoke':>10}")
    for label, seconds in figures.items():
        print(f"  {label:30} {seconds * 1000:8.1f} {seconds / base:10.2f} {seconds / agent:10.2f}")


async def _main() -> None:
    with tempfile.TemporaryDirectory() as folder, standalone(Path(folder)) as api:
        api.apply(deployment("web", replicas=1))
        settings = Settings(
            _env_file=None,
            api_key=SecretStr(KEY),
            state_dir=Path(folder) / "state",
            kubeconfig_path=api.kubeconfig,
        )
        model = ScriptedChatModel.from_script(_script(RUNS + 1))
        app = create_app(settings, model=model, toolbox=KubeToolbox(settings))
        with LiveServer(app) as live:
            _report(await _measure(live.url, settings))


def main() -> None:
    """Start the cluster and the server, time the read every way, print the figures and ratios."""
    arguments = parser(__doc__.splitlines()[0]).parse_args()
    configure_logging("text", "WARNING")
    print(f"before: {load_text()}; busy processes: {arguments.under_load}")
    with busy(arguments.under_load):
        asyncio.run(_main())


if __name__ == "__main__":
    main()
