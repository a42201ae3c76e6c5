"""The identity of a tool call: the same request, however the model spelled it.

A small model that repeats itself rarely repeats itself byte for byte: ``get deploy -n shop``,
``kubectl get deployments --namespace=shop`` and ``get deployment -n=shop`` are one read.
:func:`call_key` reads a kubectl command with the argv parser kubectl's own rules drive
(:mod:`binks.tools.argv`): flag order, ``-n``/``--namespace`` spellings, ``=`` or a space
before a value, resource aliases and ``TYPE NAME`` versus ``TYPE/NAME`` all fold into one
key. Typed tools are keyed by their arguments, with keys sorted and empty values dropped.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from binks.errors import CommandRefused
from binks.tools.argv import parse_argv
from binks.tools.classify import split_command
from binks.tools.resources import KINDS, canonical

KUBECTL_TOOL = "run_kubectl"

#: kubectl's shorthands and the long names they stand for (the ones models use).
SHORTHANDS = {
    "-n": "namespace",
    "-A": "all-namespaces",
    "-o": "output",
    "-l": "selector",
    "-c": "container",
    "-f": "filename",
    "-L": "label-columns",
    "-w": "watch",
    "-k": "kustomize",
    "-R": "recursive",
    "-p": "patch",
    "-i": "stdin",
    "-t": "tty",
}


#: Commands whose spelling is kept: a run asks for the same few commands' keys on every turn.
CANONICAL_CACHE = 512


@functools.lru_cache(maxsize=CANONICAL_CACHE)
def canonical_command(command: str) -> str:
    """One spelling of a kubectl command: path, sorted flags, normalised targets.

    Kept per command (a pure function of the text): loop and repeat checks key every call of
    a task on each turn, and splitting and parsing is most of what keying costs.
    """
    try:
        argv = split_command(command)
    except CommandRefused:
        return " ".join(command.split())
    parsed = parse_argv(argv)
    if not parsed.known:
        return " ".join(argv)
    flags = sorted(
        (SHORTHANDS.get(flag.name, flag.name), flag.value if flag.value is not None else "")
        for flag in parsed.flags
    )
    words = [*parsed.path, *_targets(list(parsed.positionals)), *parsed.unsure]
    words += [f"--{name}={value}" if value else f"--{name}" for name, value in flags]
    if parsed.after_dashdash:
        words += ["--", *parsed.after_dashdash]
    return " ".join(words)


def _targets(positionals: list[str]) -> list[str]:
    """``deploy web`` and ``deployments/web`` -> ``deployment/web``; ``po,svc`` -> ``pod,service``."""
    if not positionals:
        return []
    first, rest = positionals[0], positionals[1:]
    if "/" not in first:
        kinds = [canonical(part) for part in first.split(",") if part]
        if kinds and all(kind in KINDS for kind in kinds):
            joined = ",".join(sorted(kinds))
            if len(kinds) == 1 and rest and not any("=" in word or "/" in word for word in rest):
                return [f"{joined}/{name}" for name in rest]
            return [joined, *rest]
    return [_slashed(word) for word in positionals]


def _slashed(word: str) -> str:
    kind, slash, name = word.partition("/")
    if slash and kind and canonical(kind) in KINDS:
        return f"{canonical(kind)}/{name}"
    return word


def call_key(name: str, args: dict[str, Any]) -> str:
    """The identity of a call: the tool and its arguments, however they were spelled."""
    canonical_args = {key: value for key, value in args.items() if value not in (None, "", [], {})}
    command = canonical_args.get("command")
    if name == KUBECTL_TOOL and isinstance(command, str):
        canonical_args["command"] = canonical_command(command)
    return f"{name} {json.dumps(canonical_args, sort_keys=True, separators=(',', ':'), default=str)}"
