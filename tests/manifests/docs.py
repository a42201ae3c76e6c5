"""The shipped manifests as parsed documents, for the structural tests."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from binks.tools.locate import find_kubectl
from tests.manifests.workers import MANIFESTS

Doc = dict[str, Any]
POD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job")


def yaml_files() -> list[Path]:
    """Every YAML file under manifests/."""
    return sorted(path for path in MANIFESTS.rglob("*.y*ml") if "__pycache__" not in path.parts)


def load(path: Path) -> list[Doc]:
    """The documents of one file (empty documents dropped)."""
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def objects(*folders: str) -> list[Doc]:
    """All Kubernetes objects (not kustomizations) under the given folders of manifests/."""
    found: list[Doc] = []
    for path in yaml_files():
        if folders and path.relative_to(MANIFESTS).parts[0] not in folders:
            continue
        found.extend(doc for doc in load(path) if doc.get("kind") != "Kustomization")
    return found


def pod_specs(docs: list[Doc]) -> Iterator[tuple[str, Doc]]:
    """``(kind/name, pod spec)`` of every workload among ``docs``."""
    for doc in docs:
        if doc["kind"] in POD_KINDS:
            yield f"{doc['kind']}/{doc['metadata']['name']}", doc["spec"]["template"]["spec"]


def kustomize(folder: Path) -> list[Doc]:
    """What `kubectl apply -k folder` would send."""
    result = subprocess.run(
        [str(find_kubectl()), "kustomize", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]
