"""``GET /metrics``: the server's metrics in Prometheus' text format, behind the API key.

Like every route but ``/health`` it needs the key; a Prometheus scrape job sends it with
``authorization: {credentials_file: ...}`` (see the README).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from binks.server.deps import ServicesDep, require_key
from binks.server.schemas import ErrorBody

router = APIRouter(
    tags=["metrics"], dependencies=[Depends(require_key)], responses={401: {"model": ErrorBody}}
)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}},
)
async def metrics(services: ServicesDep) -> Response:
    """Runs, decisions, time to decision, tool and model latency, tokens, streams, event log size."""
    services.metrics.event_log_rows.set(await services.events.row_count())
    return Response(generate_latest(services.metrics.registry), media_type=CONTENT_TYPE_LATEST)
