"""kubectl's errors made short and legible, with a hint where the mistake is a common one.

A small model reads every byte of a tool result, and kubectl sometimes answers a mistake
with its whole help text (``kubectl top``, ``kubectl rollout``) or with an error whose fix
is not obvious (``unknown flag: --all`` on ``get``, a field selector on a field the API
server does not index). :func:`condense` keeps the lines that say what went wrong;
:func:`hint` adds what to write instead when the mistake is recognisable.
"""

from __future__ import annotations

import difflib
import re

from binks.tools import kubectl_flags as table
from binks.tools.argv import ParsedArgv
from binks.tools.resources import canonical, kinds_in

MAX_LINES = 6
_SECTION = re.compile(r"^(Usage|Examples|Options|Flags|Global Flags|Aliases):\s*$")
_AVAILABLE = re.compile(r"^Available Commands:\s*$")
_NOISE = re.compile(r"^(See 'kubectl .*' for (usage|help and examples)\.|Use \"kubectl .*\" for .*)$")
_UNKNOWN_FLAG = re.compile(r"unknown flag: --([\w-]+)")
_UNKNOWN_SHORT = re.compile(r"unknown shorthand flag: '(\w)'")
_NEEDS_ARGUMENT = re.compile(r"flag needs an argument: (?:'(\w)' in -\w|(--[\w-]+))")
_FIELD_NOT_SUPPORTED = re.compile(
    r"field label not supported: ([\w.]+)|\"([\w.]+)\" is not a known field selector"
)
_NO_TYPE = re.compile(r"the server doesn't have a resource type \"([^\"]+)\"")
_ALL_NAMESPACE = re.compile(r"No resources found in all namespace")

#: Fields the API server indexes for field selectors, beyond metadata.name and metadata.namespace.
SELECTABLE: dict[str, str] = {
    "pod": "status.phase, spec.nodeName, spec.restartPolicy, spec.serviceAccountName, status.podIP",
    "event": "type, reason, involvedObject.kind, involvedObject.name",
    "node": "spec.unschedulable",
    "secret": "type",
    "namespace": "status.phase",
    "service": "spec.type, spec.clusterIP",
    "job": "status.successful",
    "replicaset": "status.replicas",
}
_FLAG_FIXES: dict[str, str] = {
    "all": "to list every namespace use -A (--all-namespaces)",
    "all-namespace": "to list every namespace use -A (--all-namespaces)",
    "namespaces": "use -n NAMESPACE for one namespace or -A for all of them",
    "label": "select by label with -l key=value (--selector)",
    "labels": "select by label with -l key=value (--selector); --show-labels prints them",
    "field": "use --field-selector",
    "fields": "use --field-selector",
    "filter": "filter with -l key=value or --field-selector",
    "format": "choose the output with -o (wide, yaml, json, name, jsonpath=...)",
    "json": "use -o json",
    "yaml": "use -o yaml",
    "wide": "use -o wide",
    "name": "put the name after the type (`get pod NAME`), or use -o name to list names",
    "lines": "limit logs with --tail=N",
    "tail-lines": "limit logs with --tail=N",
    "pod": "put the pod name after the command as an argument",
    "deployment": "name it as deployment/NAME",
    "status": "use -o wide, `describe`, or --field-selector status.phase=PHASE for pods",
}
_SHORT_FIXES: dict[str, str] = {
    "a": "to list every namespace use -A (capital A)",
    "N": "the namespace flag is -n (lower case)",
    "L": "-L KEY shows a label as a column; select by label with -l key=value",
}


def is_help(text: str) -> bool:
    """Whether kubectl printed its help text (a command without its subcommand or arguments)."""
    return any(_SECTION.match(line) or _AVAILABLE.match(line) for line in text.splitlines())


def condense(text: str) -> str:
    """The lines of a failed kubectl run that say what went wrong, without its help text."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    subcommands = _available_commands(lines)
    kept: list[str] = []
    skipping = False
    for line in lines:
        if _SECTION.match(line) or _AVAILABLE.match(line):
            skipping = True
            continue
        if skipping and (not line or line.startswith((" ", "\t"))):
            continue
        skipping = False
        if line.strip() and not _NOISE.match(line.strip()):
            kept.append(line)
    errors = [line for line in kept if line.lower().startswith("error")]
    if subcommands and not errors:
        return f"this command needs a subcommand: {', '.join(subcommands)}"
    if len(kept) > MAX_LINES or subcommands:
        kept = errors or kept
    return "\n".join(kept[:MAX_LINES]).strip()


def _available_commands(lines: list[str]) -> list[str]:
    names: list[str] = []
    inside = False
    for line in lines:
        if _AVAILABLE.match(line):
            inside = True
            continue
        if inside:
            if not line.startswith(" "):
                if names:
                    break
                continue
            names.append(line.split()[0])
    return names


def hint(parsed: ParsedArgv, text: str) -> str | None:
    """What to write instead, when ``text`` (kubectl's output) shows a recognisable mistake."""
    command = " ".join(parsed.path) or "kubectl"
    found = _UNKNOWN_FLAG.search(text)
    if found:
        return f"`{command}` has no --{found.group(1)} flag: {_flag_fix(found.group(1))}"
    found = _UNKNOWN_SHORT.search(text)
    if found:
        fix = _SHORT_FIXES.get(found.group(1), f"see the flags with `{command} --help`")
        return f"`{command}` has no -{found.group(1)} flag: {fix}"
    found = _NEEDS_ARGUMENT.search(text)
    if found:
        flag = found.group(2) or f"-{found.group(1)}"
        return f"{flag} needs a value right after it, e.g. {flag}=VALUE"
    found = _FIELD_NOT_SUPPORTED.search(text)
    if found:
        return _field_selector_fix(found.group(1) or found.group(2), parsed)
    found = _NO_TYPE.search(text)
    if found:
        return f'"{found.group(1)}" is not a resource type here: `api-resources` lists the types'
    if "unable to parse requirement" in text:
        return "-l takes key=value, key!=value, 'key in (a,b)' or key (exists), comma-separated"
    if "unexpected custom-columns spec" in text:
        return "-o custom-columns takes HEADER:JSONPATH pairs, e.g. NAME:.metadata.name,STATUS:.status.phase"
    if "error parsing jsonpath" in text:
        return "write the template as one word in braces, e.g. -o jsonpath='{.items[*].metadata.name}'"
    if "Metrics API not available" in text:
        return (
            "metrics-server is not installed, so there are no CPU/memory figures: use get_cluster_status,"
            " or `describe node NAME` for requests and limits"
        )
    if "must specify the type of resource" in text:
        return "name a resource type, e.g. `get pods -n NAMESPACE` or `get deployments -A`"
    if _ALL_NAMESPACE.search(text):
        return "there is no namespace called 'all': -A (--all-namespaces) lists every namespace"
    return None


def _flag_fix(name: str) -> str:
    fix = _FLAG_FIXES.get(name.lower())
    if fix is not None:
        return fix
    known = sorted(table.BOOL_FLAGS | table.VALUE_FLAGS | table.GLOBAL_BOOL_FLAGS | table.GLOBAL_VALUE_FLAGS)
    close = difflib.get_close_matches(name.lower(), known, n=2, cutoff=0.75)
    if close:
        return "did you mean " + " or ".join(f"--{flag}" for flag in close) + "?"
    return "drop it, or see the flags with `--help`"


def _field_selector_fix(field: str, parsed: ParsedArgv) -> str:
    kinds = [kind for word in parsed.positionals[:1] for kind in kinds_in(word)]
    kind = canonical(kinds[0]) if kinds else None
    extra = SELECTABLE.get(kind or "", "")
    fields = "metadata.name, metadata.namespace" + (f", {extra}" if extra else "")
    what = f"{kind}s" if kind else "this resource"
    return (
        f"--field-selector cannot use {field} for {what}; it works only on {fields}. Filter on other"
        f" fields by reading them: -o custom-columns=NAME:.metadata.name,VALUE:.{field} (or -l for labels)"
    )
