"""Keep tool output within what a small local model can read.

A local model's context is a few thousand tokens and every token costs prompt time, so
output beyond ``settings.output_limit_bytes`` is cut, at a line boundary, with a note that
says how much was cut and how to ask for less.
"""

from __future__ import annotations

NOTE = (
    "\n[… {cut} bytes cut: narrow the command (-n NAMESPACE, -l selector, --field-selector, "
    "--tail=N, -o name or -o jsonpath=...)]\n"
)


def cap_output(text: str, limit_bytes: int) -> tuple[str, int]:
    """Return the text cut to ``limit_bytes`` (UTF-8, at a line end if one is near) and the bytes cut."""
    data = text.encode("utf-8")
    if len(data) <= limit_bytes:
        return text, 0
    head = data[:limit_bytes]
    newline = head.rfind(b"\n")
    if newline >= limit_bytes // 2:
        head = head[: newline + 1]
    kept = head.decode("utf-8", errors="ignore")
    cut = len(data) - len(kept.encode("utf-8"))
    return kept + NOTE.format(cut=cut), cut
