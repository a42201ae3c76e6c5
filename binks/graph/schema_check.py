"""A small JSON-Schema check for tool arguments: the subset tool schemas use.

Tool schemas from ``Toolbox.specs()`` use objects with typed properties, ``required``,
``enum``, ``additionalProperties`` and, on strings, ``pattern`` and ``minLength`` (the
pydantic argument models' constraints); that subset is checked here so a repaired call is
validated against the very schema the model was shown, without another dependency, and a
call the tool itself would reject gets the corrective retry instead of reaching the tool.
"""

from __future__ import annotations

import re
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
    "array": (list,),
    "null": (type(None),),
}


def schema_errors(value: Any, schema: dict[str, Any], path: str = "arguments") -> list[str]:
    """Every way ``value`` breaks ``schema``, as lines a model (or a person) can act on."""
    errors: list[str] = []
    if "anyOf" in schema or "oneOf" in schema:
        options = schema.get("anyOf") or schema.get("oneOf") or []
        if all(schema_errors(value, option, path) for option in options):
            errors.append(f"{path}: does not match any allowed form")
        return errors
    expected = schema.get("type")
    if expected is not None:
        names = expected if isinstance(expected, list) else [expected]
        if not any(_is_type(value, name) for name in names):
            return [f"{path}: expected {' or '.join(names)}, got {type(value).__name__} {value!r:.60}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: must be one of {schema['enum']}, got {value!r:.60}")
    if isinstance(value, str):
        errors.extend(_string_errors(value, schema, path))
    if isinstance(value, dict):
        errors.extend(_object_errors(value, schema, path))
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            errors.extend(schema_errors(item, schema["items"], f"{path}[{index}]"))
    return errors


def _string_errors(value: str, schema: dict[str, Any], path: str) -> list[str]:
    errors: list[str] = []
    if len(value) < schema.get("minLength", 0):
        errors.append(f"{path}: shorter than {schema['minLength']} character(s)")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        errors.append(f"{path}: longer than {schema['maxLength']} characters")
    if "pattern" in schema and re.search(_python_regex(schema["pattern"]), value) is None:
        errors.append(f"{path}: does not match {schema['pattern']}, got {value!r:.60}")
    return errors


def _python_regex(pattern: str) -> str:
    """A JSON-Schema (ECMA-262) pattern for ``re``: a final ``$`` must not match before a newline."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        return pattern[:-1] + "\\Z"
    return pattern


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(name, (object,)))


def _object_errors(value: dict[str, Any], schema: dict[str, Any], path: str) -> list[str]:
    errors: list[str] = []
    properties: dict[str, Any] = schema.get("properties") or {}
    for name in schema.get("required") or []:
        if name not in value:
            errors.append(f"{path}: missing required field {name!r}")
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        if name in properties:
            errors.extend(schema_errors(item, properties[name], f"{path}.{name}"))
        elif extra is False:
            allowed = ", ".join(properties) or "none"
            errors.append(f"{path}: unknown field {name!r} (allowed: {allowed})")
        elif isinstance(extra, dict):
            errors.extend(schema_errors(item, extra, f"{path}.{name}"))
    return errors
