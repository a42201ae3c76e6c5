"""Keep a task's cleanup script inside the task's namespaces.

Public task sets ship ``cleanup.sh`` scripts that run ``kubectl delete ...``. The runner
puts a ``kubectl`` of its own first on the script's ``PATH``: it classifies each call with
Binks' own classifier and lets reads through, but refuses a change unless it names one of
the task's namespaces (``-n NS``, or the namespace object itself). A cleanup that would
touch anything else fails loudly instead of deleting it.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from binks.errors import CommandRefused
from binks.tools.classify import classify_argv

NAMESPACES_ENV = "BINKS_EVAL_NAMESPACES"
KUBECTL_ENV = "BINKS_EVAL_KUBECTL"
_NAMESPACE_RESOURCES = {"namespace", "namespaces", "ns"}


def refusal(argv: Sequence[str], allowed: set[str]) -> str | None:
    """Why ``kubectl argv`` may not run during cleanup, or None when it may."""
    try:
        classification = classify_argv(list(argv))
    except CommandRefused as exc:
        return str(exc)
    if not classification.mutating:
        return None
    if classification.resource in _NAMESPACE_RESOURCES:
        if classification.name in allowed:
            return None
        return f"namespace {classification.name or '(unnamed)'} is not one of the task's ({_names(allowed)})"
    if classification.namespace in allowed:
        return None
    where = classification.namespace or "no namespace given (add -n)"
    return (
        f"{classification.verb} in {where}: cleanup may only change the task's namespaces ({_names(allowed)})"
    )


def _names(allowed: set[str]) -> str:
    return ", ".join(sorted(allowed)) or "none"


def install(folder: Path, kubectl: Path, namespaces: set[str]) -> tuple[Path, dict[str, str]]:
    """Write the guarding ``kubectl`` into ``folder``; return it and the env the script needs."""
    folder.mkdir(parents=True, exist_ok=True)
    wrapper = folder / "kubectl"
    wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m binks.eval.guard "$@"\n')
    wrapper.chmod(0o755)
    return folder, {NAMESPACES_ENV: ",".join(sorted(namespaces)), KUBECTL_ENV: str(kubectl)}


def main(argv: Sequence[str]) -> int:
    """Entry point of the wrapper: run the real kubectl, or refuse with a reason."""
    allowed = {name for name in os.environ.get(NAMESPACES_ENV, "").split(",") if name}
    reason = refusal(argv, allowed)
    if reason is not None:
        sys.stderr.write(f"binks eval refused cleanup command `kubectl {shlex.join(argv)}`: {reason}\n")
        return 1
    real = os.environ[KUBECTL_ENV]
    os.execv(real, [real, *argv])
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
