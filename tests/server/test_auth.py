from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest

from binks.server.app import create_app
from binks.server.auth import key_id, write_key_file
from tests.server.conftest import API_KEY, ServerFactory, answer, make_settings


def _routes() -> list[tuple[str, str]]:
    app = create_app(make_settings(Path("/nonexistent")))
    routes = []
    for path, methods in app.openapi()["paths"].items():
        for method in methods:
            routes.append((method.upper(), re.sub(r"\{[^}]+\}", "some-thread", path)))
    return routes


def test_openapi_lists_every_route_of_the_contract() -> None:
    assert sorted(_routes()) == sorted(
        [
            ("GET", "/health"),
            ("GET", "/metrics"),
            ("POST", "/invoke"),
            ("POST", "/threads"),
            ("GET", "/threads"),
            ("GET", "/threads/some-thread"),
            ("POST", "/threads/some-thread/messages"),
            ("POST", "/threads/some-thread/resume"),
            ("POST", "/threads/some-thread/cancel"),
            ("POST", "/threads/some-thread/decision"),
            ("GET", "/threads/some-thread/events"),
            ("GET", "/threads/some-thread/log"),
            ("POST", "/reads"),
            ("POST", "/proposals"),
        ]
    )


async def test_every_route_but_health_needs_the_key(start_server: ServerFactory) -> None:
    server = start_server([answer("hi")])
    routes = [route for route in _routes() if route[1] != "/health"]
    for key in (None, "wrong-key-0123456789", API_KEY[:-1]):
        async with server.client(key) as client:
            for method, path in routes:
                response = await client.request(method, path, json={"task": "x"})
                assert response.status_code == 401, (method, path, key, response.text)
                assert response.json()["error"] == "unauthorized"
                assert "binks key" in response.json()["detail"]
                assert response.headers["www-authenticate"] == "Bearer"
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        health = await anonymous.get("/health")
    assert health.status_code == 200
    assert set(health.json()) == {"status", "version"}


async def test_bearer_and_x_api_key_both_work(start_server: ServerFactory) -> None:
    server = start_server([answer("hi")])
    async with httpx.AsyncClient(base_url=server.url) as client:
        bearer = await client.get("/threads", headers={"Authorization": f"Bearer {API_KEY}"})
        header = await client.get("/threads", headers={"X-API-Key": API_KEY})
        health = await client.get("/health", headers={"X-API-Key": API_KEY})
    assert bearer.status_code == header.status_code == 200
    checks = health.json()["checks"]
    assert set(checks) == {"checkpointer", "model", "cluster"}
    assert checks["checkpointer"]["ok"] is True


async def test_key_file_is_made_0600_on_first_start_and_rotation_takes_effect(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    state = tmp_path / "fresh"
    server = start_server([answer("hi")], state_dir=state, api_key=None)
    key_file = state / "api-key"
    assert oct(os.stat(key_file).st_mode & 0o777) == "0o600"
    key = key_file.read_text().strip()
    assert len(key) >= 32
    async with server.client(key) as client:
        assert (await client.get("/threads")).status_code == 200
    new_key = write_key_file(key_file)  # what `binks key --rotate` does
    assert key_id(new_key) != key_id(key)
    async with server.client(key) as old, server.client(new_key) as new:
        assert (await old.get("/threads")).status_code == 401
        assert (await new.get("/threads")).status_code == 200


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    from binks.errors import ConfigError
    from binks.server.auth import KeySource

    settings = make_settings(tmp_path, api_key=None)
    write_key_file(settings.api_key_file)
    os.chmod(settings.api_key_file, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        KeySource.load(settings)
