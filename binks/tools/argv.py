"""Parse a kubectl argv the way kubectl itself will, so the classifier judges the real command.

kubectl is a cobra program: it finds the command path (``rollout restart``) by skipping
flags, taking any unknown flag or value flag as swallowing the next word, and then parses
the remaining words with pflag (flags may sit anywhere, ``--`` ends them, ``_`` in a flag
name means ``-``). A classifier that reads the argv differently from kubectl can be fooled,
e.g. ``kubectl -l --dry-run=server apply -f x`` where ``--dry-run=server`` is only the label
selector. So this module copies cobra's and pflag's rules exactly, driven by the flag
tables generated from the shipped kubectl (:mod:`binks.tools.kubectl_flags`), and marks
every word whose meaning it cannot be sure of (:attr:`Flag.certain`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from binks.tools import kubectl_flags as table

_HELP_NOOPT = frozenset({"help", "-h"})


@dataclass(frozen=True)
class Flag:
    """One flag as kubectl will see it."""

    name: str
    """Long name with ``_`` normalised to ``-`` (``as-group``), or ``-X`` for a shorthand."""
    value: str | None
    """The attached or following value; None when the flag stands alone."""
    certain: bool = True
    """False when the word might instead be the value of a flag before it."""
    word: int = -1
    """Index in ``ParsedArgv.argv`` of the word that holds the flag."""
    value_word: int = -1
    """Index of the word that holds the value (the flag's own word when attached); -1 without one."""
    offset: int = 0
    """Where the value starts inside ``argv[value_word]``: rewriting a path keeps the flag's spelling."""


@dataclass(frozen=True)
class ParsedArgv:
    """A kubectl argv split into command path, flags and positional arguments."""

    argv: tuple[str, ...]
    path: tuple[str, ...]
    """Command path in canonical names: ``("rollout", "restart")``; empty for bare ``kubectl``."""
    known: bool
    """False when the first command word is not a kubectl command (a plugin or a typo)."""
    flags: tuple[Flag, ...] = ()
    positionals: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()
    """Words that are either positional arguments or the value of a flag kubectl may reject."""
    after_dashdash: tuple[str, ...] = field(default=())
    """Words after ``--`` of a command that runs a container command (``exec``, ``run``, ...);
    for every other command kubectl reads them as more arguments, so they are positionals."""
    dashdash: bool = False
    """Whether the argv had a ``--``."""

    def values(self, *names: str) -> list[str | None]:
        """Values of every occurrence of the given flags (long names or ``-X``), in order."""
        return [flag.value for flag in self.flags if flag.name in names]

    def has(self, *names: str) -> bool:
        """Whether any of the given flags is present (``--all=false`` counts as absent)."""
        return any(
            flag.name in names and (flag.value or "true").lower() not in ("false", "0") for flag in self.flags
        )


def normalise(name: str) -> str:
    """Kubectl's flag-name normalisation: ``--as_group`` is ``--as-group``."""
    return name.replace("_", "-")


def _noopt_at(level: str) -> frozenset[str]:
    """Flags that never take the next word at a command level (cobra's ``hasNoOptDefVal``)."""
    if level == "":
        return table.GLOBAL_BOOL_FLAGS | _HELP_NOOPT
    return table.GLOBAL_BOOL_FLAGS | _HELP_NOOPT | table.PARENT_NOOPT_FLAGS.get(level, frozenset())


def _takes_next(word: str, noopt: frozenset[str]) -> bool:
    """Cobra's rule while looking for a command word: whether this flag swallows the next word."""
    if word.startswith("--") and "=" not in word:
        return normalise(word[2:]) not in noopt
    if word.startswith("-") and "=" not in word and len(word) == 2:
        return word not in noopt
    return False


def strip_flags(words: list[str], level: str) -> list[str]:
    """Cobra's ``stripFlags``: the words that are not flags or flag values, up to ``--``."""
    noopt = _noopt_at(level)
    commands: list[str] = []
    rest = list(words)
    while rest:
        word = rest.pop(0)
        if word == "--":
            break
        if _takes_next(word, noopt):
            if len(rest) <= 1:
                break
            rest.pop(0)
            continue
        if word and not word.startswith("-"):
            commands.append(word)
    return commands


def first_command_at(words: list[str], target: str, level: str) -> int | None:
    """Cobra's ``argsMinusFirstX``: where the first real occurrence of a command word is."""
    noopt = _noopt_at(level)
    pos = 0
    while pos < len(words):
        word = words[pos]
        if word == "--":
            break
        if _takes_next(word, noopt):
            pos += 2
            continue
        if not word.startswith("-") and word == target:
            return pos
        pos += 1
    return None


def _find_sub(level: str, word: str) -> str | None:
    subs = table.COMMANDS.get(level, frozenset())
    if word in subs:
        return word
    return table.ALIASES.get(f"{level} {word}".strip())


def _arity(flag: str, path: str) -> str | None:
    """``bool``, ``value``, ``noopt`` or None (unknown) for a ``--long`` or ``-X`` flag here."""
    if flag in table.PER_COMMAND_ARITY:
        return table.PER_COMMAND_ARITY[flag].get(path)
    if flag.startswith("--"):
        name = flag[2:]
        if name in table.OPTIONAL_VALUE_FLAGS:
            return "noopt"
        if name in table.GLOBAL_BOOL_FLAGS or name in table.BOOL_FLAGS:
            return "bool"
        if name in table.GLOBAL_VALUE_FLAGS or name in table.VALUE_FLAGS:
            return "value"
        return None
    char = flag[1:]
    if flag == "-h" or char in table.BOOL_SHORTS:
        return "bool"
    if char in table.GLOBAL_VALUE_SHORTS or char in table.VALUE_SHORTS:
        return "value"
    return None


@dataclass
class _Leaf:
    flags: list[Flag] = field(default_factory=list)
    positionals: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


def _parse_leaf(words: list[str], path: str, where: list[int]) -> _Leaf:
    """Pflag's parse of the leaf command's words: flags, positionals, words after ``--``.

    ``where[i]`` is the index in the whole argv of ``words[i]``, recorded on each flag so a
    caller can rewrite a value in place (a captured file's path, for one).
    """
    leaf = _Leaf()
    flags = leaf.flags
    index = 0
    unsure_next = False  # the previous flag may have taken this word as its value
    while index < len(words):
        word = words[index]
        at = where[index]
        index += 1
        certain = not unsure_next
        unsure_next = False
        if word == "--":
            leaf.after = words[index:]
            return leaf
        if word.startswith("--"):
            name, eq, value = word[2:].partition("=")
            name = normalise(name)
            arity = _arity(f"--{name}", path)
            if eq:
                flags.append(Flag(name, value, certain, at, at, len(word) - len(value)))
            elif arity == "value" and index < len(words):
                flags.append(Flag(name, words[index], certain, at, where[index], 0))
                index += 1
            else:
                flags.append(Flag(name, None, certain, at))
                unsure_next = arity is None
        elif word.startswith("-") and len(word) > 1:
            cluster = word[1:]
            while cluster:
                short, cluster = f"-{cluster[0]}", cluster[1:]
                arity = _arity(short, path)
                if arity == "value":
                    value = cluster.removeprefix("=")
                    offset = len(word) - len(value)
                    if not cluster and index < len(words):
                        flags.append(Flag(short, words[index], certain, at, where[index], 0))
                        index += 1
                    else:
                        flags.append(Flag(short, value, certain, at, at, offset))
                    break
                if cluster.startswith("="):
                    flags.append(Flag(short, cluster[1:], certain, at, at, len(word) - len(cluster) + 1))
                    break
                flags.append(Flag(short, None, certain, at))
                if arity is None:
                    # kubectl would take the rest of the word (or the next word) as this
                    # shorthand's value, or reject it: nothing after it can be trusted.
                    certain = False
                    unsure_next = not cluster
        elif certain:
            leaf.positionals.append(word)
        else:
            leaf.unsure.append(word)
    return leaf


def parse_argv(argv: list[str] | tuple[str, ...]) -> ParsedArgv:
    """Split an argv (without the ``kubectl`` word) the way kubectl 1.3x does."""
    words = list(argv)
    where = list(range(len(words)))
    path: list[str] = []
    level = ""
    while True:
        found = strip_flags(words, level)
        if not found:
            break
        sub = _find_sub(level, found[0])
        if sub is None:
            if level == "":
                return ParsedArgv(argv=tuple(argv), path=(found[0],), known=False)
            break
        pos = first_command_at(words, found[0], level)
        if pos is not None:
            del words[pos]
            del where[pos]
        path.append(sub)
        level = " ".join(path)
    leaf = _parse_leaf(words, level, where)
    positionals, after = leaf.positionals, leaf.after
    if tuple(path) not in CONTAINER_COMMANDS:
        positionals, after = [*positionals, *after], []
    return ParsedArgv(
        argv=tuple(argv),
        path=tuple(path),
        known=True,
        flags=tuple(leaf.flags),
        positionals=tuple(positionals),
        unsure=tuple(leaf.unsure),
        after_dashdash=tuple(after),
        dashdash="--" in words,
    )


#: Commands whose words after ``--`` are a container's command line; for every other
#: command cobra hands them over as more arguments (``get -- secrets`` reads Secrets).
CONTAINER_COMMANDS = frozenset(
    {
        ("exec",),
        ("run",),
        ("debug",),
        ("attach",),
        ("create", "job"),
        ("create", "deployment"),
        ("create", "cronjob"),
    }
)


class Unrenderable(ValueError):
    """The argv has words Binks cannot place the way kubectl would (an unknown flag before them)."""


def render(parsed: ParsedArgv) -> list[str]:
    """The argv spelled so that kubectl can only read it the way Binks did.

    Command path first (canonical names), then the positional arguments, then every flag
    with its value attached (``--name=value``, ``-n=value``), bare flags last, then ``--``
    and a container command. A parser difference between Binks and kubectl (a flag whose
    value kubectl treats as optional, a word after ``--``) can then no longer make kubectl
    run something other than what Binks classified, dry-ran and showed. Plugins and words
    Binks cannot place are left alone (``Unrenderable`` for the latter).
    """
    if not parsed.known or not parsed.path:
        return list(parsed.argv)
    if parsed.unsure:
        raise Unrenderable(
            f"cannot tell whether {', '.join(repr(word) for word in parsed.unsure)} is an argument or"
            " the value of an unknown flag before it"
        )
    valued: list[str] = []
    bare: list[str] = []
    for flag in parsed.flags:
        spelled = flag.name if flag.name.startswith("-") else f"--{flag.name}"
        if flag.value is None:
            bare.append(spelled)
        elif flag.name.startswith("-") and flag.value == "":
            valued.extend([spelled, ""])  # pflag reads `-o=` as the value "="
        else:
            valued.append(f"{spelled}={flag.value}")
    if any(word.startswith("-") for word in parsed.positionals):
        # Arguments that look like flags came after `--` (kubectl reads them as arguments).
        return [*parsed.path, *valued, *bare, "--", *parsed.positionals]
    out = [*parsed.path, *parsed.positionals, *valued, *bare]
    if parsed.after_dashdash or (parsed.dashdash and parsed.path in CONTAINER_COMMANDS):
        out += ["--", *parsed.after_dashdash]
    return out
