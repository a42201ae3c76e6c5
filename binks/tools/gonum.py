"""Numbers as kubectl reads them: Go's ``strconv`` rules, not Python's.

Risk rules compare numbers in flags (``--replicas=0`` is destructive, ``-v=9`` prints bodies),
and kubectl parses them with Go: pflag's int flags use ``strconv.ParseInt(s, 0, 64)``, so
``00``, ``0x0``, ``0o0``, ``0b0``, ``-0``, ``+0`` and ``0_0`` all mean zero; klog's ``-v``
uses base 10. Reading ``"00"`` as "not the string 0" is how a scale to zero once passed as an
ordinary change. These functions accept exactly what Go accepts and return None for what Go
rejects (kubectl then refuses the command, so nothing runs).
"""

from __future__ import annotations

import re

_INT64 = (-(2**63), 2**63 - 1)
_PREFIXES = {"0x": 16, "0X": 16, "0o": 8, "0O": 8, "0b": 2, "0B": 2}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _underscores_ok(text: str) -> bool:
    """Go's ``underscoreOK``: underscores only between digits (or after a base prefix)."""
    saw = "^"  # ^ start, 0 digit, _ underscore, ! other
    index = 0
    if len(text) >= 1 and text[0] in "+-":
        text = text[1:]
    hexadecimal = False
    if len(text) >= 2 and text[0] == "0" and text[1] in "xXoObB":
        index = 2
        saw = "0"
        hexadecimal = text[1] in "xX"
    while index < len(text):
        char = text[index]
        if char.isdigit() or (hexadecimal and char.lower() in "abcdef"):
            saw = "0"
        elif char == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        index += 1
    return saw != "_"


def parse_go_int(text: str, base: int = 0) -> int | None:
    """``strconv.ParseInt(text, base, 64)``; None where Go returns an error.

    With ``base=0`` the prefix picks the base (``0x``, ``0o``, ``0b``, a leading ``0`` is
    octal) and underscores may separate digits, exactly as in Go source.
    """
    if not text or text != text.strip():
        return None
    sign = 1
    body = text
    if body[0] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    digits = body
    if base == 0:
        if body[:2] in _PREFIXES:
            base = _PREFIXES[body[:2]]
            digits = body[2:]
        elif body[0] == "0" and len(body) > 1:
            base, digits = 8, body[1:]
        else:
            base = 10
        if "_" in text and not _underscores_ok(text):
            return None
        digits = digits.replace("_", "")
    elif "_" in body:
        return None
    if not digits or not re.fullmatch(f"[{_DIGITS[:base]}]+", digits.lower()):
        return None
    value = sign * int(digits, base)
    return value if _INT64[0] <= value <= _INT64[1] else None


def parse_go_bool(text: str) -> bool | None:
    """``strconv.ParseBool``: what pflag accepts for ``--flag=value`` on a bool flag."""
    if text in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if text in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    return None
