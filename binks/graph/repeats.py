"""Loop detection: the same failing tool call, made again and again, is stopped.

A small model that gets an error often sends the very same call again, and again, until
the turn bound ends the run many minutes later. Binks counts failures per exact call
(tool name plus canonical arguments) within a task:

- after :data:`FAILURE_LIMIT` failures the result says so and tells the model to change
  its approach;
- the next identical call is not run: the result repeats the error and the advice;
- one more identical call makes the next turn the final answer, asked with no tools
  bound (:mod:`binks.graph.final`), which names the failing call as not checked.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel

FAILURE_LIMIT = 2
"""Failures of one exact call before Binks stops running it."""
_MAX_ERROR = 300


class CallFailures(BaseModel):
    """How one exact call fared in this task."""

    count: int = 0
    """Times it ran and failed."""
    refused: int = 0
    """Times it was not run because it had failed :data:`FAILURE_LIMIT` times already."""
    error: str = ""
    """The last error, shortened."""
    call: str = ""
    """The call as a person reads it (``kubectl get pods -n shop``)."""


def describe_call(name: str, args: dict[str, Any]) -> str:
    """The call as a person reads it: ``kubectl get pods -n shop`` or ``tool {args}``."""
    command = args.get("command")
    if name == "run_kubectl" and isinstance(command, str):
        return command.strip() if command.strip().startswith("kubectl") else f"kubectl {command.strip()}"
    return f"{name} {json.dumps(args, sort_keys=True, default=str)}"


def shorten(error: str, limit: int = _MAX_ERROR) -> str:
    """An error (or any result) on one line, cut to a length worth repeating."""
    line = re.sub(r"\s+", " ", error).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def failed_again(record: CallFailures) -> str:
    """The advice appended to a failure that reached the limit."""
    return (
        f"\n(This exact call has now failed {record.count} times. Do not repeat it: change the"
        " command as the error or hint says, try another way, or answer with what you know.)"
    )


def not_run(record: CallFailures) -> str:
    """The tool result for a repeat that Binks does not run."""
    return (
        f"Not run: this exact call already failed {record.count} times, last with: {record.error}"
        " Running it again gives the same error. Change the command (read the error and its hint),"
        " try another tool, or answer with what you know."
    )
