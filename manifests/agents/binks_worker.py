"""What every Binks worker agent shares: its task, its result line, HTTP and the model.

Worker agents run as Kubernetes Jobs on small nodes (Raspberry Pis), from a stock
``python:3.12-slim`` image, so this module uses the Python standard library only: a Pi must
not pip-install anything when a Job starts.

The contract with Binks (``check_agent_status`` reads it from the pod log):

- parameters arrive as one JSON object in the environment variable ``BINKS_TASK``
  (Binks renders it, with ``BINKS_THREAD_ID``, ``BINKS_STEP_ID`` and ``BINKS_AGENT_TYPE``);
- progress goes to stderr, one line per event;
- the last line on stdout is ``BINKS_RESULT {json}``, always: ``{"ok": true, ...}`` when the
  worker did its job and its verdict is good, ``{"ok": false, "error": "..."}`` otherwise,
  where the error says what to check;
- the exit code is 0 exactly when ``ok`` is true, so ``kubectl get jobs`` agrees with it.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

RESULT_PREFIX = "BINKS_RESULT "
DEFAULT_OLLAMA_URL = "http://ollama.ai-services.svc:11434"
DEFAULT_MODEL = "qwen2.5-coder:1.5b"
_MAX_ERROR_BODY = 300
_STARTED = time.monotonic()

JsonObject = dict[str, Any]


class WorkerError(Exception):
    """A failure the worker explains in its result: the message says what to check or change."""


def log(message: str) -> None:
    """Write one progress line to stderr (the pod log), with the time since the worker started."""
    elapsed = time.monotonic() - _STARTED
    sys.stderr.write(f"[{elapsed:7.1f}s] {message}\n")
    sys.stderr.flush()


def time_left() -> float:
    """Seconds until the worker must have printed its result.

    The Job's ``activeDeadlineSeconds`` kills the pod without a word; the template sets
    ``BINKS_TIME_BUDGET_SECONDS`` a little below it, so a worker can stop waiting in time
    and still report why.
    """
    try:
        budget = float(os.environ.get("BINKS_TIME_BUDGET_SECONDS") or 3600)
    except ValueError:
        budget = 3600.0
    return budget - (time.monotonic() - _STARTED)


def read_task(environ: Mapping[str, str] | None = None) -> JsonObject:
    """The task parameters Binks rendered into ``BINKS_TASK``, as a JSON object."""
    env = os.environ if environ is None else environ
    raw = env.get("BINKS_TASK", "").strip()
    if not raw:
        raise WorkerError("BINKS_TASK is empty: Binks renders the task parameters there as a JSON object")
    try:
        task = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise WorkerError(f"BINKS_TASK is not valid JSON ({exc.msg} at char {exc.pos})") from exc
    if not isinstance(task, dict):
        raise WorkerError(f"BINKS_TASK must be a JSON object, got {type(task).__name__}")
    return task


def require_str(task: Mapping[str, Any], *names: str) -> str:
    """The first of ``names`` present in the task as a non-empty string; a clear error otherwise."""
    for name in names:
        value = task.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    raise WorkerError(f"task parameter {names[0]!r} is required (a non-empty string)")


def optional_str(task: Mapping[str, Any], name: str) -> str | None:
    """A string parameter that may be absent; a clear error when it has the wrong type."""
    value = task.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise WorkerError(f"task parameter {name!r} must be a string, got {type(value).__name__}")
    return value.strip()


def number(task: Mapping[str, Any], name: str, default: float, *, low: float, high: float) -> float:
    """A numeric parameter with a default, kept inside ``[low, high]`` (a Job has a deadline)."""
    value = task.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WorkerError(f"task parameter {name!r} must be a number, got {value!r}")
    return float(min(max(value, low), high))


def emit_result(result: Mapping[str, Any]) -> None:
    """Print the one result line Binks parses; nothing may be written after it."""
    sys.stderr.flush()
    sys.stdout.write(RESULT_PREFIX + json.dumps(dict(result), sort_keys=True, default=str) + "\n")
    sys.stdout.flush()


def run(agent: str, work: Callable[[JsonObject], JsonObject]) -> int:
    """Run ``work`` on the task and always end with a result line; return the exit code.

    ``work`` returns the result object (with ``ok``); a :class:`WorkerError` becomes
    ``{"ok": false, "error": message}``; anything else is reported as an internal error with
    its traceback on stderr, because a worker that dies silently leaves Binks guessing.
    """
    try:
        result = work(read_task())
    except WorkerError as exc:
        log(f"failed: {exc}")
        result = {"ok": False, "error": str(exc)}
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        result = {"ok": False, "error": f"internal error in the {agent} worker: {type(exc).__name__}: {exc}"}
    result = {"agent": agent, **result}
    result["ok"] = bool(result.get("ok"))
    if not result["ok"] and not result.get("error"):
        result["error"] = "the worker reported failure without a reason"
    emit_result(result)
    return 0 if result["ok"] else 1


def http_request(
    method: str,
    url: str,
    *,
    body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    context: ssl.SSLContext | None = None,
    what: str = "the server",
) -> tuple[int, bytes]:
    """One HTTP call: ``(status, body)`` for any status; :class:`WorkerError` if unreachable."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), bytes(exc.read())
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WorkerError(f"cannot reach {what} at {url}: {reason}") from exc


def short(body: bytes) -> str:
    """The start of a response body for an error message."""
    text = body.decode("utf-8", "replace").strip()
    return text if len(text) <= _MAX_ERROR_BODY else text[:_MAX_ERROR_BODY] + "…"


def ollama_url() -> str:
    """The model server: the in-cluster Ollama unless ``OLLAMA_URL`` says otherwise."""
    return (os.environ.get("OLLAMA_URL") or DEFAULT_OLLAMA_URL).rstrip("/")


def ollama_chat(
    messages: list[JsonObject],
    *,
    model: str,
    timeout: float,
    response_format: Any = None,
) -> str:
    """Ask the model once (``/api/chat``, not streamed) and return the answer's text."""
    base = ollama_url()
    body: JsonObject = {"model": model, "messages": messages, "stream": False, "options": {"temperature": 0}}
    if response_format is not None:
        body["format"] = response_format
    hint = "check that the ollama Deployment in ai-services is ready: kubectl -n ai-services get pods"
    try:
        status, raw = http_request("POST", f"{base}/api/chat", body=body, timeout=timeout, what="Ollama")
    except WorkerError as exc:
        raise WorkerError(f"{exc}; {hint}") from exc
    if status == 404 and b"not found" in raw:
        raise WorkerError(
            f"Ollama at {base} does not have the model {model!r}: pull it "
            f"(kubectl -n ai-services exec deploy/ollama -- ollama pull {model}) or pass another 'model'"
        )
    if status != 200:
        raise WorkerError(f"Ollama at {base} answered HTTP {status}: {short(raw)}")
    try:
        answer = json.loads(raw)
        content = answer["message"]["content"]
    except (ValueError, KeyError, TypeError) as exc:
        raise WorkerError(f"Ollama at {base} sent an answer without message.content: {short(raw)}") from exc
    if not isinstance(content, str):
        raise WorkerError(f"Ollama at {base} sent a non-text message.content")
    return content
