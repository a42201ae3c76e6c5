"""The kubectl-native way to do what a command tried with shell syntax.

Binks runs kubectl without a shell, so ``| grep``, ``&&`` or ``$(...)`` are refused. A bare
"refused" teaches a small model nothing and it tries the same pipe again; so the refusal
names what kubectl itself offers for the construct it found: ``-l`` and
``--field-selector`` instead of ``grep``, ``-o name`` instead of ``wc -l``,
``-o jsonpath`` instead of ``jq``, one command per call instead of ``&&``.
"""

from __future__ import annotations

import re

_PIPE = re.compile(r"\|\s*(?:sudo\s+)?([A-Za-z][\w.-]*)")
_PLACEHOLDER = re.compile(r"<\s*([A-Za-z][\w .-]{0,40}?)\s*>")

FILTER = (
    "filter in kubectl instead: `-l key=value` for labels, `--field-selector metadata.name=NAME`"
    " (pods also `status.phase=Running`, `spec.nodeName=NODE`), or only the columns you need with"
    " `-o custom-columns=NAME:.metadata.name,STATUS:.status.phase`, then read the output yourself"
)
_GREPS = frozenset({"grep", "egrep", "fgrep", "rg", "findstr", "select-string"})
_GREP_PHASE = re.compile(
    r"\|\s*\w*grep\s+(?:-\w*\s+)*?(-v\s+)?(?:-\w+\s+)*['\"]?(running|pending|failed|succeeded)\b",
    re.IGNORECASE,
)
_READS_STDIN = re.compile(r"(?:-f|--filename)[ =]+-(?:\s|$)")
_OVERVIEW = re.compile(r"\bget\s+(?:pods?|po|nodes?|no|all)\b[^|]*(?:-A\b|--all-namespaces)|\bget\s+nodes?\b")
_PROGRAMS: dict[str, str] = {
    **dict.fromkeys(_GREPS, FILTER),
    "wc": "to count objects use `-o name` (one line per object) and count the lines",
    **dict.fromkeys(
        ("jq", "yq", "python", "python3"),
        "pick fields with `-o jsonpath='{.items[*].metadata.name}'` (any JSONPath), or read `-o yaml`",
    ),
    **dict.fromkeys(
        ("awk", "cut", "column", "tr", "sed"),
        "pick columns with `-o custom-columns=NAME:.metadata.name,...` or `-o jsonpath=...`",
    ),
    **dict.fromkeys(
        ("head", "tail"),
        "for logs use `--tail=N` (or `--since=10m`); for lists narrow with `-l` or `--field-selector`",
    ),
    "sort": "sort with `--sort-by=.metadata.creationTimestamp` (any JSONPath)",
    **dict.fromkeys(
        ("xargs", "while", "for"),
        "kubectl takes several names at once (`get pods NAME1 NAME2`) or a selector (`-l key=value`);"
        " otherwise make one tool call per command",
    ),
    **dict.fromkeys(("less", "more", "cat", "tee"), "drop it: the output comes back to you as it is"),
    "base64": "drop it: Binks never shows secret values; read the keys with `describe secret NAME`",
}
_STDIN = (
    "there is no stdin and no file: create objects with kubectl's generators (`create deployment NAME"
    " --image=IMAGE`, `create configmap NAME --from-literal=KEY=VALUE`, `create job`, `expose`) or"
    " change them with `patch TYPE NAME -p '{...}'`, `set image`, `scale`, `label`"
)
_ONE_COMMAND = "make one tool call per command and decide the next call after reading the result"
_SUBSTITUTION = (
    "run the inner command first as its own tool call, then write the value you read into the next command"
)
_REDIRECT = "no files are written: drop the redirect, the output comes back to you"
_GET_STATUS = "for an overview of nodes, pods and warnings call get_cluster_status instead"


def shell_hints(command: str) -> list[str]:
    """What to do instead of each shell construct in ``command``, most specific first."""
    hints: list[str] = []
    placeholder = _PLACEHOLDER.search(command)
    if placeholder:
        hints.append(
            f"`<{placeholder.group(1)}>` is a placeholder: write a real name there (list names with"
            " `get namespaces`, `get pods -A` or get_cluster_status)"
        )
    for program in _PIPE.findall(command):
        hint = _program_hint(program.lower(), command)
        if hint not in hints:
            hints.append(hint)
    text = _PLACEHOLDER.sub("", command)
    stdin = _READS_STDIN.search(text) or "<<" in text or re.search(r"(^|\s)<\s*\S", text)
    if stdin and _STDIN not in hints:
        hints.append(_STDIN)
    if "$(" in text or "`" in text or re.search(r"\$\{?[A-Za-z_]", text):
        hints.append(_SUBSTITUTION)
    if re.search(r"&&|\|\||;|\n|\r", text) and _ONE_COMMAND not in hints:
        hints.append(_ONE_COMMAND)
    if re.search(r"\d?>>?|\btee\b", text) and _STDIN not in hints:
        hints.append(_REDIRECT)
    if re.search(r"&\s*$", text) and _ONE_COMMAND not in hints:
        hints.append("commands run to completion: drop the '&'")
    if _PIPE.search(command) and _OVERVIEW.search(command):
        hints.append(_GET_STATUS)
    return hints


def _program_hint(program: str, command: str) -> str:
    if program == "kubectl":  # `... | kubectl apply -f -`: stdin, or two commands
        return _STDIN if _READS_STDIN.search(command) else _ONE_COMMAND
    if program in _GREPS:
        return _grep_hint(command)
    if program == "sort":
        return _sort_hint(command)
    known = _PROGRAMS.get(program)
    return known or f"`{program}` is not available: use kubectl's own -o jsonpath, -l or --field-selector"


def _grep_hint(command: str) -> str:
    """``grep Running`` is a phase filter; anything else is a label, name or column filter."""
    match = _GREP_PHASE.search(command)
    if match is None:
        return FILTER
    operator = "!=" if match.group(1) else "="
    phase = match.group(2).capitalize()
    return (
        f"filter by phase in kubectl: `--field-selector status.phase{operator}{phase}` (a pod in"
        " CrashLoopBackOff is still phase Running: for unhealthy pods call get_cluster_status)"
    )


def _sort_hint(command: str) -> str:
    """``get deploy -o jsonpath='{.items[*].spec.replicas}' | sort -nr``: the kubectl command that does it.

    Seen from the 1.5B model, asked which deployment runs the most replicas: it tried the
    pipe three times after the general hint (sort by creation time), then gave up.
    """
    from binks.tools.labelled import ITEM_FIELD, labelled_command  # labelled reads commands with classify

    before = command.split("|", 1)[0]
    field = ITEM_FIELD.search(before)
    named = labelled_command(before) if field else None
    if field is None or named is None:
        return _PROGRAMS["sort"]
    return (
        f"sort in kubectl, each value next to its object's name: `{named} --sort-by=.{field.group(1)}`"
        " (smallest first: the last line is the largest)"
    )
