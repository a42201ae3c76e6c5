"""Remove secret values from tool output before it reaches the model, a log or a plan.

Structured output (JSON, YAML, KYAML) is parsed and every object scrubbed: a Secret's
``data``/``stringData`` values (and its last-applied annotation, which repeats them) become
a marker that keeps the key and the size, a kubeconfig's ``users`` lose every credential,
and environment variables named like credentials lose their values. Text that is not
structured goes through patterns: PEM private keys, bearer tokens, JWTs (service-account
tokens), credential fields (``password: ...``). Output that cannot be scrubbed and may hold
a Secret is withheld entirely (:mod:`binks.tools.outputs` says which).
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import re
from typing import Any

import yaml

from binks.tools.argv import ParsedArgv
from binks.tools.models import CapturedSource
from binks.tools.outputs import (
    CONTAINER_ARGUMENTS,
    CREDENTIAL_NAME,
    UNPARSED,
    WITHHELD,
    credential_flag,
    group,
    names_secrets,
    parse_objects,
)

MARK = "<redacted>"
_PEM = re.compile(
    r"-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----.*?(?:-----END \1-----|\Z)",
    re.DOTALL,
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}")
_BASIC = re.compile(r"(?i)\b(basic)\s+[A-Za-z0-9+/=]{8,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}")
_CRED_FIELD = re.compile(
    r"(?im)^(\s*-?\s*\"?(?:client-key-data|token|id-token|refresh-token|access-token|password"
    r"|client-secret|auth|secret-access-key|aws_secret_access_key)\"?\s*[:=]\s*)(?!\"?<)(\"[^\"]*\"|[^\s,\"]+)"
)
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@")
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_SECRET_TYPE = re.compile(r"^(Opaque|kubernetes\.io/.+|bootstrap\.kubernetes\.io/.+|helm\.sh/.+)$")
SECRET_NAME = CREDENTIAL_NAME
#: Kubeconfig user fields that say how to log in but hold no credential.
_SAFE_USER_FIELDS = frozenset({"apiVersion", "command", "interactiveMode", "provideClusterInfo", "name"})
_SECRET_KIND = re.compile(r"""(?i)["']?kind["']?\s*:\s*["']?(Secret|SecretList|Config)["']?\b""")


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


#: What of a Secret is shown as it is: its identity and the fields only the server sets.
_SECRET_FIELDS = frozenset({"apiVersion", "kind", "metadata", "type", "data", "stringData", "immutable"})
_SECRET_META = frozenset({"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp"})


def _mask_values(node: Any) -> Any:
    """Keys kept, every value hidden (with its size), at any depth."""
    if isinstance(node, dict):
        return {key: _mask_values(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_mask_values(item) for item in node]
    if isinstance(node, str):
        return f"{MARK} ({len(node.encode())} bytes)" if node else node
    return node if node is None or isinstance(node, bool) else MARK


def _scrub_secret(obj: dict[str, Any]) -> None:
    """Show a Secret's identity and keys only.

    Values are hidden wherever they sit, not only under ``data``: a JSON patch (dry-run) can
    copy or move a value into an annotation, a label, an owner reference or a new field, and
    the last-applied annotation repeats the values in plain text. So everything but the
    identity, ``type`` (when it is a Secret type) and ``immutable`` keeps its keys and loses
    its values; ``data``/``stringData`` show each key's size.
    """
    for field, encoded in (("data", True), ("stringData", False)):
        values = obj.get(field)
        if isinstance(values, dict):
            obj[field] = {key: _size(value, encoded) for key, value in values.items()}
        elif field in obj:
            obj[field] = MARK
    for key in list(obj):
        if key not in _SECRET_FIELDS:
            obj[key] = _mask_values(obj[key])
    if "type" in obj and not (isinstance(obj["type"], str) and _SECRET_TYPE.match(obj["type"])):
        obj["type"] = MARK
    if "immutable" in obj and not isinstance(obj["immutable"], bool):
        obj["immutable"] = MARK
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        for key in list(meta):
            if key not in _SECRET_META:
                meta[key] = _mask_values(meta[key])
    elif meta is not None:
        obj["metadata"] = MARK


def _scrub_user(node: Any) -> Any:
    """A kubeconfig user entry with every credential hidden (exec env, tokens, keys, provider config)."""
    if isinstance(node, dict):
        return {
            key: value
            if key in _SAFE_USER_FIELDS and not isinstance(value, dict | list)
            else _scrub_user(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_scrub_user(item) for item in node]
    return MARK if node is not None and node != "" else node


def _scrub_kubeconfig(obj: dict[str, Any]) -> None:
    users = obj.get("users")
    if isinstance(users, list):
        obj["users"] = [
            {**entry, "user": _scrub_user(entry.get("user"))} if isinstance(entry, dict) else MARK
            for entry in users
        ]
    for entry in obj.get("clusters") or []:
        cluster = entry.get("cluster") if isinstance(entry, dict) else None
        if isinstance(cluster, dict) and isinstance(cluster.get("proxy-url"), str):
            cluster["proxy-url"] = _URL_CREDENTIALS.sub(rf"\1{MARK}@", cluster["proxy-url"])


def _scrub_env(entries: list[Any]) -> None:
    """``env: [{name: DB_PASSWORD, value: ...}]`` in a pod spec: literal credentials."""
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("value"), str):
            if SECRET_NAME.search(str(entry.get("name", ""))):
                entry["value"] = MARK


def _masked_flag(item: Any) -> Any:
    """``--db-password=...`` with its value hidden; other items as they are."""
    match = credential_flag(item)
    return f"{match.group(1)}{MARK}" if match else item


def scrub(node: Any, in_secret_list: bool = False) -> Any:
    """Redact Secret values and credentials in a decoded JSON/YAML structure, in place; returns it."""
    if isinstance(node, dict):
        if _is_secret(node, in_secret_list):
            _scrub_secret(node)
        if node.get("kind") == "Config" or ("users" in node and "clusters" in node):
            _scrub_kubeconfig(node)
        if isinstance(node.get("env"), list):
            _scrub_env(node["env"])
        for key in CONTAINER_ARGUMENTS:
            if isinstance(node.get(key), list):
                node[key] = [_masked_flag(item) for item in node[key]]
        if node.get("kind") == "TokenRequest" and isinstance(node.get("status"), dict):
            node["status"] = _mask_values(node["status"])  # `create token -o yaml`: a fresh token
        child_in_list = node.get("kind") == "SecretList"
        for key, value in node.items():
            scrub(value, child_in_list and key == "items")
    elif isinstance(node, list):
        for item in node:
            scrub(item, in_secret_list)
    return node


def _dump(values: list[Any], as_json: bool) -> str:
    if as_json:
        return "".join(json.dumps(scrub(value), indent=4, ensure_ascii=False) + "\n" for value in values)
    dumped = [yaml.safe_dump(scrub(doc), sort_keys=False, allow_unicode=True) for doc in values]
    return "---\n".join(dumped)


def _structured(text: str) -> str | None:
    """The text with Secret values scrubbed, if it is JSON or YAML of objects; else None."""
    stripped = text.lstrip()
    looks_json = stripped.startswith(("{", "["))
    looks_yaml = bool(re.search(r"(?m)^(kind|apiVersion|items|users|clusters):|^---\s*$", text))
    if not looks_json and not looks_yaml:
        return None
    values = parse_objects(text)
    if values is None:
        # Structured text we cannot parse may still hold a Secret (a cut-off stream): show none of it.
        return _WITHHELD_TEXT if _SECRET_KIND.search(text) else None
    return _dump(values, looks_json)


_WITHHELD_TEXT = f"{MARK}: output that holds a Secret and could not be parsed is not shown\n"


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


def redact_patterns(text: str) -> str:
    """Private keys, bearer and basic credentials, JWTs, credential fields and URL passwords."""
    text = _PEM.sub(lambda match: f"{MARK} {match.group(1)}", text)
    text = _BEARER.sub(lambda match: f"{match.group(1)} {MARK}", text)
    text = _BASIC.sub(lambda match: f"{match.group(1)} {MARK}", text)
    text = _JWT.sub(MARK, text)
    text = _URL_CREDENTIALS.sub(rf"\1{MARK}@", text)
    text = _LAST_APPLIED_LINE.sub(rf"\1{MARK}", text)
    text = _SECRET_JSON_LINE.sub(rf"\1{MARK}", text)
    text = _NAMED_VALUE.sub(_named_mark, text)
    return _CRED_FIELD.sub(_field_mark, text)


#: ``annotate --list`` and ``describe`` print the last-applied annotation (a Secret's plain
#: values, for one applied with kubectl) as ``key=value`` or ``key: value`` text.
_LAST_APPLIED_LINE = re.compile(r"(kubectl\.kubernetes\.io/last-applied-configuration\s*[=:]\s*)\S[^\n]*")
#: A Secret as one line of JSON inside other text (the last-applied annotation in a diff).
_SECRET_JSON_LINE = re.compile(r"""(?m)^([-+ ]?[ \t]*)\{[^\n]*["']kind["']\s*:\s*["']Secret["'][^\n]*$""")
#: ``DB_PASSWORD:  hunter2`` in ``describe`` output, ``API_TOKEN=abc`` in a log line.
_NAMED_VALUE = re.compile(r"(?m)^([ \t]*(?:-[ \t]+|--?)?)([A-Za-z_][\w.-]*)([ \t]*[:=][ \t]*)(\S[^\n]*)$")
_NOT_A_VALUE_KEY = re.compile(r"(?i)((name|ref|namespace|optional|type|path|mode|file|items)$|^keys?$)")


def _named_mark(match: re.Match[str]) -> str:
    indent, key, sep, value = match.groups()
    if not SECRET_NAME.search(key) or _NOT_A_VALUE_KEY.search(key) or value.startswith(("<", MARK)):
        return match.group(0)
    return f"{indent}{key}{sep}{MARK}"


def redact_text(text: str) -> str:
    """Redact secrets from any text: structured Secrets, private keys, tokens, credentials."""
    if not text:
        return text
    text = _structured(text) or _secret_blocks(text)
    return redact_patterns(text)


def _field_mark(match: re.Match[str]) -> str:
    quoted = match.group(2).startswith('"')
    return f'{match.group(1)}"{MARK}"' if quoted else f"{match.group(1)}{MARK}"


def redact_output(
    text: str, parsed: ParsedArgv | None = None, sources: list[CapturedSource] | None = None
) -> str:
    """Redact a kubectl command's output by its format; withhold what cannot be scrubbed.

    Free formats (jsonpath, templates, custom columns) of a command that names Secrets or a
    kubeconfig are withheld; structured formats are parsed and scrubbed object by object,
    and withheld when they do not parse; the rest goes through :func:`redact_text`.
    """
    if parsed is None or not text.strip():
        return redact_text(text)
    kind = group(parsed)
    if kind == "free" and names_secrets(parsed, sources):
        return WITHHELD
    if kind == "structured":
        values = parse_objects(text)
        if values is None:
            return UNPARSED
        return redact_patterns(_dump(values, text.lstrip().startswith(("{", "["))))
    return redact_text(text)


def redact_value(value: Any) -> Any:
    """A copy of a JSON-like value with Secrets scrubbed and every string redacted.

    String values under keys named like credentials (``password``, ``api_token``) are hidden
    whatever they look like.
    """
    return _redact_strings(scrub(copy.deepcopy(value)))


def _redact_strings(value: Any) -> Any:
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {
            key: MARK if isinstance(item, str) and SECRET_NAME.search(str(key)) else _redact_strings(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact_strings(item) for item in value]
    return value
