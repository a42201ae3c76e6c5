"""The object store: one dict per server, a resourceVersion counter and a watch history.

The uvicorn thread and the test thread both touch it, so every public method takes the
store's re-entrant lock; callers that need several steps to be atomic hold ``store.lock``.
Objects go in and come out as deep copies, so nobody mutates stored state by accident.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
Key = tuple[str, str, str]  # (plural with group, namespace or "", name)
ObjList = list[Obj]


@dataclass(frozen=True)
class WatchEvent:
    """One change, in the order it happened."""

    rv: int
    type: str  # ADDED, MODIFIED, DELETED
    resource: str  # "apps/deployments", "/pods"
    object: Obj


EventList = list[WatchEvent]
KeyList = list[Key]


class Store:
    """In-memory objects keyed by resource, namespace and name."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._objects: dict[Key, Obj] = {}
        self._rv = 1000
        self._history: list[WatchEvent] = []
        self._listeners: list[Callable[[], None]] = []
        self.epoch = 0

    def clear(self) -> None:
        """Forget every object and end every watch (a fresh cluster for the next test)."""
        with self.lock:
            self._objects.clear()
            self._history.clear()
            self.epoch += 1
            self._notify()

    def next_rv(self) -> int:
        """Allocate the next resourceVersion."""
        with self.lock:
            self._rv += 1
            return self._rv

    @property
    def current_rv(self) -> int:
        """The latest resourceVersion handed out (list responses report it)."""
        return self._rv

    def get(self, resource: str, namespace: str, name: str) -> Obj | None:
        """A copy of one object, or ``None``."""
        with self.lock:
            found = self._objects.get((resource, namespace, name))
            return copy.deepcopy(found) if found is not None else None

    def list(self, resource: str, namespace: str | None = None) -> ObjList:
        """Copies of all objects of a resource, sorted by namespace and name like the real server."""
        with self.lock:
            found = [
                obj
                for (res, ns, _), obj in self._objects.items()
                if res == resource and (namespace is None or ns == namespace)
            ]
            found.sort(key=lambda o: (o["metadata"].get("namespace", ""), o["metadata"]["name"]))
            return copy.deepcopy(found)

    def namespaces_in_use(self, namespace: str) -> KeyList:
        """Keys of every object in a namespace (namespace deletion removes them)."""
        with self.lock:
            return [key for key in self._objects if key[1] == namespace]

    def put(self, resource: str, obj: Obj) -> Obj:
        """Store ``obj`` with a fresh resourceVersion and record ADDED or MODIFIED."""
        with self.lock:
            meta = obj["metadata"]
            key = (resource, meta.get("namespace", ""), meta["name"])
            kind = "MODIFIED" if key in self._objects else "ADDED"
            meta["resourceVersion"] = str(self.next_rv())
            stored = copy.deepcopy(obj)
            self._objects[key] = stored
            self._record(kind, resource, stored)
            return copy.deepcopy(stored)

    def delete(self, resource: str, namespace: str, name: str) -> Obj | None:
        """Remove an object and record DELETED; returns what was removed."""
        with self.lock:
            removed = self._objects.pop((resource, namespace, name), None)
            if removed is None:
                return None
            removed = copy.deepcopy(removed)
            removed["metadata"]["resourceVersion"] = str(self.next_rv())
            self._record("DELETED", resource, removed)
            return removed

    def history_since(self, rv: int, resource: str) -> EventList:
        """Events for ``resource`` newer than ``rv`` (watch replay)."""
        with self.lock:
            return [e for e in self._history if e.rv > rv and e.resource == resource]

    def oldest_rv(self) -> int:
        """The oldest resourceVersion the history can still replay from."""
        with self.lock:
            return self._history[0].rv - 1 if self._history else self._rv

    def subscribe(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after every change; returns the unsubscribe function."""
        with self.lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self.lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _record(self, kind: str, resource: str, obj: Obj) -> None:
        self._history.append(WatchEvent(int(obj["metadata"]["resourceVersion"]), kind, resource, obj))
        if len(self._history) > 20000:
            del self._history[:5000]
        self._notify()

    def _notify(self) -> None:
        for listener in list(self._listeners):
            listener()
