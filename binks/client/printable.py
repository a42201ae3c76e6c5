r"""Text from the model and the cluster, made safe to print in a terminal.

What a run shows (the model's words, kubectl's output, commands) is written by the model's
side, so it may carry terminal escape sequences (move the cursor, shrink the scroll region,
repaint a fake approval card over the real one), bidirectional or zero-width characters
(make a command read differently from what runs), or markup a renderer would interpret.
Every such character is shown as a visible escape (ESC reads ``\u001b``); tabs and
newlines stay.
"""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def printable(text: str) -> str:
    r"""``text`` with control, escape, bidi and zero-width characters shown as ``\uXXXX``."""
    return _UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def printable_tree(value: Any) -> Any:
    """A JSON-like value with every string made :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: printable_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable_tree(item) for item in value]
    return value
