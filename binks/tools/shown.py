"""Commands as people and logs see them: secret values hidden, and nothing else.

A plan step, an event, an audit entry and a log line show the command that runs. Literal
secrets in it (``--from-literal=password=...``, ``DB_TOKEN=...`` in ``set env`` or in a
container command, a patch of a Secret, a bearer token) are replaced by a marker, and
**only the value** is replaced: ``exec db-0 -- sh -c 'API_TOKEN=1 rm -rf /data'`` is shown
as ``sh -c 'API_TOKEN=<redacted> rm -rf /data'``, never as ``sh -c API_TOKEN=<redacted>``,
so a person approving it sees every word that will run. When a value cannot be cut out
exactly (a patch of a Secret that does not parse), the whole argument is hidden and the
step says so in ``hidden`` (:class:`Shown`), which the approval card prints as a warning.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from binks.tools.redact import _BASIC, _BEARER, _CRED_FIELD, _JWT, _PEM, _URL_CREDENTIALS, MARK, SECRET_NAME
from binks.tools.resources import kinds_in

#: An assignment whose name says it holds a credential: ``DB_PASSWORD=...``, ``api-token=...``.
_ASSIGNMENT = re.compile(r"(?<![\w.-])([A-Za-z_][\w.-]*)=")
_QUOTED = re.compile(r"""'[^']*'?|"(?:[^"\\]|\\.)*"?""")
_UNQUOTED = re.compile(r"[^\s;&|]*")
_VALUE_FLAGS = ("--from-literal", "--docker-password")
_PATCH_FLAGS = ("--patch", "-p", "--overrides")
_ALL_FLAGS = (*_VALUE_FLAGS, *_PATCH_FLAGS)


@dataclass
class Shown:
    """An argv as shown, and what was hidden beyond plain values (empty when nothing)."""

    argv: list[str]
    hidden: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        """True when the shown argv differs from the real one only at secret values."""
        return not self.hidden


def _spans_in_free_text(word: str, *, shell: bool) -> list[tuple[int, int]]:
    """Value spans of credentials inside one word.

    ``shell`` words come after ``--`` (a container's command line): there a value ends at
    whitespace or its closing quote, so ``API_TOKEN=1 rm -rf /data`` hides only ``1``.
    Elsewhere a ``NAME=VALUE`` word is data (``set env``, ``--env``), and the value is the
    rest of the word, spaces included.
    """
    spans: list[tuple[int, int]] = []
    for match in _ASSIGNMENT.finditer(word):
        if not SECRET_NAME.search(match.group(1)):
            continue
        start = match.end()
        if not shell:
            spans.append((start, len(word)))
            break
        quoted = _QUOTED.match(word, start)
        end = quoted.end() if quoted else start + len(_UNQUOTED.match(word, start).group(0))  # type: ignore[union-attr]
        if end > start:
            spans.append((start, end))
    for pattern, group in ((_PEM, 0), (_JWT, 0), (_CRED_FIELD, 2)):
        spans.extend(match.span(group) for match in pattern.finditer(word))
    for pattern in (_BEARER, _BASIC):
        spans.extend((match.end(1) + 1, match.end()) for match in pattern.finditer(word))
    spans.extend((match.end(1), match.end() - 1) for match in _URL_CREDENTIALS.finditer(word))
    return spans


_TOKEN = re.compile(r"[A-Za-z0-9+/=._~:%@!,*#^-]+")
_CLOSED_QUOTE = re.compile("'[^']*'|\"[^\"$`\\\\]*\"")


def clean_spans(word: str, spans: list[tuple[int, int]]) -> bool:
    """Whether every span is a plain token or one closed quoted string: a value, not code.

    In a container's command line a secret-looking pattern can be made to swallow code
    (an unclosed quote, a key without its END line, a "URL password" made of a function
    call); hiding such a span would hide what runs, so it is flagged instead.
    """
    return all(
        _TOKEN.fullmatch(word[start:end]) or _CLOSED_QUOTE.fullmatch(word[start:end]) for start, end in spans
    )


def _mask(word: str, spans: list[tuple[int, int]]) -> str:
    """``word`` with each span replaced by the marker (overlapping spans merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(word[last:start])
        out.append(MARK)
        last = end
    out.append(word[last:])
    return "".join(out)


def _secret_values(node: Any, secret: bool, under_data: bool = False) -> list[Any]:
    """Scalar leaves of a decoded patch that are Secret data or credential-named fields."""
    found: list[Any] = []
    if isinstance(node, dict):
        secret = secret or node.get("kind") == "Secret"
        for key, value in node.items():
            data = (
                under_data or (secret and key in ("data", "stringData")) or bool(SECRET_NAME.search(str(key)))
            )
            found.extend(_secret_values(value, secret, data))
        path = node.get("path")
        if secret and isinstance(path, str) and re.search(r"/(data|stringData)(/|$)", path):
            found.extend(_secret_values(node.get("value"), secret, True))
    elif isinstance(node, list):
        for item in node:
            found.extend(_secret_values(item, secret, under_data))
    elif isinstance(node, str | int | float) and under_data and node != "":
        found.append(node)
    return found


def _decoded(word: str) -> Any:
    """A patch word as JSON, or None when it is not JSON (YAML, free text)."""
    try:
        return json.loads(word)
    except (ValueError, RecursionError):
        return None


def _patch_spans(word: str, decoded: Any, secret: bool) -> list[tuple[int, int]] | None:
    """Spans of the secret values inside a JSON patch word; None when they cannot be cut out exactly.

    Only whole JSON strings are cut, inside their quotes, and only when each such string in
    the word (keys included) is a secret value: a value like ``"0"`` must not also hide
    ``"replicas":0`` or an equal string elsewhere. A number or an ambiguous spelling is not cut.
    """
    values = Counter(_secret_values(decoded, secret))
    if not values:
        return []
    spans: list[tuple[int, int]] = []
    for value, count in values.items():
        if not isinstance(value, str):
            return None
        found = {
            (match.start() + 1, match.end() - 1)
            for quoted in {json.dumps(value), json.dumps(value, ensure_ascii=False)}
            for match in re.finditer(re.escape(quoted), word)
        }
        if len(found) != count:
            return None
        spans.extend(found)
    return spans


#: Distinct argvs and command lines whose shown form is kept: a plan's commands are shown in
#: its proposal, its approval card, each step's events and the audit log, so each is worked
#: out once (the marked words were in memory already, in the graph's state).
SHOWN_CACHE = 512


def show_argv(argv: list[str] | tuple[str, ...]) -> Shown:
    """The argv with secret values replaced by the marker, and a note for anything more hidden."""
    shown, hidden = _show(tuple(argv))
    return Shown(argv=list(shown), hidden=list(hidden))


@functools.lru_cache(maxsize=SHOWN_CACHE)
def _show(argv: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    shown = _show_words(argv)
    return tuple(shown.argv), tuple(shown.hidden)


def _show_words(argv: tuple[str, ...]) -> Shown:
    words = list(argv)
    end = words.index("--") if "--" in words else len(words)
    touches_secrets = any("secret" in kinds_in(word) for word in words[:end] if not word.startswith("-"))
    shown = Shown(argv=[])
    pending: str | None = None
    for index, word in enumerate(words):
        if index >= end:
            spans = _spans_in_free_text(word, shell=index > end)
            if index > end and not clean_spans(word, spans):
                shown.hidden.append(
                    f"part of the container command (argument {index - end}): it looks like a secret but"
                    " is not a plain value, so what runs cannot be shown; reject it and ask for the"
                    " command without inline secrets"
                )
            shown.argv.append(_mask(word, spans))
            continue
        flag, sep, value = word.partition("=") if word.startswith("-") else ("", "", "")
        if pending is not None:
            shown.argv.append(_value(pending, word, touches_secrets, shown))
            pending = None
        elif flag in _ALL_FLAGS and not sep:
            shown.argv.append(word)
            pending = flag
        elif flag in _ALL_FLAGS:
            shown.argv.append(f"{flag}={_value(flag, value, touches_secrets, shown)}")
        elif word.startswith("-p") and len(word) > 2 and not word.startswith(("-p=", "--")):
            shown.argv.append("-p" + _value("-p", word[2:], touches_secrets, shown))
        else:
            shown.argv.append(_mask(word, _spans_in_free_text(word, shell=False)))
    return shown


def _value(flag: str, value: str, touches_secrets: bool, shown: Shown) -> str:
    if flag == "--from-literal":
        key, sep, _rest = value.partition("=")
        return f"{key}={MARK}" if sep else MARK
    if flag == "--docker-password":
        return MARK
    decoded = _decoded(value)
    spans = None if decoded is None else _patch_spans(value, decoded, touches_secrets)
    if spans is None:
        if touches_secrets:
            shown.hidden.append(f"the {flag.lstrip('-')} argument ({len(value.encode())} bytes) of a Secret")
            return MARK
        if decoded is not None:  # JSON whose credential-named values could not be cut out alone
            shown.hidden.append(
                f"the {flag.lstrip('-')} argument ({len(value.encode())} bytes): it sets a credential-named "
                "field whose value could not be cut out alone"
            )
            return MARK
        return _mask(value, _spans_in_free_text(value, shell=False))
    return _mask(value, spans + _spans_in_free_text(value, shell=True))


def redact_argv(argv: list[str] | tuple[str, ...]) -> list[str]:
    """A kubectl argv as it may be written to a log or the audit: literal values hidden."""
    return show_argv(argv).argv


def describe_argv(argv: list[str] | tuple[str, ...]) -> str:
    """``kubectl ...`` as one line a person reads, with a warning when more than values is hidden."""
    shown = show_argv(argv)
    line = "kubectl " + shlex.join(shown.argv)
    return line if shown.exact else f"{line}  [hidden: {'; '.join(shown.hidden)}]"


_COMMAND_KEYS = frozenset({"command", "description"})


def redact_payload(value: Any) -> Any:
    """An event or API payload with every command in it shown as :func:`show_argv` shows it.

    Plans, tool calls and step descriptions carry the model's kubectl commands, which may
    hold literal secrets; captured files travel with their hash and size, not their bytes.
    The plan hash is computed over the real steps before this runs; only what people and
    logs see is redacted.
    """
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if key == "argv" and isinstance(item, list) and all(isinstance(word, str) for word in item):
                shown = show_argv(item)
                out[key] = shown.argv
                if not shown.exact:
                    out["hidden"] = shown.hidden
            elif key in _COMMAND_KEYS and isinstance(item, str):
                out[key] = _redact_command(item)
            elif key == "sources" and isinstance(item, list):
                out[key] = [_source_summary(source) for source in item]
            else:
                out[key] = redact_payload(item)
        return out
    if isinstance(value, list):
        return [redact_payload(item) for item in value]
    return value


def _source_summary(source: Any) -> Any:
    if not isinstance(source, dict):
        return source
    files = source.get("files") or []
    return {
        **{key: source.get(key) for key in ("flag", "written", "kind", "sha256")},
        "files": [
            {"path": file.get("path"), "sha256": file.get("sha256")}
            for file in files
            if isinstance(file, dict)
        ],
    }


@functools.lru_cache(maxsize=SHOWN_CACHE)
def _redact_command(command: str) -> str:
    try:
        words = shlex.split(command)
    except ValueError:
        from binks.tools.redact import redact_text

        return redact_text(command)
    shown = show_argv(words)
    if shown.argv == words:
        return command
    line = shlex.join(shown.argv)
    return line if shown.exact else f"{line}  [hidden: {'; '.join(shown.hidden)}]"
