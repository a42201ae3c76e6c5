"""Logging, set up once per process: readable text by default, JSON lines for collectors.

Every record carries the thread id and run id of the work it belongs to, taken from
context variables that the run manager sets, so ``grep`` or a log query can follow one
conversation through the server, the graph and the tools.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Literal

thread_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("binks_thread_id", default=None)
run_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("binks_run_id", default=None)

_TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [thread=%(thread_id)s run=%(run_id)s] %(message)s"
_HANDLER_NAME = "binks"


class _ContextFilter(logging.Filter):
    """Stamp each record with the current thread and run id ('-' outside a run)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.thread_id = thread_id_var.get() or "-"
        record.run_id = run_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line with stable keys, for journald, Loki or jq."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record, its context ids and any traceback as one JSON line."""
        payload = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "thread_id": getattr(record, "thread_id", "-"),
            "run_id": getattr(record, "run_id", "-"),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(fmt: Literal["text", "json"] = "text", level: str = "INFO") -> None:
    """Install Binks' handler on the root logger; calling it again replaces, never duplicates."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(_ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


@contextmanager
def log_context(thread_id: str | None = None, run_id: str | None = None) -> Iterator[None]:
    """Tag every log line written inside the block with a thread id and run id."""
    tokens = []
    if thread_id is not None:
        tokens.append((thread_id_var, thread_id_var.set(thread_id)))
    if run_id is not None:
        tokens.append((run_id_var, run_id_var.set(run_id)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
