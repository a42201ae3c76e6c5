"""FastAPI dependencies as ``Annotated`` aliases: the lifespan-owned services and the key check.

Everything a route needs comes from ``app.state.services`` (built by the lifespan in
:mod:`binks.server.app`), never from module globals, so two apps in one process (tests,
benchmarks) never share state.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from binks.server.runs import RunManager
from binks.server.services import Services
from binks.tools.models import Classification

_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <key>")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="X-API-Key: <key>")

UNAUTHORIZED = (
    "missing or wrong API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'; "
    "on the server, 'binks key' shows the key"
)


# The dependencies are coroutines although they never await: FastAPI runs plain functions in
# its thread pool, which would cost every request four thread hops (and, on a busy machine,
# as many waits for the GIL).


async def get_services(request: Request) -> Services:
    """The services the lifespan built for this app."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_runs(services: ServicesDep) -> RunManager:
    """The run manager."""
    return services.runs


RunsDep = Annotated[RunManager, Depends(get_runs)]


async def optional_key(
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> str | None:
    """The key id when the request carries the right key, else None (for ``/health``)."""
    offered = bearer.credentials if bearer is not None else header
    return services.keys.check(offered)


async def require_key(key: Annotated[str | None, Depends(optional_key)]) -> str:
    """The key id of the request; 401 without the right key."""
    if key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"}
        )
    return key


OptionalKeyDep = Annotated[str | None, Depends(optional_key)]
KeyIdDep = Annotated[str, Depends(require_key)]
ThreadIdPath = Annotated[str, Path(min_length=1, max_length=128, description="the thread id")]


def assess(services: Services, tool: str, args: dict[str, Any]) -> Classification:
    """The tool layer's verdict on a call (``CommandRefused`` passes on as 422 ``refused``).

    Arguments the tool rejects are the caller's mistake: 422 with the tool's message.
    """
    try:
        return services.toolbox.assess(tool, args)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
