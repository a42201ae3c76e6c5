"""The three health checks of ``/health``: checkpoint database, model backend, cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text

from binks.checkpoints.db import Database
from binks.errors import BinksError
from binks.server.health import HealthChecker
from binks.server.schemas import CheckOut
from binks.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from binks.tools.protocol import Toolbox


def make_health_checker(
    settings: Settings, database: Database, model: BaseChatModel, toolbox: Toolbox, *, model_given: bool
) -> HealthChecker:
    """Checks for this server; a model handed to :func:`create_app` is reported, not probed."""

    async def checkpointer() -> CheckOut:
        await database.read(lambda c: c.execute(text("SELECT 1")))
        return CheckOut(ok=True, detail=f"database reachable ({database.dialect})")

    async def model_backend() -> CheckOut:
        if model_given:
            return CheckOut(ok=True, detail=f"{type(model).__name__} given to the server (not probed)")
        from binks.graph.model import check_model

        try:
            status = await check_model(settings)
        except BinksError as exc:
            return CheckOut(ok=False, detail=str(exc))
        return CheckOut(ok=True, detail=str(status))

    async def cluster() -> CheckOut:
        try:
            result = await toolbox.read("get_cluster_status", {})
        except BinksError as exc:
            return CheckOut(ok=False, detail=str(exc))
        first = result.output.strip().splitlines()[0] if result.output.strip() else ""
        return CheckOut(ok=result.ok, detail=first[:200])

    return HealthChecker({"checkpointer": checkpointer, "model": model_backend, "cluster": cluster})
