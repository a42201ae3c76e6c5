"""Building the MCP server leaves the process's logging as it was."""

from __future__ import annotations

import logging

import pytest

from binks.client import AsyncBinksClient, ClientConfig
from binks.mcp import build_server, shared_client


def test_building_the_server_does_not_configure_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    monkeypatch.setattr(root, "level", logging.WARNING)
    client = AsyncBinksClient(ClientConfig(url="http://binks.test", api_key="k"))
    build_server(shared_client(client), 20)
    assert root.handlers == [] and root.level == logging.WARNING
