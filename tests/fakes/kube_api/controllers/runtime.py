"""What the fake kubelet pretends its container runtime and registry do, from the pod spec alone.

So a task's setup script (plain ``kubectl apply``) can break things the way they break on a
real cluster, without a test hook:

- **a missing image**: an image reference containing ``does-not-exist``, ``nonexistent``
  or ``no-such`` is not in the registry (``ImagePullBackOff``), as such a tag is not on a
  real one either (images a test marks bad behave the same);
- **a container that exits**: a command whose shell script ends in ``exit N`` exits with
  ``N`` (a Job's pod then Succeeds or Fails; any other pod with ``N != 0`` is in
  ``CrashLoopBackOff``), and what it ``echo``-ed is its log;
- **a pod that does not fit**: a ``nodeSelector`` no Ready node's labels satisfy, or
  CPU/memory requests beyond every node's allocatable, keeps the pod ``Pending`` with the
  scheduler's own message.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

Obj = dict[str, Any]

_MISSING = re.compile(r"does-not-exist|nonexistent|no-such", re.IGNORECASE)
_EXIT = re.compile(r"(?:^|[;&|\s])exit\s+(\d+)\s*;?\s*$")
_ECHO = re.compile(r"echo\s+((?:'[^']*'|\"[^\"]*\"|[^;&|])+)")
_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9}


def missing_image(image: str) -> bool:
    """Whether the pretend registry lacks this image."""
    return bool(_MISSING.search(image))


def _script(container: Obj) -> str:
    return " ".join(str(part) for part in [*(container.get("command") or []), *(container.get("args") or [])])


def exit_code(container: Obj) -> int | None:
    """The code the container's shell script ends with (None: it keeps running)."""
    found = _EXIT.search(_script(container).strip())
    return int(found.group(1)) if found else None


def echoed(container: Obj) -> str:
    """What the container's script prints with ``echo``: its log."""
    lines = []
    for match in _ECHO.finditer(_script(container)):
        try:
            lines.append(" ".join(shlex.split(match.group(1))))
        except ValueError:
            lines.append(match.group(1).strip())
    return "".join(f"{line}\n" for line in lines)


def _quantity(value: str) -> float:
    text = str(value)
    if text.endswith("m"):
        return float(text[:-1]) / 1000
    for unit, factor in _UNITS.items():
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def _requests(pod: Obj) -> dict[str, float]:
    total = {"cpu": 0.0, "memory": 0.0}
    for container in pod["spec"].get("containers") or []:
        for resource, value in ((container.get("resources") or {}).get("requests") or {}).items():
            if resource in total:
                total[resource] += _quantity(value)
    return total


def unschedulable(pod: Obj, nodes: list[Obj]) -> str | None:
    """The scheduler's message when no node can take the pod (None: some node can)."""
    selector = pod["spec"].get("nodeSelector") or {}
    wanted = _requests(pod)
    mismatched = short = 0
    reasons: dict[str, int] = {}
    for node in nodes:
        labels = node["metadata"].get("labels") or {}
        if any(labels.get(key) != value for key, value in selector.items()):
            mismatched += 1
            continue
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        lacking = [r for r in ("cpu", "memory") if wanted[r] > _quantity(allocatable.get(r, "0") or "0")]
        if lacking:
            short += 1
            for resource in lacking:
                reasons[f"Insufficient {resource}"] = reasons.get(f"Insufficient {resource}", 0) + 1
            continue
        return None
    if not nodes:
        return None
    parts = []
    if mismatched:
        parts.append(f"{mismatched} node(s) didn't match Pod's node affinity/selector")
    parts += [f"{count} {reason}" for reason, count in sorted(reasons.items())]
    return f"0/{len(nodes)} nodes are available: {', '.join(parts)}."
