"""``/mcp`` on ``binks serve``: the MCP server over streamable HTTP, behind the same API key.

Every request must carry the key (``Authorization: Bearer`` or ``X-API-Key``) like the rest
of the API; without it the answer is the API's 401 and the MCP session never sees the
request. The tools then call this very app in-process (``httpx.ASGITransport``, no socket)
through the same client ``binks mcp`` uses over the network, so both transports share one
code path down to the routes, the run manager and the audit log.

The MCP SDK's DNS-rebinding check (Host must be localhost) is off: it would refuse a laptop
that reaches the workstation by name, and a rebinding page gains nothing here since it
cannot know the key.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
from fastapi import FastAPI, status
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.types import Receive, Scope, Send

from binks.client import AsyncBinksClient, ClientConfig
from binks.mcp import build_server
from binks.server.deps import UNAUTHORIZED
from binks.server.handlers import error_response
from binks.server.services import Services
from binks.settings import Settings

PATH = "/mcp"
INTERNAL_URL = "http://binks.internal"
"""Base URL of the in-process client (never resolved: the transport is the app itself)."""


class McpEndpoint:
    """The ASGI endpoint mounted at ``/mcp``; its session manager runs in the app's lifespan."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self._app = app
        server = build_server(self._client, settings.mcp_wait_s)
        server.streamable_http_app(
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False)
        )
        self._sessions: StreamableHTTPSessionManager = server.session_manager

    def running(self) -> AbstractAsyncContextManager[None]:
        """Run the MCP sessions for as long as the block lasts (the app's lifespan)."""
        return self._sessions.run()

    @asynccontextmanager
    async def _client(self) -> AsyncIterator[AsyncBinksClient]:
        """A client of this app, in-process, with the key in force now."""
        config = ClientConfig(url=INTERNAL_URL, api_key=self._services.keys.current(), source="in-process")
        async with AsyncBinksClient(config, transport=httpx.ASGITransport(app=self._app)) as client:
            yield client

    @property
    def _services(self) -> Services:
        services: Services = self._app.state.services
        return services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the key, then hand the request to the MCP session manager."""
        headers = Headers(scope=scope)
        bearer = headers.get("authorization", "")
        offered = bearer[7:].strip() if bearer.lower().startswith("bearer ") else headers.get("x-api-key")
        if self._services.keys.check(offered) is None:
            response = error_response(
                status.HTTP_401_UNAUTHORIZED,
                "unauthorized",
                UNAUTHORIZED,
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        await self._sessions.handle_request(scope, receive, send)
