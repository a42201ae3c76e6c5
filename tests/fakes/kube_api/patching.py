"""The four PATCH flavours.

JSON patch, JSON merge patch, strategic merge patch, and the merge step of server-side
apply.

Strategic merge follows the real rules for the lists kubectl patches in practice
(containers, env, ports, volumes, ... merged by key; ``$patch``, ``$retainKeys``,
``$setElementOrder`` and ``$deleteFromPrimitiveList`` directives), not the full schema.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.fakes.kube_api.errors import ApiError

Obj = dict[str, Any]

# list field -> merge key; "ports" depends on where it sits (see _merge_key).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "conditions": "type",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "ownerReferences": "uid",
    "resourceClaims": "name",
    "subsets": "",
}
SET_LISTS = {"finalizers"}


def _merge_key(field: str, path: tuple[str, ...]) -> str | None:
    if field == "ports":
        return "containerPort" if "containers" in path or "initContainers" in path else "port"
    key = MERGE_KEYS.get(field)
    return key or None


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ApiError(
            422, f'the server rejected our request due to an error in our request: invalid path "{path}"'
        )
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _container(doc: Any, parts: list[str], op: str) -> tuple[Any, str]:
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ApiError(
                422,
                f"the server rejected our request due to an error in our request: "
                f'doc is missing path: "/{"/".join(parts)}": missing value',
            )
    return node, parts[-1]


def _get(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise ApiError(
                422,
                f"the server rejected our request due to an error in our request: "
                f'doc is missing path: "/{"/".join(parts)}": missing value',
            )
    return node


def _add(doc: Any, parts: list[str], value: Any, replace: bool) -> Any:
    if not parts:
        return copy.deepcopy(value)
    parent, last = _container(doc, parts, "add")
    if isinstance(parent, dict):
        if replace and last not in parent:
            raise ApiError(
                422,
                f"the server rejected our request due to an error in our request: "
                f"replace operation does not apply: doc is missing key: /{'/'.join(parts)}: missing value",
            )
        parent[last] = copy.deepcopy(value)
    elif isinstance(parent, list):
        if last == "-":
            parent.append(copy.deepcopy(value))
        elif last.isdigit() and int(last) <= len(parent):
            if replace:
                parent[int(last)] = copy.deepcopy(value)
            else:
                parent.insert(int(last), copy.deepcopy(value))
        else:
            raise ApiError(
                422,
                f"the server rejected our request due to an error in our request: "
                f"add operation does not apply: index out of range: /{'/'.join(parts)}",
            )
    return doc


def _remove(doc: Any, parts: list[str]) -> Any:
    parent, last = _container(doc, parts, "remove")
    if isinstance(parent, dict) and last in parent:
        return parent.pop(last)
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent.pop(int(last))
    raise ApiError(
        422,
        f"the server rejected our request due to an error in our request: "
        f'remove operation does not apply: doc is missing path: "/{"/".join(parts)}": missing value',
    )


def json_patch(target: Obj, ops: Any) -> Obj:
    """RFC 6902 JSON patch (add, remove, replace, move, copy, test)."""
    if not isinstance(ops, list):
        raise ApiError(400, "json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc: Any = copy.deepcopy(target)
    for op in ops:
        kind = op.get("op")
        parts = _pointer(op.get("path", ""))
        if kind == "add":
            doc = _add(doc, parts, op.get("value"), replace=False)
        elif kind == "replace":
            doc = _add(doc, parts, op.get("value"), replace=True)
        elif kind == "remove":
            _remove(doc, parts)
        elif kind in ("move", "copy"):
            source = _pointer(op.get("from", ""))
            value = _remove(doc, source) if kind == "move" else copy.deepcopy(_get(doc, source))
            doc = _add(doc, parts, value, replace=False)
        elif kind == "test":
            if _get(doc, parts) != op.get("value"):
                raise ApiError(
                    422,
                    "the server rejected our request due to an error in our request: "
                    f"testing value /{'/'.join(parts)} failed: test failed",
                )
        else:
            raise ApiError(
                422,
                f"the server rejected our request due to an error in our request: Unexpected kind: {kind}",
            )
    if not isinstance(doc, dict):
        raise ApiError(422, "the server rejected our request: the patch result is not an object")
    return doc


def strategic_merge(target: Any, patch: Any, path: tuple[str, ...] = ()) -> Any:
    """Strategic merge patch of ``patch`` onto ``target`` (a copy is returned)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "delete":
        return None
    if patch.get("$patch") == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != "$patch"}
    result: Obj = copy.deepcopy(target) if isinstance(target, dict) else {}
    retain = patch.get("$retainKeys")
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys") or key.startswith("$setElementOrder/"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.split("/", 1)[1]
            if isinstance(result.get(field), list):
                result[field] = [v for v in result[field] if v not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list):
            result[key] = _merge_list(result.get(key), value, key, (*path, key))
        elif isinstance(value, dict):
            merged = strategic_merge(result.get(key), value, (*path, key))
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        else:
            result[key] = value
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    return result


def _merge_list(current: Any, patch: list[Any], field: str, path: tuple[str, ...]) -> list[Any]:
    if field in SET_LISTS and isinstance(current, list):
        return [*current, *[v for v in patch if v not in current]]
    key = _merge_key(field, path)
    if key is None or not isinstance(current, list):
        items = [item for item in patch if not (isinstance(item, dict) and item.get("$patch") == "delete")]
        return [strategic_merge(None, i, path) if isinstance(i, dict) else i for i in items]
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
        return [copy.deepcopy(i) for i in patch if not (isinstance(i, dict) and "$patch" in i)]
    result = copy.deepcopy(current)
    for item in patch:
        if not isinstance(item, dict):
            result.append(item)
            continue
        index = next(
            (n for n, old in enumerate(result) if isinstance(old, dict) and old.get(key) == item.get(key)),
            None,
        )
        if item.get("$patch") == "delete":
            if index is not None:
                result.pop(index)
            continue
        if index is None:
            result.append(strategic_merge(None, item, path))
        else:
            result[index] = strategic_merge(result[index], item, path)
    return result
