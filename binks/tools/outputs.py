"""What kubectl prints, by output format: what can be scrubbed, and what must be withheld.

Redaction decides from the **objects in the response**, not from the words of the
command, because the words can hide what comes back (``get -f some.yaml``, ``get all``, a
``TYPE/NAME``, a selector). kubectl's output formats fall into three groups:

* **structured** (``json``, ``yaml``, ``kyaml``; and what ``config view``,
  ``apply view-last-applied``, ``kustomize`` and ``get --raw`` print): parsed, every object
  scrubbed (a Secret's values, its last-applied annotation, kubeconfig credentials); output
  that should be structured but does not parse is withheld;
* **tables** (the default, ``wide``, ``name``): the API server's tables and names hold no
  Secret values;
* **free** (``jsonpath``, ``go-template``, ``custom-columns``, their ``-file`` forms,
  ``--template``, ``--sort-by``, ``wait --for=jsonpath``, and any format kubectl may add):
  the text cannot be scrubbed, so it is withheld when the command can return a Secret (or a
  kubeconfig): when its words, its path or its captured files name one, and, for a read
  (``get``, a dry-run, ``rollout history``), when the same read run first with ``-o json``
  shows one among its objects. An approved change's free-format output is always withheld:
  a change cannot be run twice to look first.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import yaml

from binks.tools.argv import ParsedArgv
from binks.tools.models import CapturedSource
from binks.tools.resources import kinds_in

Group = Literal["structured", "table", "free"]

STRUCTURED_FORMATS = frozenset({"json", "yaml", "kyaml"})
TABLE_FORMATS = frozenset({"", "wide", "name"})
#: Formats that can compute on a value (printf, slices), not only select it.
TEMPLATE_FORMATS = frozenset({"go-template", "go-template-file", "template", "templatefile"})
#: Commands whose default output is a YAML or JSON document.
STRUCTURED_COMMANDS = frozenset({("config", "view"), ("apply", "view-last-applied"), ("kustomize",)})
_OUTPUT_FLAGS = ("output", "-o", "template", "sort-by")

WITHHELD = (
    "<redacted>: this output could hold Secret values (or kubeconfig credentials) in a form Binks "
    "cannot scrub, so it is not shown. Use `describe secret NAME` for a Secret's keys and sizes, "
    "or -o yaml/-o json, which Binks scrubs.\n"
)
CHANGE_WITHHELD = (
    "The change ran (kubectl succeeded). Its output in a template format is not shown: it could "
    "hold credentials Binks cannot scrub from free text. Read the result with `get ... -o yaml`.\n"
)
UNPARSED = (
    "<redacted>: kubectl's answer should have been JSON or YAML but could not be parsed, so it is "
    "not shown (it might hold Secret values). Narrow the command.\n"
)


def output_format(parsed: ParsedArgv) -> str:
    """The output format kubectl will use: the last ``-o`` (``--template`` alone means go-template)."""
    values = [value or "" for value in parsed.values("output", "-o")]
    chosen = values[-1].split("=", 1)[0] if values else ""
    if not chosen and parsed.values("template"):
        return "go-template"
    return chosen


def group(parsed: ParsedArgv) -> Group:
    """Which of the three groups the command's output falls in (unknown formats are free)."""
    if parsed.values("sort-by") or (parsed.path == ("wait",) and _waits_on_fields(parsed)):
        return "free"
    if parsed.path in (("annotate",), ("label",)) and parsed.has("list"):
        return "free"  # `annotate --list` prints annotations as text, last-applied values included
    if parsed.path == ("diff",):
        return "free"  # kubectl diff masks data, not the last-applied annotation (kubectl#1453)
    chosen = output_format(parsed)
    if chosen in STRUCTURED_FORMATS or (parsed.path in STRUCTURED_COMMANDS and not chosen):
        return "structured"
    if parsed.values("raw") and parsed.path == ("get",):
        return "structured"
    if chosen in TABLE_FORMATS:
        return "table"
    return "free"


def probes(parsed: ParsedArgv) -> bool:
    """Whether a read prints objects in a free format, so the objects are looked at first.

    That is ``get``, and every read that prints whole objects: a dry-run (``label``,
    ``patch``, ``set``, ``create``...) or ``rollout history --revision``. The probe runs
    the same read with ``-o json`` (a dry-run stays a dry-run). ``wait`` and ``--list``
    print no objects; their free forms are handled by the redactor.
    """
    if group(parsed) != "free" or parsed.path == ("wait",) or parsed.has("list"):
        return False
    return bool(output_format(parsed) or parsed.values("template") or parsed.values("sort-by"))


def _waits_on_fields(parsed: ParsedArgv) -> bool:
    """``wait --for=jsonpath=...`` answers whether a field has a value: an oracle on its contents."""
    return any((value or "").startswith("jsonpath") for value in parsed.values("for"))


def names_secrets(parsed: ParsedArgv, sources: list[CapturedSource] | None = None) -> bool:
    """Whether the command's words or captured files name Secrets (or a kubeconfig)."""
    if parsed.path in (("config", "view"), ("create", "token")) or parsed.path[:2] == ("create", "secret"):
        return True
    words = [*parsed.positionals, *parsed.unsure]
    if any("secret" in kinds_in(word) for word in words):
        return True
    if any("/secrets" in (value or "").lower() for value in parsed.values("raw")):
        return True
    return any(_source_has_secret(source) for source in sources or [])


def _source_has_secret(source: CapturedSource) -> bool:
    import base64

    for file in source.files:
        text = base64.b64decode(file.content).decode("utf-8", errors="replace")
        values = parse_objects(text)
        if values is None or any(holds_secret(value) for value in values):
            return True
    return False


def probe_argv(parsed: ParsedArgv) -> list[str]:
    """The same read with its output options replaced by ``-o json``, to see its objects."""
    return [*without_output(parsed), "-o", "json"]


def without_output(parsed: ParsedArgv) -> list[str]:
    """The argv with its output options (``-o``, ``--template``, ``--sort-by``) taken out."""
    drop: set[int] = set()
    for flag in parsed.flags:
        if flag.name in _OUTPUT_FLAGS:
            drop.update({flag.word, flag.value_word} - {-1})
    return [word for index, word in enumerate(parsed.argv) if index not in drop]


def parse_objects(text: str) -> list[Any] | None:
    """The JSON or YAML documents in ``text`` (JSON back to back too); None if it does not parse."""
    stripped = text.strip()
    if not stripped:
        return []
    if stripped.startswith(("{", "[")):
        try:
            values = json_values(stripped)
        except RecursionError:
            return None
        if values is not None:
            return values
    try:
        docs = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except (yaml.YAMLError, RecursionError):
        return None
    if not all(isinstance(doc, dict | list) for doc in docs):
        return None
    return docs


def json_values(text: str) -> list[Any] | None:
    """Every JSON value in ``text``: one document, or several back to back (a watch stream)."""
    decoder = json.JSONDecoder()
    values: list[Any] = []
    position = 0
    while position < len(text):
        try:
            value, position = decoder.raw_decode(text, position)
        except ValueError:
            return None
        values.append(value)
        while position < len(text) and text[position].isspace():
            position += 1
    return values


def holds_secret(node: Any) -> bool:
    """Whether a decoded object (or list, or watch event) is or contains a Secret or a kubeconfig."""
    if isinstance(node, dict):
        kind = node.get("kind")
        if kind in ("Secret", "SecretList", "Config"):
            return True
        if isinstance(node.get("type"), str) and "data" in node and "metadata" in node and kind is None:
            return True  # a list item without its kind, typed like a Secret
        return any(holds_secret(value) for value in node.values())
    if isinstance(node, list):
        return any(holds_secret(item) for item in node)
    return False


CREDENTIAL_NAME = re.compile(
    r"(?i)(password|passwd|passphrase|pwd|pass$|token|secret|credential|private[-_]?key|api[-_]?key"
    r"|access[-_]?key|[-_.]key$|signing|dsn$|database[-_]?url|connection[-_]?string|cookie)"
)
"""Names (environment variables, keys) whose values are credentials: ``DB_PASSWORD``,
``POSTGRES_PASS``, ``SIGNING_KEY``, ``DATABASE_URL``; a bare ``key`` (a toleration's, a
selector's) is not one."""


CONTAINER_ARGUMENTS = ("args", "command")
"""The keys of a container that hold its command line, where ``--db-password=...`` can stand."""
FLAG_VALUE = re.compile(r"^(-{1,2}[A-Za-z][\w.-]*=)(.+)$", re.DOTALL)
"""A container argument ``--name=value``; its value is a credential when the name says so."""


def credential_flag(item: Any) -> re.Match[str] | None:
    """The match of a ``--db-password=...`` container argument (name, value); None for others."""
    match = FLAG_VALUE.match(item) if isinstance(item, str) else None
    if match and CREDENTIAL_NAME.search(match.group(1).strip("-=")) and len(match.group(2)) >= 4:
        return match
    return None


def flag_credentials(items: list[Any]) -> list[str]:
    """The values of ``--db-password=...``-style items of a container's ``args`` or ``command``."""
    return [match.group(2) for item in items if (match := credential_flag(item))]


def literal_credentials(node: Any) -> list[str]:
    """Literal credentials in a pod spec: env values and ``--db-password=...`` arguments."""
    found: list[str] = []
    if isinstance(node, dict):
        for key in CONTAINER_ARGUMENTS:
            if isinstance(node.get(key), list):
                found.extend(flag_credentials(node[key]))
        env = node.get("env")
        if isinstance(env, list):
            for entry in env:
                if isinstance(entry, dict) and isinstance(entry.get("value"), str):
                    if CREDENTIAL_NAME.search(str(entry.get("name", ""))) and len(entry["value"]) >= 4:
                        found.append(entry["value"])
        for value in node.values():
            found.extend(literal_credentials(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(literal_credentials(item))
    return found


def mask_values(text: str, values: list[str]) -> str:
    """``text`` with every spelling of the values replaced by the marker, longest first.

    A jsonpath prints maps and lists as JSON, so a value holding a quote or a backslash
    appears escaped (and Go's encoder writes ``<``, ``>`` and ``&`` as unicode escapes):
    each spelling is masked, not only the raw one.
    """
    spellings = {spelling for value in values for spelling in _spellings(value)}
    for spelling in sorted(spellings, key=len, reverse=True):
        text = text.replace(spelling, "<redacted>")
    return text


def _spellings(value: str) -> set[str]:
    """The ways a printed value can appear: raw, JSON-escaped, and Go's HTML-safe JSON."""
    escaped = json.dumps(value)[1:-1]
    unicode = json.dumps(value, ensure_ascii=False)[1:-1]
    go = unicode.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return {spelling for spelling in (value, escaped, unicode, go) if spelling}
