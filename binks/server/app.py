"""The FastAPI app: :func:`create_app` builds it; its lifespan owns everything stateful.

The lifespan opens the database (creating or migrating Binks' tables) and the checkpointer,
builds the graph with a timed toolbox and the audit log, marks threads whose run died with
its replica as ``interrupted`` (they wait for an explicit ``/resume``), starts this replica's
heartbeat (:mod:`binks.server.leases`), on PostgreSQL the listener that brings other
replicas' events and cancel requests (:mod:`binks.checkpoints.notify`), event-log retention
and the metrics registry; at shutdown it drains running graphs to a checkpoint before
closing the database. Nothing lives in module globals, so tests and benchmarks can run
several apps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.routing import Route

from binks import __version__
from binks.checkpoints.audit import AuditLog
from binks.checkpoints.db import Database, connect
from binks.checkpoints.db import database_url as database_url
from binks.checkpoints.events import CHANNEL, EventLog
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
from binks.server.leases import keep_leases, leave
from binks.server.limits import BodyLimit
from binks.server.mcp_http import PATH as MCP_PATH
from binks.server.mcp_http import McpEndpoint
from binks.server.metrics import Metrics
from binks.server.routes import decisions, event_log, events, health, invoke, proposals, reads, threads
from binks.server.routes import metrics as metrics_route
from binks.server.runs import CONTROL_CHANNEL, RunManager
from binks.server.schemas import MAX_BODY_BYTES
from binks.server.services import Services
from binks.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from binks.tools.protocol import Toolbox
    from binks.tools.toolbox import KubeToolbox

#: Seconds between heartbeat comments on idle event streams.
HEARTBEAT_S = 15.0


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
        database = connect(database_url(settings))
        try:
            await prepare_database(database)
            async with open_checkpointer(database) as checkpointer, AsyncExitStack() as stack:
                metrics = Metrics()
                audit = AuditLog(database)
                chat = model if model is not None else _default_model(settings)
                own_tools: KubeToolbox | None = None
                tools: Toolbox
                if toolbox is not None:
                    tools = toolbox
                else:
                    tools = own_tools = _default_toolbox(settings)
                    stack.callback(own_tools.close)
                graph = build_graph(
                    model=chat,
                    toolbox=TimedToolbox(tools, metrics),
                    settings=settings,
                    checkpointer=checkpointer,
                    intents=IntentLog(database),
                    audit=audit,
                )
                thread_index = ThreadIndex(database)
                event_log = EventLog(database)
                stack.callback(event_log.close_all)
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
                await _listen(stack, database, event_log, runs)
                app.state.services = Services(
                    settings=settings,
                    keys=keys,
                    database=database,
                    checkpointer=checkpointer,
                    graph=graph,
                    threads=thread_index,
                    events=event_log,
                    audit=runs.audit,
                    runs=runs,
                    model=chat,
                    toolbox=tools,
                    health=make_health_checker(
                        settings, database, chat, tools, model_given=model is not None
                    ),
                    heartbeat_s=heartbeat_s,
                    metrics=metrics,
                )
                stack.push_async_callback(leave, runs)
                _background(stack, keep_leases(runs, datetime.now(UTC)), "binks-leases")
                retention = retention_task(database, settings.event_retention_days)
                if retention is not None:
                    stack.callback(retention.cancel)
                stack.push_async_callback(runs.drain)
                await stack.enter_async_context(mcp.running())
                yield
        finally:
            await database.close()

    app = FastAPI(
        title="Binks",
        version=__version__,
        description="A local-LLM brain for a Kubernetes cluster: every change waits for a person's yes. "
        "Send the API key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'. "
        "MCP clients connect to /mcp (streamable HTTP) with the same key.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for module in (health, invoke, threads, decisions, events, event_log, reads, proposals, metrics_route):
        app.include_router(module.router)
    mcp = McpEndpoint(app, settings)
    app.router.routes.append(Route(MCP_PATH, endpoint=mcp, methods=["GET", "POST", "DELETE"]))
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", "Last-Event-ID"],
        )
    return app


async def _listen(stack: AsyncExitStack, database: Database, events: EventLog, runs: RunManager) -> None:
    """On PostgreSQL: follow other replicas' events and cancel requests (see the module docstring)."""
    if database.dialect != "postgresql":
        return
    from binks.checkpoints.notify import Listener

    async def on_event(payload: str) -> None:
        thread_id, _, seq = payload.rpartition(" ")
        await events.deliver(thread_id, int(seq))

    async def catch_up() -> None:
        for thread_id in events.followed_threads():
            await events.deliver(thread_id, await events.last_seq(thread_id))

    listener = Listener(database.url, {CHANNEL: on_event, CONTROL_CHANNEL: runs.on_control}, catch_up)
    await listener.start()
    stack.push_async_callback(listener.close)


def _background(stack: AsyncExitStack, work: Any, name: str) -> None:
    task = asyncio.get_running_loop().create_task(work, name=name)

    async def stop() -> None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    stack.push_async_callback(stop)


def _default_model(settings: Settings) -> BaseChatModel:
    from binks.graph.model import make_chat_model

    return make_chat_model(settings)


def _default_toolbox(settings: Settings) -> KubeToolbox:
    from binks.tools.toolbox import KubeToolbox

    return KubeToolbox(settings)
