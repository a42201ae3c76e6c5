"""Which tools the model is shown for a task: the read tools, and only the changes it asks for.

A small model picks a tool by the look of its name, not by what it does. Shown every change
tool, the 1.5B model called ``scale`` (with the replica count the deployment already had)
to *add a label*, ``set_selector`` for the same task in another run, and ``scale`` again to
answer *which deployment runs the most replicas*. Each of those was the nearest-sounding
tool on a list of thirteen. So the list is cut down before the model sees it, from the
task's own words, deterministically:

- a question (no word asks for a change) is shown the read tools only (``check_agent_status``
  only when it is about workers);
- a change is shown the read tools and the typed actions its words name: *memory limit*
  gets ``set_resources``, *roll it back* ``rollback``, *a worker* ``spawn_worker_agent``,
  an image reference such as ``nginx:1.27`` ``set_image``, and so on (:data:`INTENTS`);
- a change whose words name no typed action (delete, annotate, cordon, ...) is shown the
  read tools only, ``run_kubectl`` among them: it says anything, and the classifier judges it.

What the model is shown never decides what a call may do: every real tool still validates
and runs through the gate (a call to a tool not shown is checked like any other). The read
tools come first in every list, in the toolbox's order, so the prompt prefix a backend
caches is shared by every task.
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
        "label",
    }
)
WORKER_READS = frozenset({"check_agent_status"})
"""Read tools shown only to a task about workers."""
_CHANGE_WORDS = re.compile(
    r"\b(?:scale|set|change|upgrade|update|downgrade|restart|roll(?:\s*it)?\s*back|rollback|undo|fix|"
    r"create|mount|add|remove|delete|label|annotate|patch|give|bring|raise|lower|increase|decrease|"
    r"reduce|start|stop|run|deploy|apply|move|point|expose|cordon|uncordon|drain|make|switch|replace|"
    r"edit|limit|spawn|launch|kill|evict|clean(?:\s*up)?|resize|bump|pin|enable|disable|revert|bounce)\b"
    r"|\bhave\s+(?:a|an|the|one)\s+[\w-]+\s+(?:worker|agent)\b",
    re.IGNORECASE,
)
_ASKING = re.compile(r"^\W*(?:what|which|how|why|who|where|when)\b", re.IGNORECASE)
"""A sentence that opens with one of these asks something: "what version does web *run*"."""
_REQUEST = re.compile(r"^\W*(?:can|could|would|will|please)\b", re.IGNORECASE)
"""A question that opens with one of these asks for something to be done: "can you scale it?"."""
_SENTENCE = re.compile(r"(?<=[.?!;])\s+")

INTENTS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "scale": r"\bscal(?:e|ed|ing)\b|\breplicas?\b|\binstances\b|\bcopies\b"
        r"|\b(?:down|up)\s+to\s+(?:\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten)\b",
        "set_image": r"\bimages?\b|\b(?:upgrade|downgrade)\b|\bversion\b|\btag\b"
        r"|[a-z0-9][-a-z0-9./]*:[a-z0-9][-a-z0-9._]*\b",  # an image reference: nginx:1.27
        "set_resources": r"\bcpu\b|\bmemory\b|\bram\b|\bresources?\b|\b(?:milli)?cores?\b"
        r"|\b\d+(?:\.\d+)?(?:m|[KMGT]i)\b",  # a quantity: 100m, 256Mi ("pull request 7" is none)
        "rollback": r"\broll(?:\s*it)?\s*back\b|\brollback\b|\bundo\b|\brevert\b"
        r"|\bprevious\s+(?:revision|version|rollout)\b",
        "restart": r"\brestart\b|\bbounce\b|\brecreate\b",
        "set_selector": r"\bselectors?\b|\bendpoints?\b|\btraffic\b",
        "create_configmap": r"\bconfig\s*-?maps?\b",
        "mount_configmap": r"\bmount(?:s|ed|ing)?\b",
        "label": r"\blabel(?:s|ed|led)?\b",
        "spawn_worker_agent": r"\bworkers?\b|\bagents?\b|\bspawn\b",
    }.items()
}
"""The words that ask for each typed action. A word here only puts a tool on the list."""


def name_of(spec: dict[str, Any]) -> str:
    """A tool spec's function name."""
    return str(spec.get("function", spec).get("name", ""))


def asks_for_change(task: str) -> bool:
    """Whether a task's words ask for something to be changed (or started) on the cluster.

    Only sentences that are not questions count: "what image does web *run*?" asks nothing
    to be run, "the pod keeps crashing, *restart* it" does.
    """
    sentences = _SENTENCE.split(task)
    return any(_CHANGE_WORDS.search(sentence) and not _question(sentence) for sentence in sentences)


def _question(sentence: str) -> bool:
    asked = sentence.rstrip().endswith("?") and not _REQUEST.match(sentence)
    return asked or bool(_ASKING.match(sentence))


def intended(task: str) -> frozenset[str]:
    """The change tools a task's words ask for (none for a question)."""
    if not asks_for_change(task):
        return frozenset()
    return frozenset(name for name, pattern in INTENTS.items() if pattern.search(task))


def ordered(specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The read tools every task is shown, then the worker reads, then the changes, each in its order."""
    return sorted(specs, key=lambda spec: (name_of(spec) in CHANGE_TOOLS, name_of(spec) in WORKER_READS))


def shown_for(task: str, specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tools a task is shown: the read tools, and the change tools its words ask for.

    ``check_agent_status`` reads only Binks' worker Jobs, and only a task about workers is
    shown it: asked *which jobs failed*, the 1.5B model called it (with the job name
    ``spawn_worker_agent``) because its description says "Job".
    """
    wanted = intended(task)
    if INTENTS["spawn_worker_agent"].search(task):
        wanted |= {"check_agent_status"}
    return [
        narrowed(spec, task)
        for spec in ordered(specs)
        if name_of(spec) in wanted or name_of(spec) not in CHANGE_TOOLS | WORKER_READS
    ]


_RESOURCE_WORDS = {
    "cpu": re.compile(r"\bcpus?\b|\b(?:milli)?cores?\b", re.IGNORECASE),
    "memory": re.compile(r"\bmemory\b|\bram\b", re.IGNORECASE),
    "cpu amount": re.compile(r"\b\d+(?:\.\d+)?m\b"),
    "memory amount": re.compile(r"\b\d+(?:\.\d+)?[KMGT]i?\b"),
    "request": re.compile(r"\brequest(?:s|ed)?\b|\breserve", re.IGNORECASE),
    "limit": re.compile(r"\blimit(?:s|ed)?\b|\bcap\b|\bat most\b", re.IGNORECASE),
    "container": re.compile(r"\bcontainers?\b|\bsidecar\b", re.IGNORECASE),
}


def narrowed(spec: dict[str, Any], task: str) -> dict[str, Any]:
    """``set_resources`` with only the fields the task's words name; any other spec as it is.

    Shown four quantities, the 1.5B model filled all four (asked for a memory limit, it also
    set a CPU request and limit), and a container name it made up. Asked for *a memory
    limit*, it is shown ``memory_limit``; the container is left to Binks (the only one)
    unless the task names one.
    """
    if name_of(spec) != "set_resources":
        return spec
    said = {word for word, pattern in _RESOURCE_WORDS.items() if pattern.search(task)}
    amounts = {word.split()[0] for word in said if word.endswith(" amount")}
    resources = {"cpu", "memory"} & said or amounts or {"cpu", "memory"}
    kinds = {"request", "limit"} & said or {"request", "limit"}
    keep = {f"{resource}_{kind}" for resource in resources for kind in kinds}
    keep |= {"name", "namespace"} | ({"container"} if "container" in said else set())
    function = spec["function"]
    parameters = function["parameters"]
    properties = {key: value for key, value in parameters["properties"].items() if key in keep}
    return {**spec, "function": {**function, "parameters": {**parameters, "properties": properties}}}
