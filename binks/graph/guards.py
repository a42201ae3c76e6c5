"""Guards against the two ways a small model answers without looking at the cluster.

1. It explains what *could* be run ("you can run `kubectl get pods -n shop`") instead of
   running it.
2. It answers a question about the cluster from its imagination, having called no tool.

Both are detected on a final text answer of a task in which no tool was called yet, and
answered with one nudge (the model is asked once more, told to call the tool). If the
second answer is again text, it stands; when it still rests on no tool result, the final
answer says so (:data:`UNCHECKED_NOTE`), so a person never mistakes it for checked facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from langchain_core.messages import BaseMessage, ToolMessage

NudgeKind = Literal["explained", "unchecked"]

NUDGED_KEY = "binks_nudged"
"""Response-metadata key on an answer that came after a nudge (its value: the NudgeKind)."""

_COMMAND = re.compile(
    r"```[\w-]*[ \t]*\n\s*(?:\$\s*)?kubectl\s+[a-z]"  # a fenced block starting with kubectl
    r"|`\s*(?:\$\s*)?kubectl\s+[a-z][^`]*`"  # `kubectl ...` inline
    r"|(?:^|\n)\s*(?:\$\s*)?kubectl\s+[a-z-]+\s"  # a line that is a command
    r"|\b(?:you can|you could|you may|try|run|use|execute)\b[^.\n]{0,40}?\bkubectl\s+[a-z-]+",
    re.IGNORECASE,
)
_CLUSTER_WORDS = re.compile(
    r"\b(?:pods?|deploy(?:ment)?s?|namespaces?|nodes?|services?|svc|cluster|replicas?|containers?"
    r"|images?|jobs?|cronjobs?|statefulsets?|daemonsets?|ingress(?:es)?|configmaps?|secrets?|pvcs?"
    r"|volumes?|logs?|events?|crash\w*|pending|running|restart\w*|scale[sd]?|rollouts?|kubectl"
    r"|ready|health\w*|status|workers?|ollama|cpu|memory|disk)\b",
    re.IGNORECASE,
)

EXPLAINED_NUDGE = (
    "Do not tell me what could be run: call the tool yourself now (run_kubectl with that"
    " command, without the word kubectl) and answer from its result."
)
UNCHECKED_NUDGE = (
    "You answered without checking the cluster. If the question is about the cluster, call a"
    " tool now (get_cluster_status or run_kubectl) and answer from its result; if no tool"
    " can help, give your answer again."
)
UNCHECKED_NOTE = (
    "(Binks called no tool for this answer, so nothing on the cluster was checked: it is not"
    " based on the cluster's current state.)"
)


def suggests_command(text: str) -> bool:
    """Whether an answer hands the person a kubectl command instead of running it."""
    return bool(_COMMAND.search(text))


def about_cluster(task: str) -> bool:
    """Whether a task asks about the cluster (a heuristic on Kubernetes words), not small talk."""
    return bool(_CLUSTER_WORDS.search(task))


def tool_called(task_messages: Sequence[BaseMessage]) -> bool:
    """Whether any tool answered during the task (a refusal counts: the model did try)."""
    return any(isinstance(message, ToolMessage) for message in task_messages)


def nudge_for(task: str, answer: str, task_messages: Sequence[BaseMessage]) -> NudgeKind | None:
    """Which nudge a final text answer earns, if any: only while no tool was called in the task."""
    if tool_called(task_messages):
        return None
    if suggests_command(answer):
        return "explained"
    if about_cluster(task):
        return "unchecked"
    return None


def nudge_text(kind: NudgeKind) -> str:
    """What the model is told for a nudge."""
    return EXPLAINED_NUDGE if kind == "explained" else UNCHECKED_NUDGE
