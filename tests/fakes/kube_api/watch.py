"""Watch streams: newline-delimited JSON events, initial events and bookmarks.

kubectl 1.3x watches with ``sendInitialEvents=true``: the server replays the current state
as ADDED events and then sends a BOOKMARK annotated ``k8s.io/initial-events-end``. Without
it, ``resourceVersion`` picks where the stream starts, ``0``/empty meaning "current state
first". Streams end at ``timeoutSeconds``, when the client leaves, or on reset.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from tests.fakes.kube_api import tables
from tests.fakes.kube_api.errors import ApiError
from tests.fakes.kube_api.handlers import Call, list_objects
from tests.fakes.kube_api.kinds import Kind
from tests.fakes.kube_api.selectors import field_matcher, label_matcher
from tests.fakes.kube_api.state import ServerState

Obj = dict[str, Any]


def _encode(call: Call, kind: Kind, type_: str, obj: Obj) -> bytes:
    if "as=Table" in call.accept and type_ != "BOOKMARK":
        obj = tables.table(
            kind.kind, [obj], obj["metadata"]["resourceVersion"], call.query.get("includeObject", "Metadata")
        )
    return json.dumps({"type": type_, "object": obj}).encode() + b"\n"


def _bookmark(kind: Kind, rv: int, initial_end: bool) -> Obj:
    meta: Obj = {"resourceVersion": str(rv)}
    if initial_end:
        meta["annotations"] = {"k8s.io/initial-events-end": "true"}
    return {"kind": kind.kind, "apiVersion": kind.api_version, "metadata": meta}


def start_rv(state: ServerState, call: Call) -> int | None:
    """Where the stream starts; ``None`` means "send the current state first"."""
    rv = call.query.get("resourceVersion", "")
    if call.query.get("sendInitialEvents") == "true" or rv in ("", "0"):
        return None
    try:
        value = int(rv)
    except ValueError as exc:
        raise ApiError(400, f"invalid resource version: {rv}") from exc
    if value < state.store.oldest_rv():
        raise ApiError(410, f"too old resource version: {value} ({state.store.oldest_rv()})", "Expired")
    return value


async def stream(state: ServerState, call: Call, kind: Kind, begin: int | None) -> AsyncIterator[bytes]:
    """Yield encoded watch events until timeout, disconnect or reset."""
    loop = asyncio.get_running_loop()
    wake = asyncio.Event()

    def notify() -> None:
        try:
            loop.call_soon_threadsafe(wake.set)
        except RuntimeError:  # the server's loop is gone; the stream ends with it
            return

    unsubscribe = state.store.subscribe(notify)
    epoch = state.store.epoch
    labels = label_matcher(call.query.get("labelSelector"))
    fields = field_matcher(call.query.get("fieldSelector"), kind.kind)
    namespace = call.info.namespace
    timeout = float(call.query.get("timeoutSeconds") or 1800)
    deadline = time.monotonic() + min(timeout, 3600)
    try:
        if begin is None:
            with state.store.lock:
                last = state.store.current_rv
                current = list_objects(state, call, kind)
            for obj in current:
                yield _encode(call, kind, "ADDED", obj)
            if call.query.get("sendInitialEvents") == "true":
                yield _encode(call, kind, "BOOKMARK", _bookmark(kind, last, initial_end=True))
        else:
            last = begin
        while True:
            wake.clear()
            for event in state.store.history_since(last, kind.key):
                last = event.rv
                obj = event.object
                if namespace and obj["metadata"].get("namespace") != namespace:
                    continue
                if labels(obj) and fields(obj):
                    yield _encode(call, kind, event.type, obj)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or state.store.epoch != epoch:
                return
            try:
                await asyncio.wait_for(wake.wait(), timeout=min(remaining, 5.0))
            except TimeoutError:
                if call.query.get("allowWatchBookmarks") == "true":
                    yield _encode(call, kind, "BOOKMARK", _bookmark(kind, state.store.current_rv, False))
    finally:
        unsubscribe()
