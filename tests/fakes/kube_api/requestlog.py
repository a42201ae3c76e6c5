"""The request log tests read, and fault injection for the next matching requests."""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field

MUTATING_VERBS = frozenset({"create", "update", "patch", "delete", "deletecollection"})


@dataclass(frozen=True)
class RequestRecord:
    """One API request as the server understood it."""

    method: str
    path: str
    verb: str
    resource: str | None
    subresource: str | None
    namespace: str | None
    name: str | None
    dry_run: bool
    mutating: bool
    status: int
    query: str = ""


@dataclass
class Hold:
    """Keep one request waiting until the test releases it (crash tests kill clients meanwhile).

    ``after=False`` holds the request before the server acts on it; ``after=True`` lets the
    server act (and log the request) and holds only the response. ``reached`` is set when
    the request is being held, ``finished`` once the server is done with it.
    """

    after: bool = False
    reached: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        """Let the request go on."""
        self.released.set()

    async def wait(self, limit_s: float = 120.0) -> None:
        """Called by the server: mark the request held, then wait (polling) for the release."""
        self.reached.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit_s
        while not self.released.is_set() and loop.time() < deadline:
            await asyncio.sleep(0.005)


@dataclass
class Fault:
    """Answer the next ``times`` requests matching method and path with ``status``."""

    method: str
    path: re.Pattern[str]
    status: int
    times: int
    delay_s: float
    hold: Hold | None = None
    hang: bool = False
    """Never answer: wait until the client gives up, and do nothing."""


class RequestLog:
    """Thread-safe list of records plus pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._faults: list[Fault] = []
        self._holds: list[Hold] = []

    def clear(self) -> None:
        """Forget the log and every pending fault; release every held request."""
        with self._lock:
            self._records.clear()
            for hold in self._holds:
                hold.release()
            self._holds.clear()
            self._faults.clear()

    def clear_records(self) -> None:
        """Forget the log but keep pending faults."""
        with self._lock:
            self._records.clear()

    def add(self, record: RequestRecord) -> None:
        """Append a finished request."""
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        """A snapshot, in order."""
        with self._lock:
            return list(self._records)

    def add_fault(self, fault: Fault) -> None:
        """Queue a fault."""
        with self._lock:
            self._faults.append(fault)
            if fault.hold is not None:
                self._holds.append(fault.hold)

    def drop_faults(self, pattern: str) -> None:
        """Forget the pending faults whose path regex is exactly ``pattern``."""
        with self._lock:
            self._faults = [fault for fault in self._faults if fault.path.pattern != pattern]

    def take_fault(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, consuming one of its uses."""
        with self._lock:
            for fault in self._faults:
                if fault.method.upper() in (method.upper(), "*") and fault.path.search(path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None
