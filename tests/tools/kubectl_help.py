"""Read the command tree and flag arities out of the shipped kubectl's ``--help``.

The classifier needs to know which kubectl flags take a value (so it can tell a flag's value
from a positional argument) and which commands exist. That table lives in
:mod:`binks.tools.kubectl_flags`; this module derives the same table from ``kubectl --help``
so a test can prove the committed table matches the kubectl Binks ships, and so the table can
be regenerated when kubectl is upgraded::

    .venv/bin/python -m tests.tools.kubectl_help > binks/tools/kubectl_flags.py
    .venv/bin/ruff format binks/tools/kubectl_flags.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from binks.tools.locate import find_kubectl

_FLAG_LINE = re.compile(r"^\s+(?:-(?P<short>[A-Za-z0-9]), )?--(?P<long>[a-z0-9-]+)=(?P<default>.*):$")
_COMMAND_LINE = re.compile(r"^\s{2}(?P<name>[a-z][a-z0-9-]*)\s{2,}\S")


@dataclass
class HelpPage:
    """What one ``kubectl <path> --help`` says."""

    path: tuple[str, ...]
    aliases: list[str] = field(default_factory=list)
    subcommands: list[str] = field(default_factory=list)
    flags: dict[str, str] = field(default_factory=dict)  # long name -> "bool" | "value"
    shorts: dict[str, str] = field(default_factory=dict)  # shorthand -> long name


def _help(path: tuple[str, ...], flag: str = "--help") -> str:
    kubectl = str(find_kubectl())
    done = subprocess.run(
        [kubectl, *path, flag],
        capture_output=True,
        text=True,
        timeout=30,
        env={"KUBECTL_KUBERC": "false", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    return done.stdout


def _offline(argv: list[str], timeout: float) -> str:
    """What the shipped kubectl prints (stdout and stderr) for ``argv`` with no cluster to reach."""
    done = subprocess.run(
        [str(find_kubectl()), *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={"KUBECTL_KUBERC": "false", "PATH": "/usr/bin:/bin", "KUBECONFIG": "/nonexistent"},
        check=False,
    )
    return done.stdout + done.stderr


_USAGE = re.compile(r"^Usage:\n  kubectl((?: [a-z][a-z0-9-]*)*)", re.MULTILINE)
_SEE_HELP = re.compile(r"See 'kubectl((?: [a-z][a-z0-9-]*)*) (?:--help|-h)'")


def command_kubectl_sees(argv: list[str]) -> tuple[str, ...] | None:
    """The command path the shipped kubectl resolves ``argv`` to, asking kubectl itself.

    ``--help`` is appended, so kubectl prints the usage (or a flag error naming the command)
    of the command it found and runs nothing. ``None`` when kubectl finds no command to run
    (an unknown command or plugin, flags before a plugin name). The answer is independent
    of Binks' own parser, so tests can hold the classifier to it.
    """
    text = _offline([*argv, "--help"], timeout=60)
    found = _USAGE.search(text) or _SEE_HELP.search(text)
    return tuple(found.group(1).split()) if found else None


def parse_help(path: tuple[str, ...], text: str) -> HelpPage:
    """Parse one help page: aliases, subcommands, and the flags of its Options section."""
    page = HelpPage(path=path)
    section = ""
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            section = line[:-1]
            continue
        if section == "Aliases" and line.strip():
            page.aliases = [alias.strip() for alias in line.split(",")]
        elif "Commands" in section:
            match = _COMMAND_LINE.match(line)
            if match:
                page.subcommands.append(match.group("name"))
        elif section in ("Options", "The following options can be passed to any command"):
            flag = _FLAG_LINE.match(line)
            if flag:
                default = flag.group("default")
                arity = "bool" if default in ("true", "false") else "value"
                page.flags[flag.group("long")] = arity
                if flag.group("short"):
                    page.shorts[flag.group("short")] = flag.group("long")
    return page


def global_options() -> HelpPage:
    """The flags every command accepts (``kubectl options``)."""
    return parse_help(("options",), _help((), "options"))


def walk() -> Iterator[HelpPage]:
    """Every command of the shipped kubectl, breadth first, help pages fetched in parallel."""
    level: list[tuple[str, ...]] = [()]
    seen: set[tuple[str, ...]] = set()
    with ThreadPoolExecutor(max_workers=4) as pool:
        while level:
            texts = list(pool.map(_help, level))
            next_level: list[tuple[str, ...]] = []
            for path, text in zip(level, texts, strict=True):
                page = parse_help(path, text)
                yield page
                for sub in page.subcommands:
                    child = (*path, sub)
                    if child not in seen and sub not in ("help", "completion", "options"):
                        seen.add(child)
                        next_level.append(child)
            level = next_level


def _words(words: set[str] | list[str], indent: str = "    ") -> str:
    """Sorted words as a ``_set(...)`` call, wrapped to stay within the line limit."""
    text = " ".join(sorted(words))
    if len(text) < 60:
        return f'_set("{text}")'
    body = textwrap.fill(
        text,
        width=100,
        initial_indent=indent + "    ",
        subsequent_indent=indent + "    ",
        break_on_hyphens=False,
        break_long_words=False,
    )
    return f'_set(\n{indent}    """\n{body}\n{indent}    """\n{indent})'


def _needs_argument(path: tuple[str, ...], flag: str) -> bool:
    """Whether kubectl says ``--flag`` needs an argument when it is the last word.

    A flag with an optional value (``--cascade``, ``--dry-run``) never takes the next word as
    its value, and ``--help`` cannot show which flags are like that; asking kubectl itself
    is the only reliable way. No kubeconfig is given, so nothing can reach a cluster.
    """
    try:
        said = _offline([*path, f"--{flag}"], timeout=20)
    except subprocess.TimeoutExpired:
        return False  # it ran instead of complaining: the flag did not need a value
    return "flag needs an argument" in said


def optional_value_flags(pages: list[HelpPage], options: HelpPage) -> set[str]:
    """Long flags whose value is optional, found by asking kubectl once per flag name."""
    where: dict[str, tuple[str, ...]] = {}
    for page in [options, *pages]:
        for name, arity in page.flags.items():
            if arity == "value" and name not in where:
                where[name] = () if page is options else page.path
    with ThreadPoolExecutor(max_workers=4) as pool:
        needed = list(pool.map(lambda name: _needs_argument(where[name], name), sorted(where)))
    return {name for name, needs in zip(sorted(where), needed, strict=True) if not needs}


def render(pages: list[HelpPage], options: HelpPage, optional: set[str] | None = None) -> str:
    """The source of ``binks/tools/kubectl_flags.py`` for these help pages and global options."""
    noopt = optional if optional is not None else optional_value_flags(pages, options)
    long_arity: dict[str, set[str]] = {}
    short_arity: dict[str, set[str]] = {}
    dry_run: set[str] = set()
    commands: dict[str, list[str]] = {}
    aliases: dict[str, str] = {}
    per_flag: dict[str, dict[str, str]] = {}
    parent_noopt: dict[str, set[str]] = {}
    for page in pages:
        path = " ".join(page.path)
        for name, arity in page.flags.items():
            per_flag.setdefault(f"--{name}", {})[path] = "noopt" if name in noopt else arity
        for short, name in page.shorts.items():
            per_flag.setdefault(f"-{short}", {})[path] = page.flags[name]
        if page.subcommands and page.path:
            parent_noopt[path] = {name for name, arity in page.flags.items() if arity == "bool"}
            parent_noopt[path] |= {name for name in page.flags if name in noopt}
            parent_noopt[path] |= {
                f"-{short}" for short, name in page.shorts.items() if page.flags[name] == "bool"
            }
    conflicts = {flag: paths for flag, paths in per_flag.items() if len(set(paths.values())) > 1}
    for page in [*pages, options]:
        if page.subcommands:
            commands[" ".join(page.path)] = page.subcommands
        if page.path and page is not options:
            for alias in page.aliases:
                if alias != page.path[-1]:
                    aliases[" ".join((*page.path[:-1], alias))] = page.path[-1]
        for name, arity in page.flags.items():
            long_arity.setdefault(name, set()).add(arity)
        for short, name in page.shorts.items():
            short_arity.setdefault(short, set()).add(page.flags[name])
        if "dry-run" in page.flags and page is not options:
            dry_run.add(" ".join(page.path))
    for name in noopt:
        long_arity[name] = {"noopt"}
    bools = {name for name, arities in long_arity.items() if arities == {"bool"}}
    values = {name for name, arities in long_arity.items() if arities == {"value"}}
    short_bools = {name for name, arities in short_arity.items() if arities == {"bool"}}
    short_values = {name for name, arities in short_arity.items() if arities == {"value"}}
    global_bools = {name for name, arity in options.flags.items() if arity == "bool"} | {"help"}
    global_values = {name for name, arity in options.flags.items() if arity == "value"}
    lines = [
        '"""kubectl\'s command tree and flag arities, generated from the shipped kubectl\'s ``--help``.',
        "",
        "Regenerate after a kubectl upgrade (a test compares this table with the installed kubectl)::",
        "",
        "    .venv/bin/python -m tests.tools.kubectl_help > binks/tools/kubectl_flags.py",
        "",
        "A flag that takes a value in one command and not in another is in neither set: the",
        "classifier then cannot tell whether the next word is its value and fails closed.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "",
        "def _set(words: str) -> frozenset[str]:",
        "    return frozenset(words.split())",
        "",
        "",
        "#: Sub-commands of each command path ('' is kubectl itself).",
        "COMMANDS: dict[str, frozenset[str]] = {",
    ]
    for parent in sorted(commands):
        lines.append(f'    "{parent}": {_words(commands[parent], "    ")},')
    lines += [
        "}",
        "",
        "#: Aliases of commands, by full path: 'create deploy' -> 'deployment'.",
        "ALIASES: dict[str, str] = {",
    ]
    for alias in sorted(aliases):
        lines.append(f'    "{alias}": "{aliases[alias]}",')
    lines += [
        "}",
        "",
        "#: Flags every command accepts, with their arity (kubectl options).",
        f"GLOBAL_BOOL_FLAGS = {_words(global_bools, '')}",
        f"GLOBAL_VALUE_FLAGS = {_words(global_values, '')}",
        f"GLOBAL_VALUE_SHORTS = {_words(set(options.shorts), '')}",
        "",
        "#: Flags with an optional value: ``--flag`` alone never takes the next word as its value.",
        f"OPTIONAL_VALUE_FLAGS = {_words(noopt, '')}",
        "",
        "#: Long flags that never take a separate value word (``--flag`` alone means true).",
        f"BOOL_FLAGS = {_words(bools, '')}",
        "",
        "#: Long flags that always take a value (``--flag value`` or ``--flag=value``).",
        f"VALUE_FLAGS = {_words(values, '')}",
        "",
        "#: Shorthands that never take a value.",
        f"BOOL_SHORTS = {_words(short_bools, '')}",
        "",
        "#: Shorthands that take a value (the rest of the word, or the next word).",
        f"VALUE_SHORTS = {_words(short_values, '')}",
        "",
        "#: Flags an intermediate command knows without a value (``help``/``-h`` aside), by path.",
        "#: Cobra picks the sub-command as the first word not taken as a flag's value, so this",
        "#: decides which word is the sub-command: any other flag takes the next word.",
        "PARENT_NOOPT_FLAGS: dict[str, frozenset[str]] = {",
        *(f'    "{path}": {_words(parent_noopt[path], "    ")},' for path in sorted(parent_noopt)),
        "}",
        "",
        "#: Flags whose arity depends on the command ('-f' is --filename, but --follow in logs).",
        "PER_COMMAND_ARITY: dict[str, dict[str, str]] = {",
        *(f"    {flag!r}: {dict(sorted(conflicts[flag].items()))!r}," for flag in sorted(conflicts)),
        "}",
        "",
        "#: Command paths that accept ``--dry-run``.",
        "DRY_RUN_COMMANDS = frozenset(",
        "    (",
        *(f'        "{path}",' for path in sorted(dry_run)),
        "    )",
        ")",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render(list(walk()), global_options()))
