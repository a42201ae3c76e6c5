"""Check a kustomization before kubectl renders it: local files inside the allow-list only.

``kubectl apply -k DIR`` runs kustomize on the workstation. Kustomize follows every path a
kustomization names (resources, bases, components, patches, generator files, ...) and
fetches remote bases by running ``git`` or an HTTP client. Binks renders a kustomization
once, when the step is prepared, and applies the rendered YAML; before that, this module
walks the kustomization tree and refuses anything remote, anything outside the allowed
sources (paths resolved, symlinks followed), plugins and Helm charts. A field it does not
know is treated as a path if it is a string, so a kustomize version with new fields fails
closed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

from binks.errors import CommandRefused

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_REMOTE_MARKS = ("://", "git@", "github.com/", "gitlab.com/", "bitbucket.org/", "?ref=", "git::")
#: Fields that list paths (folders or files) directly.
_PATH_LISTS = (
    "resources",
    "bases",
    "components",
    "crds",
    "configurations",
    "patchesStrategicMerge",
    "generators",
    "transformers",
    "validators",
)
#: Fields that list objects whose ``path`` is a file.
_PATH_OBJECTS = ("patches", "patchesJson6902", "replacements")
_GENERATORS = ("configMapGenerator", "secretGenerator")
_REFUSED_FIELDS = {
    "helmCharts": "renders Helm charts (runs helm)",
    "helmChartInflationGenerator": "renders Helm charts (runs helm)",
    "helmGlobals": "renders Helm charts (runs helm)",
}

Check = Callable[[str, Path], Path]
"""Resolve a path written in a kustomization (relative to its folder) and check it is allowed."""


def kustomization_file(folder: Path) -> Path | None:
    """The kustomization file of a folder, if it has one."""
    return next((folder / name for name in KUSTOMIZATION_FILES if (folder / name).is_file()), None)


def _paths(data: dict[str, Any]) -> Iterator[str]:
    """Every path the kustomization names (inline patches and plugin configs are not paths)."""
    for field in _PATH_LISTS:
        for item in _list(data.get(field)):
            if isinstance(item, str) and "\n" not in item:
                yield item
    for field in _PATH_OBJECTS:
        for item in _list(data.get(field)):
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                yield item["path"]
    for field in _GENERATORS:
        for item in _list(data.get(field)):
            if not isinstance(item, dict):
                continue
            for entry in [*_list(item.get("files")), *_list(item.get("envs")), item.get("env")]:
                if isinstance(entry, str) and entry:
                    yield entry.split("=", 1)[1] if "=" in entry else entry
    openapi = data.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        yield openapi["path"]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def check_tree(folder: Path, written: str, check: Check, seen: set[Path] | None = None) -> list[Path]:
    """Every local file the kustomization in ``folder`` reads, after refusing what may not run.

    ``check(path_as_written, relative_to)`` returns the resolved path or raises
    ``CommandRefused``; folders that hold a kustomization are walked in turn.
    """
    seen = seen if seen is not None else set()
    if folder in seen:
        return []
    seen.add(folder)
    file = kustomization_file(folder)
    if file is None:
        raise CommandRefused(f"refused -k {written!r}: {folder} holds no kustomization.yaml")
    try:
        data = yaml.safe_load(file.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise CommandRefused(f"refused -k {written!r}: {file.name} cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise CommandRefused(f"refused -k {written!r}: {file.name} is not a kustomization")
    files = [file]
    for field, why in _REFUSED_FIELDS.items():
        if data.get(field):
            raise CommandRefused(
                f"refused -k {written!r}: its kustomization {why} on the workstation; render it elsewhere "
                "and apply the result"
            )
    for value in _paths(data):
        if any(mark in value for mark in _REMOTE_MARKS):
            raise CommandRefused(
                f"refused -k {written!r}: it names the remote source {value!r}, which kustomize would fetch "
                "(running git) on the workstation. Use local files only"
            )
        real = check(value, folder)
        if real.is_dir():
            files.extend(check_tree(real, written, check, seen))
        elif real.is_file():
            files.append(real)
        else:
            raise CommandRefused(f"refused -k {written!r}: {value!r} does not exist")
    return files
