"""Which tools the model is shown for a task: a question gets the tools that look.

A small model shown ``scale`` while asked *which deployment runs the most replicas* may well
call ``scale`` (the 1.5B model did). The tool layer still decides what a call does, and a
change still waits for a person, but a question is better served by the tools that answer
questions. So a task that asks for nothing to change is shown the read tools only (``find``,
``get_cluster_status``, ``run_kubectl``, ``check_agent_status``); a task whose words ask for
a change is shown every tool. ``run_kubectl`` stays in both: anything can still be said
with it, and the classifier judges it. The read tools come first in every list, so the
prompt prefix a backend caches is shared between the two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

CHANGE_TOOLS = frozenset(
    {
        "spawn_worker_agent",
        "scale",
        "set_image",
        "set_resources",
        "rollback",
        "restart",
        "set_selector",
        "create_configmap",
        "mount_configmap",
    }
)
_CHANGE_WORDS = re.compile(
    r"\b(?:scale|set|change|upgrade|update|downgrade|restart|roll(?:\s*it)?\s*back|rollback|undo|fix|"
    r"create|mount|add|remove|delete|label|annotate|patch|give|bring|raise|lower|increase|decrease|"
    r"reduce|start|stop|run|deploy|apply|move|point|expose|cordon|uncordon|drain|make|switch|replace|"
    r"edit|limit|spawn|launch|kill|evict|clean(?:\s*up)?|resize|bump|pin|enable|disable)\b",
    re.IGNORECASE,
)


def name_of(spec: dict[str, Any]) -> str:
    """A tool spec's function name."""
    return str(spec.get("function", spec).get("name", ""))


def asks_for_change(task: str) -> bool:
    """Whether a task's words ask for something to be changed (or started) on the cluster."""
    return bool(_CHANGE_WORDS.search(task))


def ordered(specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The read tools first, then the change tools, each group in its own order."""
    return sorted(specs, key=lambda spec: name_of(spec) in CHANGE_TOOLS)


def shown_for(task: str, specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tools a task is shown: all of them for a change, the read tools for a question."""
    every = ordered(specs)
    if asks_for_change(task):
        return every
    return [spec for spec in every if name_of(spec) not in CHANGE_TOOLS]
