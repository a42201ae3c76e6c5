"""The ASGI app.

Non-resource endpoints (discovery, OpenAPI, version, health) and one catch-all route for
resources that logs every request and applies injected faults.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.kube_api import discovery, openapi, watch
from tests.fakes.kube_api.errors import ApiError, page_not_found
from tests.fakes.kube_api.handlers import Call, Reply, dispatch
from tests.fakes.kube_api.paths import RequestInfo, parse
from tests.fakes.kube_api.protobuf import MAGIC, decode_envelope
from tests.fakes.kube_api.requestlog import MUTATING_VERBS, Fault, RequestRecord
from tests.fakes.kube_api.state import ServerState

Obj = dict[str, Any]


_PUBLIC = frozenset({"/healthz", "/readyz", "/livez", "/version", "/version/"})


def _json(body: Obj, status: int = 200) -> Response:
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def _non_resource(state: ServerState, path: str) -> Response:
    trimmed = path.rstrip("/") or "/"
    parts = [p for p in trimmed.split("/") if p]
    if trimmed == "/version":
        return _json(discovery.VERSION)
    if trimmed == "/api":
        return _json(discovery.api_versions(state.address))
    if trimmed == "/apis":
        return _json(discovery.api_group_list())
    if trimmed in ("/healthz", "/readyz", "/livez"):
        return PlainTextResponse("ok")
    if trimmed == "/openapi/v3":
        return _json(openapi.root())
    if trimmed.startswith("/openapi/v3/"):
        doc = openapi.document_bytes(trimmed[len("/openapi/v3/") :])
        if doc is not None:
            return Response(doc, media_type="application/json")
    if len(parts) == 2 and parts[0] == "api":
        listing = discovery.resource_list("", parts[1])
        if listing is not None:
            return _json(listing)
    if len(parts) == 2 and parts[0] == "apis":
        group = discovery.api_group(parts[1])
        if group is not None:
            return _json(group)
    if len(parts) == 3 and parts[0] == "apis":
        listing = discovery.resource_list(parts[1], parts[2])
        if listing is not None:
            return _json(listing)
    return _json(page_not_found().status(), 404)


def _body_dry_run(request: Request) -> bool:
    """Read ``dryRun`` from a body: a DELETE's DeleteOptions, an Eviction's ``deleteOptions``."""
    body = getattr(request, "_body", b"")  # Starlette caches the body once a handler has read it
    if request.method not in ("DELETE", "POST") or not body:
        return False
    try:
        if body.startswith(MAGIC):
            options = decode_envelope(body)
        else:
            options = json.loads(body)
    except (ValueError, ApiError):
        return False
    if not isinstance(options, dict):
        return False
    if request.method == "POST":
        options = options.get("deleteOptions") or {}
    return isinstance(options, dict) and options.get("dryRun") == ["All"]


def _record(state: ServerState, request: Request, info: RequestInfo, status: int) -> None:
    dry_run = request.query_params.get("dryRun") == "All" or _body_dry_run(request)
    mutating = (
        info.is_resource
        and info.verb in MUTATING_VERBS
        and info.resource not in ("selfsubjectaccessreviews", "selfsubjectrulesreviews", "selfsubjectreviews")
    )
    state.log.add(
        RequestRecord(
            method=request.method,
            path=request.url.path,
            verb=info.verb,
            resource=info.resource,
            subresource=info.subresource,
            namespace=info.namespace,
            name=info.name,
            dry_run=dry_run,
            mutating=mutating,
            status=status,
            query=request.url.query,
        )
    )


HANG_LIMIT_S = 600.0
"""A hung request a client never leaves ends after this long (504), so a test cannot hang."""


async def _hang(request: Request) -> Response:
    """A server that never answers: wait for the client to give up, act on nothing, log nothing."""
    try:
        await request.body()
    except ClientDisconnect:
        return Response(status_code=499)
    deadline = asyncio.get_running_loop().time() + HANG_LIMIT_S
    while not await request.is_disconnected():
        if asyncio.get_running_loop().time() > deadline:
            return Response(status_code=504)
        await asyncio.sleep(0.01)
    return Response(status_code=499)


def build_app(state: ServerState) -> Starlette:
    """The fake API server for one :class:`ServerState`."""

    async def _handle(request: Request, path: str, info: RequestInfo, fault: Fault | None) -> Response:
        query = dict(request.query_params)
        if fault is not None and fault.hang:
            return await _hang(request)
        if fault is not None:
            if fault.delay_s:
                await asyncio.sleep(fault.delay_s)
            if fault.status:
                error = ApiError(
                    fault.status, f"injected fault: HTTP {fault.status} for {request.method} {path}"
                )
                _record(state, request, info, fault.status)
                return _json(error.status(), fault.status)
        if not info.is_resource:
            response = _non_resource(state, path)
            _record(state, request, info, response.status_code)
            return response
        try:
            body = await request.body()
        except ClientDisconnect:  # the client gave up (killed, timed out) before sending it all
            return Response(status_code=499)
        call = Call(
            info=info,
            query=query,
            body=body,
            content_type=request.headers.get("content-type", "application/json"),
            accept=request.headers.get("accept", "application/json"),
            user_agent=request.headers.get("user-agent", ""),
        )
        try:
            if info.kind is not None:
                state.authorizer.check(
                    info.verb, info.group, info.resource or "", info.subresource, info.namespace, info.name
                )
            if info.verb == "watch" and info.kind is not None:
                begin = watch.start_rv(state, call)
                _record(state, request, info, 200)
                return StreamingResponse(
                    watch.stream(state, call, info.kind, begin), media_type="application/json"
                )
            reply = dispatch(state, call)
        except ApiError as exc:
            _record(state, request, info, exc.code)
            return _json(exc.status(), exc.code)
        _record(state, request, info, reply.status)
        return _reply(reply)

    async def handle(request: Request) -> Response:
        path = request.url.path
        query = dict(request.query_params)
        info = parse(path, request.method, query.get("watch") in ("true", "1"))
        # kubectl never sends a bearer token over plain HTTP, so only a wrong token is refused
        sent = request.headers.get("authorization")
        if sent is not None and sent != f"Bearer {state.token}" and path not in _PUBLIC:
            _record(state, request, info, 401)
            return _json(ApiError(401, "Unauthorized").status(), 401)
        fault = state.log.take_fault(request.method, path)
        hold = fault.hold if fault is not None else None
        if hold is None:
            return await _handle(request, path, info, fault)
        try:
            if not hold.after:
                await request.body()  # received in full: it is carried out even if the client dies
                await hold.wait()
            response = await _handle(request, path, info, fault)
            if hold.after:
                await hold.wait()
            return response
        finally:
            hold.finished.set()

    return Starlette(
        routes=[Route("/{path:path}", handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])]
    )


def _reply(reply: Reply) -> Response:
    if reply.text is not None:
        return PlainTextResponse(reply.text, status_code=reply.status)
    return _json(reply.body or {}, reply.status)
