"""Figures the reliability tests measured, printed together at the end of the pytest run.

A test calls :func:`note` with a one-line fact ("crash: 20 kill points ..."). The line rides
on the test's report (``user_properties``, which pytest-xdist carries from a worker to the
process that prints the summary), and the hooks in ``tests/conftest.py`` print every line
under one heading, so a CI log shows what the suite actually exercised, not only that it
passed.
"""

from __future__ import annotations

KEY = "reliability figure"
_PENDING: list[str] = []


def note(line: str) -> None:
    """Remember one line for the summary."""
    _PENDING.append(line)


def take() -> list[str]:
    """The lines noted since the last call (by the test that just ran)."""
    taken = list(_PENDING)
    _PENDING.clear()
    return taken
