"""Running ``binks`` in-process with a chosen stdin (a terminal or a pipe) and captured output."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass

import pytest

from binks.cli import main


class TerminalInput(io.StringIO):
    """Typed answers on a stdin that says it is a terminal (so ``binks`` may prompt)."""

    def isatty(self) -> bool:
        return True


@dataclass
class Result:
    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return self.out.splitlines()


def binks(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    typed: str | None = None,
) -> Result:
    """Run ``binks ARGS``; ``typed`` is what a person types at a terminal, else stdin is a pipe."""
    stdin: io.StringIO = TerminalInput(typed) if typed is not None else io.StringIO("")
    monkeypatch.setattr(sys, "stdin", stdin)
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return Result(code=code, out=captured.out, err=captured.err)
