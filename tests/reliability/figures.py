"""Figures the reliability tests measured, printed together at the end of the pytest run.

A test calls :func:`note` with a one-line fact ("crash: 20 kill points ..."); the terminal
summary hook in ``conftest.py`` prints every line under one heading, so a CI log shows what
the suite actually exercised, not only that it passed.
"""

from __future__ import annotations

_LINES: list[str] = []


def note(line: str) -> None:
    """Remember one line for the summary."""
    _LINES.append(line)


def lines() -> list[str]:
    """Every line noted so far, in order."""
    return list(_LINES)
