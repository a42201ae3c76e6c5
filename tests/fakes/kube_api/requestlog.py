"""The request log tests read, and fault injection for the next matching requests."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

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
class Fault:
    """Answer the next ``times`` requests matching method and path with ``status``."""

    method: str
    path: re.Pattern[str]
    status: int
    times: int
    delay_s: float


class RequestLog:
    """Thread-safe list of records plus pending faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._faults: list[Fault] = []

    def clear(self) -> None:
        """Forget the log and every pending fault."""
        with self._lock:
            self._records.clear()
            self._faults.clear()

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
