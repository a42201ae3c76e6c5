"""Message text, whatever shape the backend gave it (a string or a list of parts)."""

from __future__ import annotations

import json
import re

from langchain_core.messages import BaseMessage

_WRAPPER = re.compile(
    r"^\s*(?:```[\w-]*|<tool_(?:response|call)>)\s*|\s*(?:```|</tool_(?:response|call)>)\s*$"
)


def message_text(message: BaseMessage) -> str:
    """The text of a message: its string content, or its text parts joined."""
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in content)


def only_data(text: str) -> bool:
    """Whether an answer holds nothing for a person: a bare JSON object or list, or an echo.

    The 1.5B model, asked for its answer, wrote ``{"command": "get deployments -A ..."}`` in a
    code fence (a call without its tool's name), or a ``<tool_response>`` block repeating
    the last result as if it were the tool.
    """
    stripped = text.strip()
    if stripped.startswith("<tool_response>"):
        return True
    body = _WRAPPER.sub("", stripped).strip()
    if not body.startswith(("{", "[")):
        return False
    try:
        return isinstance(json.loads(body), (dict, list))
    except ValueError:
        return False
