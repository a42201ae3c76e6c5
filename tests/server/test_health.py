from __future__ import annotations

from pathlib import Path

import httpx

from binks import __version__
from tests.fakes.kube_api import KubeApi
from tests.fakes.kube_api.fixture import write_kubeconfig
from tests.server.conftest import API_KEY, ServerFactory, answer


async def test_health_reports_each_check_to_key_holders_only(
    start_server: ServerFactory, kube_api: KubeApi
) -> None:
    server = start_server([answer("hi")], kube_api=kube_api)
    async with httpx.AsyncClient(base_url=server.url) as client:
        open_view = (await client.get("/health")).json()
        keyed = (await client.get("/health", headers={"X-API-Key": API_KEY})).json()
    assert open_view == {"status": "ok", "version": __version__}
    assert keyed["status"] == "ok"
    assert (
        keyed["checks"]["cluster"]["ok"] is True
        and "Nodes (2/2 ready)" in keyed["checks"]["cluster"]["detail"]
    )
    assert (
        keyed["checks"]["model"]["ok"] is True and "ScriptedChatModel" in keyed["checks"]["model"]["detail"]
    )


async def test_an_unreachable_cluster_degrades_but_the_api_keeps_working(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    dead = write_kubeconfig(tmp_path / "dead-kubeconfig", "http://127.0.0.1:9", "token")
    server = start_server([answer("still here")], kubeconfig_path=dead, real_tools=True)
    async with server.client() as client:
        health = (await client.get("/health")).json()
        answered = (await client.post("/invoke", json={"task": "hello"})).json()
    assert health["status"] == "degraded"
    assert health["checks"]["cluster"]["ok"] is False and health["checks"]["checkpointer"]["ok"] is True
    assert answered["status"] == "completed"
