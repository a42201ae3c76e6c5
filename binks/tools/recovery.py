"""The next step after a failed call, taken from the error itself.

A small model that meets an error tends to give up ("I can't help with that"). Most
errors it meets are the same few, and each says what would work instead:

- **a patch that lost fields**: a JSON or merge patch of ``containers`` replaces the whole
  list, so the API server answers ``...containers[0].image: Required value``. The advice
  names the fields the patch dropped and the command that changes one field safely
  (``set_image``, ``set_resources``, or a strategic merge patch naming the container);
- **a jsonpath kubectl cannot run**: a union (``{.a,.b}``) or a broken template. The advice
  is the ``custom-columns`` form of the same fields, which always works;
- **a file that is not there**: Binks gives kubectl no files from this machine. The advice
  is the typed tool or the inline ``kubectl create``/``set``/``patch`` form.

Objects that are not found are answered elsewhere with what does exist
(:mod:`binks.tools.lookup` for reads, ``find`` for typed changes).
"""

from __future__ import annotations

import re

from binks.tools.argv import ParsedArgv

_REQUIRED = re.compile(
    r"(spec\.template\.spec\.(?:containers|initContainers)\[\d+\]\.([\w.]+)): Required value"
)
_JSONPATH_FLAG = re.compile(r"jsonpath=?['\"]?(\{.*\})['\"]?$")
_FIELD = re.compile(r"\.?([A-Za-z_][\w.\[\]*]*)")
_NO_FILE = re.compile(r"the path \"([^\"]+)\" does not exist|no such file or directory", re.IGNORECASE)
_JSONPATH_ERROR = re.compile(
    r"error (?:parsing|executing) jsonpath|unrecognized character|is not found", re.IGNORECASE
)


def advice(parsed: ParsedArgv, error: str) -> str | None:
    """What to do instead, when ``error`` is one of the recognisable mistakes (None otherwise)."""
    dropped = sorted({match.group(2) for match in _REQUIRED.finditer(error)})
    if dropped and parsed.path[:1] in (("patch",), ("apply",), ("replace",)):
        return _patch_advice(dropped, parsed)
    jsonpath = _jsonpath_of(parsed)
    if jsonpath is not None and _JSONPATH_ERROR.search(error):
        return _jsonpath_advice(parsed, jsonpath)
    if _NO_FILE.search(error) and parsed.has("filename", "-f"):
        return (
            "Binks gives kubectl no files from this machine. Say the change with a typed tool"
            " (create_configmap, set_image, set_resources, scale, set_selector) or inline:"
            " `create deployment NAME --image=IMAGE -n NS`, `patch ... -p '{...}'`."
        )
    return None


def _patch_advice(dropped: list[str], parsed: ParsedArgv) -> str:
    kind_name = parsed.positionals[0] if parsed.positionals else "deployment/NAME"
    return (
        f"The patch replaced the whole container list, so the container lost: {', '.join(dropped)}."
        " Change one field without losing the others: set_image {name, image} or set_resources"
        " {name, cpu_limit, memory_limit, ...}, or a strategic merge patch that names the container:"
        f' patch {kind_name} -p \'{{"spec":{{"template":{{"spec":{{"containers":[{{"name":"CONTAINER",'
        '"image":"IMAGE"}]}}}}\'.'
    )


def _jsonpath_of(parsed: ParsedArgv) -> str | None:
    for value in parsed.values("output", "-o"):
        found = _JSONPATH_FLAG.search(value or "")
        if found:
            return found.group(1)
    return None


def _jsonpath_advice(parsed: ParsedArgv, template: str) -> str:
    """The same fields as custom columns, which need no braces, unions or ranges."""
    inner = template.strip("{}").replace("{", " ").replace("}", " ")
    fields: list[str] = []
    for part in re.split(r"[,\s]+", inner):
        field = part.removeprefix(".items[*]").removeprefix("range").strip()
        found = _FIELD.fullmatch(field) if field.startswith(".") else None
        if found and found.group(1) not in ("end", "items[*]") and found.group(1) not in fields:
            fields.append(found.group(1))
    columns = [f"{field.split('.')[-1].upper().strip('[]*') or 'VALUE'}:.{field}" for field in fields]
    if not any(column.endswith(".metadata.name") for column in columns):
        columns.insert(0, "NAME:.metadata.name")
    resource = " ".join(parsed.positionals) or "RESOURCE"
    return (
        "This jsonpath does not work here. Ask for the same fields as columns, one per field:"
        f" `get {resource} -o custom-columns={','.join(columns)}` (add -n NAMESPACE or -A)."
    )
