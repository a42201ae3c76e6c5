"""pytest fixtures for the fake API server: one server per session, reset for every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.kube_api import openapi
from tests.fakes.kube_api.fixture import KubeApi, write_kubeconfig
from tests.fakes.kube_api.server import ServerThread
from tests.fakes.kube_api.state import ServerState


@pytest.fixture(scope="session")
def kube_api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeApi]:
    """The session's server (use :func:`kube_api` in tests: it resets the state)."""
    openapi.documents()  # built once per session (≈ 0.5 s), before any kubectl call waits on it
    server = ServerThread(ServerState())
    server.start()
    kubeconfig = write_kubeconfig(
        tmp_path_factory.mktemp("kube") / "kubeconfig", server.url, server.state.token
    )
    try:
        yield KubeApi(server, kubeconfig)
    finally:
        server.stop()


@pytest.fixture
def kube_api(kube_api_server: KubeApi) -> Iterator[KubeApi]:
    """A fake cluster in its default state: system and Binks namespaces, nodes pi-1 and pi-2."""
    kube_api_server.reset()
    yield kube_api_server
    kube_api_server.state.store.clear()
