"""Remove secret values from tool output before it reaches the model, a log or a plan.

Structured output (JSON, YAML) is parsed and every Secret's ``data``/``stringData`` values
(and its last-applied annotation, which repeats them) are replaced by a marker that keeps the
key and the size, so the model still sees which keys exist. Text that is not structured goes
through patterns: PEM private keys, bearer tokens, JWTs (service-account tokens), and the
credential fields of kubeconfig files. Output that can only be a secret's raw value (a
``jsonpath`` read of a Secret) is withheld entirely: no pattern can recognise a bare value.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
import shlex
from typing import Any

import yaml

from binks.tools.argv import ParsedArgv
from binks.tools.resources import kinds_in

MARK = "<redacted>"
_PEM = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.*?(?:-----END \1-----|\Z)",
    re.DOTALL,
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")
_CRED_FIELD = re.compile(
    r"(?im)^(\s*-?\s*\"?(?:client-key-data|token|id-token|refresh-token|access-token|password"
    r"|client-secret|auth)\"?\s*[:=]\s*)(?!\"?<)(\"[^\"]*\"|[^\s,\"]+)"
)
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_SECRET_TYPE = re.compile(r"^(Opaque|kubernetes\.io/.+|bootstrap\.kubernetes\.io/.+|helm\.sh/.+)$")
_UNSTRUCTURED = (
    "jsonpath",
    "go-template",
    "template",
    "custom-columns",
    "jsonpath-as-json",
    "jsonpath-file",
    "go-template-file",
    "templatefile",
    "custom-columns-file",
)


def _size(value: Any, encoded: bool) -> str:
    if not isinstance(value, str):
        return MARK
    if encoded:
        try:
            return f"{MARK} ({len(base64.b64decode(value, validate=True))} bytes)"
        except (binascii.Error, ValueError):
            pass
    return f"{MARK} ({len(value.encode())} bytes)"


def _is_secret(obj: dict[str, Any], in_secret_list: bool) -> bool:
    if obj.get("kind") == "Secret" or in_secret_list:
        return True
    kind_type = obj.get("type")
    return (
        "metadata" in obj
        and "data" in obj
        and isinstance(kind_type, str)
        and bool(_SECRET_TYPE.match(kind_type))
    )


def _scrub_secret(obj: dict[str, Any]) -> None:
    for field, encoded in (("data", True), ("stringData", False)):
        values = obj.get(field)
        if isinstance(values, dict):
            obj[field] = {key: _size(value, encoded) for key, value in values.items()}
    annotations = (obj.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict) and _LAST_APPLIED in annotations:
        annotations[_LAST_APPLIED] = MARK


def scrub(node: Any, in_secret_list: bool = False) -> Any:
    """Redact Secret values in a decoded JSON/YAML structure, in place; returns it."""
    if isinstance(node, dict):
        if _is_secret(node, in_secret_list):
            _scrub_secret(node)
        child_in_list = node.get("kind") == "SecretList"
        for key, value in node.items():
            scrub(value, child_in_list and key == "items")
    elif isinstance(node, list):
        for item in node:
            scrub(item, in_secret_list)
    return node


def _structured(text: str) -> str | None:
    """The text with Secret values scrubbed, if it is JSON or YAML of objects; else None."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        values = _json_values(stripped)
        if values is None:
            # JSON we cannot parse may still hold a Secret (a cut-off stream): show none of it.
            return _WITHHELD if _SECRET_KIND.search(text) else None
        return "".join(json.dumps(scrub(value), indent=4, ensure_ascii=False) + "\n" for value in values)
    if re.search(r"(?m)^(kind|apiVersion|items):", text):
        try:
            docs = list(yaml.safe_load_all(text))
        except yaml.YAMLError:
            return None
        if not all(isinstance(doc, dict | list) or doc is None for doc in docs):
            return None
        dumped = [yaml.safe_dump(scrub(doc), sort_keys=False, allow_unicode=True) for doc in docs if doc]
        return "---\n".join(dumped)
    return None


_SECRET_KIND = re.compile(r'"kind"\s*:\s*"Secret(List)?"')
_WITHHELD = f"{MARK}: output that holds a Secret and could not be parsed is not shown\n"


def _json_values(text: str) -> list[Any] | None:
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


def _secret_blocks(text: str) -> str:
    """Line-based fallback for YAML that does not parse: blank out data under a Secret."""
    out: list[str] = []
    for doc in re.split(r"(?m)^---\s*$", text):
        if not re.search(r"(?m)^\s*kind:\s*Secret\s*$", doc):
            out.append(doc)
            continue
        lines, depth = [], None
        for line in doc.splitlines(keepends=True):
            indent = len(line) - len(line.lstrip())
            if depth is not None and line.strip() and indent > depth:
                key = line.split(":", 1)[0]
                lines.append(f"{key}: {MARK}\n")
                continue
            depth = indent if re.match(r"^\s*(data|stringData):\s*$", line) else None
            lines.append(line)
        out.append("".join(lines))
    return "---\n".join(out) if len(out) > 1 else out[0]


def redact_text(text: str) -> str:
    """Redact secrets from any text: structured Secrets, private keys, tokens, credentials."""
    if not text:
        return text
    text = _structured(text) or _secret_blocks(text)
    text = _PEM.sub(lambda match: f"{MARK} {match.group(1)}", text)
    text = _BEARER.sub(lambda match: f"{match.group(1)} {MARK}", text)
    text = _JWT.sub(f"{MARK} token", text)
    return _CRED_FIELD.sub(_field_mark, text)


def _field_mark(match: re.Match[str]) -> str:
    quoted = match.group(2).startswith('"')
    return f'{match.group(1)}"{MARK}"' if quoted else f"{match.group(1)}{MARK}"


def reads_secret_values(parsed: ParsedArgv) -> bool:
    """Whether a command prints Secret fields in a free format no redaction can recognise."""
    kinds = {kind for word in parsed.positionals for kind in kinds_in(word)}
    outputs = [value or "" for value in parsed.values("output", "-o")]
    free = any(value.split("=", 1)[0] in _UNSTRUCTURED for value in outputs) or parsed.has("template")
    # kubeconfig user entries (tokens, keys, exec env) are as secret as a Secret
    return free and ("secret" in kinds or parsed.path == ("config", "view"))


def redact_output(text: str, parsed: ParsedArgv | None = None) -> str:
    """Redact a kubectl command's output; withhold it when it can only be raw secret values."""
    if parsed is not None and reads_secret_values(parsed) and text.strip():
        return (
            f"{MARK}: this command prints Secret values in a free format, so Binks does not show "
            "its output. Use `describe secret NAME` to see the keys and their sizes.\n"
        )
    return redact_text(text)


#: Flags whose value may carry a secret however the command is written.
_SECRET_VALUE_FLAGS = ("--from-literal", "--docker-password", "--patch", "-p")


def _flag_value_mark(flag: str, value: str) -> str:
    if flag == "--from-literal":
        key, sep, _rest = value.partition("=")
        return f"{key}={MARK}" if sep else MARK
    return MARK


def redact_argv(argv: list[str]) -> list[str]:
    """A kubectl argv as it may be written to a log or the audit: literal values hidden.

    ``--from-literal`` values and ``--docker-password`` are always hidden; patch payloads
    (``-p``/``--patch``) are hidden when the command touches Secrets; every word goes
    through :func:`redact_text` (tokens, keys, ``password=...``).
    """
    touches_secrets = any("secret" in kinds_in(word) for word in argv if not word.startswith("-"))
    hidden = {"--from-literal", "--docker-password"} | ({"--patch", "-p"} if touches_secrets else set())
    out: list[str] = []
    pending: str | None = None
    for word in argv:
        if pending is not None:
            out.append(_flag_value_mark(pending, word))
            pending = None
            continue
        flag, sep, value = word.partition("=")
        if flag in hidden and flag in _SECRET_VALUE_FLAGS:
            if sep:
                out.append(f"{flag}={_flag_value_mark(flag, value)}")
            else:
                out.append(word)
                pending = flag
            continue
        if "-p" in hidden and word.startswith("-p") and len(word) > 2 and not word.startswith("-p="):
            out.append(f"-p{MARK}")  # a shorthand with its value attached: -p'{"data": ...}'
            continue
        if sep and not word.startswith("-") and _SECRET_KEY.search(flag):
            out.append(f"{flag}={MARK}")  # `set env DB_PASSWORD=...`, `--from-env`-style words
            continue
        out.append(redact_text(word))
    return out


def redact_value(value: Any) -> Any:
    """A copy of a JSON-like value with Secrets scrubbed and every string redacted.

    String values under keys named like credentials (``password``, ``api_token``) are hidden
    whatever they look like.
    """
    return _redact_strings(scrub(copy.deepcopy(value)))


_SECRET_KEY = re.compile(r"(?i)(password|passwd|token|secret|credential|private[-_]?key|api[-_]?key)")


def _redact_strings(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            key: MARK if isinstance(item, str) and _SECRET_KEY.search(str(key)) else _redact_strings(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_strings(item) for item in value]
    return value


_COMMAND_KEYS = frozenset({"command", "description"})


def redact_payload(value: Any) -> Any:
    """An event or API payload with every command in it as :func:`redact_argv` shows it.

    Plans, tool calls and step descriptions carry the model's kubectl commands, which may
    hold literal secrets (``create secret generic s --from-literal=password=...``). The plan
    hash is computed over the real steps before this runs; only what people and logs see
    is redacted.
    """
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if key == "argv" and isinstance(item, list) and all(isinstance(word, str) for word in item):
                out[key] = redact_argv(list(item))
            elif key in _COMMAND_KEYS and isinstance(item, str):
                out[key] = _redact_command(item)
            else:
                out[key] = redact_payload(item)
        return out
    if isinstance(value, list):
        return [redact_payload(item) for item in value]
    return value


def _redact_command(command: str) -> str:
    try:
        words = shlex.split(command)
    except ValueError:
        return redact_text(command)
    redacted = redact_argv(words)
    return command if redacted == words else shlex.join(redacted)
