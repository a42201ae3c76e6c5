"""The FastAPI app: :func:`create_app` builds it; its lifespan owns everything stateful.

The lifespan opens the database engine (creating or migrating Binks' tables) and the
checkpointer, builds the graph with a timed toolbox and the audit log, marks threads whose
run died with the last process as ``interrupted`` (they wait for an explicit ``/resume``),
starts event-log retention and the metrics registry, and at shutdown drains running graphs
to a checkpoint before closing the database. Nothing lives in module globals, so tests and
benchmarks can run several apps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from binks import __version__
from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import make_engine, sqlite_url
from binks.checkpoints.events import EventLog
from binks.checkpoints.intents import IntentLog
from binks.checkpoints.saver import open_checkpointer
from binks.checkpoints.schema import prepare_database
from binks.checkpoints.threads import ThreadIndex
from binks.graph.builder import build_graph
from binks.server.auth import KeySource
from binks.server.checks import make_health_checker
from binks.server.handlers import install_error_handlers
from binks.server.housekeeping import retention_task
from binks.server.instrument import TimedToolbox
from binks.server.limits import BodyLimit
from binks.server.metrics import Metrics
from binks.server.routes import decisions, events, health, invoke, threads
from binks.server.routes import metrics as metrics_route
from binks.server.runs import RunManager
from binks.server.schemas import MAX_BODY_BYTES
from binks.server.services import Services
from binks.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from binks.tools.protocol import Toolbox
    from binks.tools.toolbox import KubeToolbox

#: Seconds between heartbeat comments on idle event streams.
HEARTBEAT_S = 15.0


def database_url(settings: Settings) -> str:
    """SQLAlchemy's async URL for the configured database (SQLite in the state dir by default)."""
    url = settings.database_url
    if url is None:
        return sqlite_url(settings.database_path)
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    return url


def create_app(
    settings: Settings,
    *,
    model: BaseChatModel | None = None,
    toolbox: Toolbox | None = None,
    heartbeat_s: float = HEARTBEAT_S,
) -> FastAPI:
    """The Binks HTTP API; ``model`` and ``toolbox`` replace the configured ones (tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        keys = KeySource.load(settings)
        engine = make_engine(database_url(settings))
        try:
            await prepare_database(engine)
            metrics = Metrics()
            audit = AuditLog(engine)
            async with open_checkpointer(settings) as checkpointer:
                chat = model if model is not None else _default_model(settings)
                own_tools: KubeToolbox | None = None
                tools: Toolbox
                if toolbox is not None:
                    tools = toolbox
                else:
                    tools = own_tools = _default_toolbox(settings)
                graph = build_graph(
                    model=chat,
                    toolbox=TimedToolbox(tools, metrics),
                    settings=settings,
                    checkpointer=checkpointer,
                    intents=IntentLog(engine),
                    audit=audit,
                )
                thread_index = ThreadIndex(engine)
                event_log = EventLog(engine)
                runs = RunManager(
                    graph=graph,
                    threads=thread_index,
                    events=event_log,
                    audit=audit,
                    settings=settings,
                    metrics=metrics,
                )
                metrics.watch(subscribers=event_log.subscriber_count, running=runs.running_count)
                await runs.recover()
                app.state.services = Services(
                    settings=settings,
                    keys=keys,
                    engine=engine,
                    checkpointer=checkpointer,
                    graph=graph,
                    threads=thread_index,
                    events=event_log,
                    audit=runs.audit,
                    runs=runs,
                    model=chat,
                    toolbox=tools,
                    health=make_health_checker(settings, engine, chat, tools, model_given=model is not None),
                    heartbeat_s=heartbeat_s,
                    metrics=metrics,
                )
                retention = retention_task(engine, settings.event_retention_days)
                try:
                    yield
                finally:
                    if retention is not None:
                        retention.cancel()
                    await runs.drain()
                    event_log.close_all()
                    if own_tools is not None:
                        own_tools.close()
        finally:
            await engine.dispose()

    app = FastAPI(
        title="Binks",
        version=__version__,
        description="A local-LLM brain for a Kubernetes cluster: every change waits for a person's yes. "
        "Send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for module in (health, invoke, threads, decisions, events, metrics_route):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Last-Event-ID"],
        )
    return app


def _default_model(settings: Settings) -> BaseChatModel:
    from binks.graph.model import make_chat_model

    return make_chat_model(settings)


def _default_toolbox(settings: Settings) -> KubeToolbox:
    from binks.tools.toolbox import KubeToolbox

    return KubeToolbox(settings)
