"""``GET /health``: open to all for the status; the details only with the key."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from binks import __version__
from binks.server.deps import OptionalKeyDep, ServicesDep
from binks.server.schemas import HealthOut

router = APIRouter(tags=["health"])


#: The key is optional here: FastAPI lists the two key schemes, ``{}`` adds "or none".
OPTIONAL_KEY: dict[str, Any] = {"security": [{}]}


@router.get("/health", response_model_exclude_none=True, openapi_extra=OPTIONAL_KEY)
async def health(services: ServicesDep, key: OptionalKeyDep) -> HealthOut:
    """Status and version; with a valid key also the checkpointer, model and cluster checks.

    ``degraded`` means a dependency is away (Ollama stopped, the cluster unreachable); the
    server still serves threads, history and decisions.
    """
    checks = await services.health.results()
    status = "ok" if all(check.ok for check in checks.values()) else "degraded"
    if key is None:
        return HealthOut(status=status, version=__version__)
    return HealthOut(
        status=status, version=__version__, checks=checks, mcp_elicitation=services.settings.mcp_elicitation
    )
