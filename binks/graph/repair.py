"""Tool-call repair for small models that write their tool calls as text.

Small local models (Qwen2.5-Coder 0.5B/1.5B and friends) often answer with the call as
JSON in the content — bare, fenced in ```json, wrapped in ``<tool_call>`` tags, as a list,
with ``arguments`` as a JSON string, or under other key names — and sometimes invent tool
names. :func:`check_message` turns such text into real tool calls, but only calls whose
name is a real tool and whose arguments validate against that tool's schema; everything
else is reported as an error (for one corrective retry), never executed.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, ToolCall
from langchain_core.messages.tool import tool_call

from binks.graph.schema_check import schema_errors

_NAME_KEYS = ("name", "tool", "tool_name", "function", "function_name", "action")
_ARG_KEYS = ("arguments", "args", "parameters", "params", "input", "tool_input", "action_input")
_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL | re.IGNORECASE)
_FENCED = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?(.*?)```", re.DOTALL)
_UNCLOSED = re.compile(r"```[a-zA-Z0-9_-]*[ \t]*\n?(.*)$", re.DOTALL)

KUBECTL_TOOL = "run_kubectl"
_GENERIC_WORDS = frozenset({"get", "run", "check", "status", "agent", "tool", "list", "show"})

REPAIRED_CALLS_KEY = "binks_repaired_calls"
"""Response-metadata key on an answer whose tool calls were parsed from its text."""


@dataclass(frozen=True)
class CallCheck:
    """Validated tool calls of one model answer, and why the others were refused."""

    calls: list[ToolCall] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    from_text: bool = False
    notes: list[str] = field(default_factory=list)
    """What Binks dropped without refusing the answer (a truncated call at its end)."""


@dataclass(frozen=True)
class TextCalls:
    """What :func:`parse_text_calls` found in an answer's text."""

    calls: list[tuple[str, Any]]
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class ToolSchemas:
    """The tools the model was given: names and argument schemas from ``Toolbox.specs()``."""

    def __init__(self, specs: list[dict[str, Any]] | tuple[dict[str, Any], ...]):
        self.schemas: dict[str, dict[str, Any]] = {}
        for spec in specs:
            function = spec.get("function", spec)
            self.schemas[str(function["name"])] = dict(function.get("parameters") or {"type": "object"})
        # Per tool, the words of its name no other tool has (generic verbs left out).
        words = {tool: set(tool.split("_")) - _GENERIC_WORDS for tool in self.schemas}
        self._own_words = {
            tool: own.difference(*(other for name, other in words.items() if name != tool))
            for tool, own in words.items()
        }

    @property
    def names(self) -> list[str]:
        """The real tool names."""
        return list(self.schemas)

    def validate(self, name: str, args: dict[str, Any]) -> tuple[str, list[str]]:
        """The real tool name for ``name`` and the argument errors (empty when valid).

        An invented name is mapped only when exactly one real tool is near it (by spelling,
        or by a word no other tool has, like ``kubectl`` in ``kubectl_get``) and the
        arguments validate against that tool; or when the call carries a ``kubectl ...``
        command that validates against ``run_kubectl`` (``{"name": "bash", "arguments":
        {"command": "kubectl get pods"}}``). Anything else is an error listing the tools.
        """
        if name in self.schemas:
            if self._misplaced_command(name, args):
                return KUBECTL_TOOL, []
            return name, schema_errors(args, self.schemas[name])
        candidates = self._nearest(name)
        valid = [tool for tool in candidates if not schema_errors(args, self.schemas[tool])]
        if len(candidates) == 1 and len(valid) == 1:
            return valid[0], []
        if self._kubectl_command(args):
            return KUBECTL_TOOL, []
        return name, [f"there is no tool {name!r}; the tools are: {', '.join(self.names)}"]

    def _misplaced_command(self, name: str, args: dict[str, Any]) -> bool:
        """A kubectl command given to a tool that takes none: meant for ``run_kubectl``.

        Seen twice from the 1.5B model: ``get_cluster_status {"command": "get deployments -l
        tier=frontend"}``. The tool ignores the argument and answers something else; the
        command is what the model asked for.
        """
        properties = self.schemas[name].get("properties") or {}
        return (
            name != KUBECTL_TOOL
            and "command" not in properties
            and isinstance(args.get("command"), str)
            and KUBECTL_TOOL in self.schemas
            and not schema_errors({"command": args["command"]}, self.schemas[KUBECTL_TOOL])
        )

    def _kubectl_command(self, args: dict[str, Any]) -> bool:
        command = args.get("command")
        return (
            KUBECTL_TOOL in self.schemas
            and isinstance(command, str)
            and command.strip().startswith("kubectl ")
            and not schema_errors(args, self.schemas[KUBECTL_TOOL])
        )

    def _nearest(self, name: str) -> list[str]:
        lowered = name.lower().replace("-", "_").replace(" ", "_")
        found = {tool for tool in self.schemas if lowered and (lowered in tool or tool in lowered)}
        found.update(difflib.get_close_matches(lowered, self.names, n=3, cutoff=0.75))
        words = set(re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()))
        found.update(tool for tool, own in self._own_words.items() if own & words)
        return sorted(found)


def check_message(message: AIMessage, schemas: ToolSchemas) -> CallCheck:
    """Validate the structured calls of ``message``, or find calls written in its text."""
    if message.tool_calls or message.invalid_tool_calls:
        errors = [
            f"tool call {bad.get('name')!r}: arguments are not JSON: {bad.get('error') or bad.get('args')}"
            for bad in message.invalid_tool_calls
        ]
        calls, call_errors = _validated(
            [(call["name"], call["args"], call.get("id")) for call in message.tool_calls], schemas
        )
        return CallCheck(calls=calls, errors=errors + call_errors)
    text = message.content if isinstance(message.content, str) else _text_of(message.content)
    found = parse_text_calls(text, schemas.names)
    if found is None:
        return CallCheck()
    calls, call_errors = _validated([(name, args, None) for name, args in found.calls], schemas)
    return CallCheck(calls=calls, errors=found.errors + call_errors, from_text=True, notes=found.notes)


def repaired_message(message: AIMessage, check: CallCheck) -> AIMessage:
    """The model's answer with the validated calls as real tool calls (the JSON text dropped).

    What Binks dropped (a truncated call, a call that did not validate beside valid ones)
    is said in the content, so the model reads it with its own answer next turn.
    """
    content = "" if check.from_text else message.content
    notes = [*check.notes, *(f"not run, the call was invalid: {error}" for error in check.errors)]
    if notes:
        content = "\n".join(f"(Binks: {note})" for note in notes)
    metadata = dict(message.response_metadata)
    if check.from_text:
        # Counted by `binks eval`: how often a model needed its text turned into calls.
        metadata[REPAIRED_CALLS_KEY] = len(check.calls)
    return AIMessage(
        content=content,
        tool_calls=check.calls,
        id=message.id,
        response_metadata=metadata,
        usage_metadata=message.usage_metadata,
    )


def parse_text_calls(text: str, tool_names: Collection[str] = ()) -> TextCalls | None:
    """Tool calls written in ``text`` as ``(name, args)``; ``None`` when it holds no call.

    One answer may hold several calls: a JSON array, JSON lines, several fenced blocks or
    tagged calls. A call cut off at the end of the answer (the model ran out of tokens) is
    dropped with a note when calls before it are whole; a broken call between whole ones,
    or the only call, is an error.
    """
    calls: list[tuple[str, Any]] = []
    errors: list[str] = []
    broken: list[tuple[int, str]] = []  # (number of calls before it, fragment)
    for fragment in _fragments(text):
        values, bad = _decode_all(fragment)
        for kind, item in _in_order(values, bad):
            if kind == "bad":
                if item.lstrip().startswith(("{", "[")) and _looks_like_call(item):
                    broken.append((len(calls), item))
                continue
            for value in item if isinstance(item, list) else [item]:
                for call in _as_calls(value, tool_names):
                    name, args = call
                    if isinstance(args, str):
                        parsed = _load(args) if args.strip() else {}
                        if not isinstance(parsed, dict):
                            errors.append(
                                f"tool call {name!r}: arguments must be a JSON object, got {args[:80]!r}"
                            )
                            continue
                        args = parsed
                    calls.append((name, args))
    notes: list[str] = []
    for before, fragment in broken:
        if before == len(calls) and calls:
            notes.append(f"a tool call cut off at the end of the answer was dropped: {fragment[:80]!r}")
        else:
            errors.append(f"the tool call is not valid JSON: {fragment[:120]!r}")
    if not calls and not errors:
        return None
    return TextCalls(calls=calls, errors=errors, notes=notes)


def _decode_all(fragment: str) -> tuple[list[tuple[int, Any]], list[tuple[int, str]]]:
    """Every JSON value in ``fragment`` with its position, and the spans that do not decode.

    A whole fragment that decodes is one value; otherwise values are read one after the
    other (JSON lines, objects separated by commas or prose), and a span that does not
    decode is kept up to the end of its line (or of the fragment, at its end).
    """
    whole = _load(fragment)
    if whole is not None:
        return [(0, whole)], []
    decoder = json.JSONDecoder()
    values: list[tuple[int, Any]] = []
    bad: list[tuple[int, str]] = []
    position = 0
    while (start := _value_start(fragment, position)) != -1:
        try:
            value, end = decoder.raw_decode(fragment, start)
        except json.JSONDecodeError:
            newline = fragment.find("\n", start)
            end = len(fragment) if newline == -1 else newline
            value = _load(fragment[start:end].strip().rstrip(","))
            if value is None:
                bad.append((start, fragment[start:end].strip()))
        if value is not None:
            values.append((start, value))
        position = max(end, start + 1)
    return values, bad


def _value_start(text: str, position: int) -> int:
    starts = [index for index in (text.find("{", position), text.find("[", position)) if index != -1]
    return min(starts) if starts else -1


def _in_order(values: list[tuple[int, Any]], bad: list[tuple[int, str]]) -> list[tuple[str, Any]]:
    tagged = [(at, "value", value) for at, value in values] + [(at, "bad", text) for at, text in bad]
    return [(kind, item) for _, kind, item in sorted(tagged, key=lambda entry: entry[0])]


def _fragments(text: str) -> list[str]:
    tagged = [match.group(1) for match in _TAGGED.finditer(text)]
    if tagged:
        return [_FENCED.sub(lambda m: m.group(1), fragment).strip() for fragment in tagged]
    fenced = [match.group(1).strip() for match in _FENCED.finditer(text)]
    unclosed = _UNCLOSED.search(_FENCED.sub("", text))
    if unclosed:  # the answer ended inside a fence: its last call was cut off
        fenced.append(unclosed.group(1).strip())
    if fenced:
        return fenced
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        return [stripped]
    return _embedded_objects(text)


def _embedded_objects(text: str) -> list[str]:
    """JSON objects inside prose ("Sure! {...}"), found by decoding at each brace."""
    decoder = json.JSONDecoder()
    found: list[str] = []
    index = text.find("{")
    while index != -1:
        try:
            _, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            index = text.find("{", index + 1)
            continue
        found.append(text[index:end])
        index = text.find("{", end)
    return found


def _load(fragment: str) -> Any:
    try:
        return json.loads(fragment)
    except json.JSONDecodeError:
        pass
    try:  # Python-style dicts with single quotes, True/False/None
        value = ast.literal_eval(fragment)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict | list) else None


def _looks_like_call(fragment: str) -> bool:
    return any(f'"{key}"' in fragment or f"'{key}'" in fragment for key in _NAME_KEYS)


def _as_calls(item: Any, tool_names: Collection[str]) -> list[tuple[str, Any]]:
    """The calls one decoded JSON value stands for (none when it is data, not a call)."""
    if not isinstance(item, dict):
        return []
    if isinstance(item.get("tool_calls"), list) and item["tool_calls"]:
        return [call for inner in item["tool_calls"] for call in _as_calls(inner, tool_names)]
    if isinstance(item.get("function"), dict):
        return _as_calls(item["function"], tool_names)
    key = next((key for key in _NAME_KEYS if isinstance(item.get(key), str)), None)
    if key is None:
        return []
    name = str(item[key]).strip()
    has_args = any(arg in item for arg in _ARG_KEYS)
    if key == "name" and not has_args and name not in tool_names:
        return []  # {"name": "web", ...} is data (a pod, a deployment), not a call
    args: Any = next((item[arg] for arg in _ARG_KEYS if arg in item), {})
    return [(name, args if args is not None else {})]


def _validated(
    raw: list[tuple[str, Any, str | None]], schemas: ToolSchemas
) -> tuple[list[ToolCall], list[str]]:
    calls: list[ToolCall] = []
    errors: list[str] = []
    for name, args, call_id in raw:
        if not isinstance(args, dict):
            errors.append(f"tool call {name!r}: arguments must be a JSON object, got {args!r:.80}")
            continue
        real, problems = schemas.validate(name, args)
        if problems:
            errors.extend(f"tool call {name!r}: {problem}" for problem in problems)
            continue
        calls.append(tool_call(name=real, args=args, id=call_id or f"call_{uuid.uuid4().hex[:12]}"))
    return calls, errors


def _text_of(content: list[str | dict[str, Any]]) -> str:
    parts = [part if isinstance(part, str) else str(part.get("text", "")) for part in content]
    return "".join(parts)
