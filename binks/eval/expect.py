r"""``expect`` checks the way k8s-ai-bench reads them: RE2 regular expressions on the answer.

k8s-ai-bench compiles ``contains`` and ``notContains`` with Go's ``regexp`` (RE2 syntax:
``(?i)`` for case, ``\b``, classes, no backreferences or lookaround) and matches them
anywhere in the agent's output after its last tool run. Binks has no tool-run lines in its
answer, so the whole final answer is matched. The ``google-re2`` binding is RE2 itself, so
a pattern Go accepts behaves the same here, and one RE2 rejects (a lookahead, say) is a
failed expectation that names the pattern, as in k8s-ai-bench.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> Any:
    return re2.compile(pattern)


def pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` is not a valid RE2 expression (None when it is)."""
    try:
        _compiled(pattern)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        return (reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)) or "invalid"
    return None


def matches(pattern: str, text: str) -> bool:
    """Whether the RE2 ``pattern`` matches anywhere in ``text`` (Go's ``MatchString``)."""
    return _compiled(pattern).search(text) is not None
