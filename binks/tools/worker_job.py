"""Render a worker Job from its template: structurally, deterministically, within limits.

A template is ``<manifests>/agents/<type>-job.yaml``, one ``batch/v1`` Job. Rendering edits
the parsed object (never the text, so task parameters cannot inject YAML): namespace
``ai-agents``, a name derived from the thread and step (a retried spawn finds the Job it
already created instead of starting a second), Binks' labels, the task as environment of
the first container, and bounded lifetimes.
"""

from __future__ import annotations

import copy
import hashlib
import importlib.resources
import json
import re
from pathlib import Path
from typing import Any

import yaml

from binks.settings import Settings

NAMESPACE = "ai-agents"
TASK_LIMIT_BYTES = 16 * 1024
DEFAULT_TTL_S = 6 * 3600
DEFAULT_DEADLINE_S = 3600
DEFAULT_BACKOFF_LIMIT = 1
LABEL_THREAD = "binks.dev/thread-id"
LABEL_STEP = "binks.dev/step-id"
LABEL_TYPE = "binks.dev/agent-type"
_TYPE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def agents_dir(settings: Settings) -> Path:
    """Where the Job templates are: the configured manifests folder, else the installed ones."""
    if settings.manifests_dir is not None:
        return settings.manifests_dir / "agents"
    return Path(str(importlib.resources.files("binks.manifests"))) / "agents"


def available_types(settings: Settings) -> list[str]:
    """Worker types that have a template."""
    folder = agents_dir(settings)
    if not folder.is_dir():
        return []
    return sorted(path.name.removesuffix("-job.yaml") for path in folder.glob("*-job.yaml"))


def load_template(settings: Settings, agent_type: str) -> tuple[Path, dict[str, Any]]:
    """The template path and its parsed Job; ``ValueError`` saying which types exist."""
    types = available_types(settings)
    listed = ", ".join(types) or f"none (no *-job.yaml in {agents_dir(settings)})"
    if not _TYPE.match(agent_type):
        raise ValueError(
            f"agent_type {agent_type!r} is not a worker type name (lowercase letters, digits and '-', "
            f"at most 40): available types: {listed}"
        )
    if agent_type not in types:
        raise ValueError(f"no worker type {agent_type!r}: available types: {listed}")
    path = agents_dir(settings) / f"{agent_type}-job.yaml"
    try:
        docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"cannot read the worker template {path}: {exc}") from exc
    if len(docs) != 1 or not isinstance(docs[0], dict) or docs[0].get("kind") != "Job":
        raise ValueError(f"the worker template {path} must hold exactly one batch/v1 Job")
    return path, docs[0]


def job_name(agent_type: str, thread_id: str, step_id: str) -> str:
    """``binks-<type>-<hash>``: the same thread and step always give the same Job (≤ 63 chars)."""
    digest = hashlib.sha256(f"{thread_id}\0{step_id}".encode()).hexdigest()[:10]
    return f"binks-{agent_type}-{digest}"


def label_value(value: str) -> str:
    """A label-safe form of an id: as is when valid, else sanitised with a hash suffix."""
    if len(value) <= 63 and _LABEL_VALUE.match(value):
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:8]
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", value)[:54].strip("-_.")
    return f"{cleaned}-{digest}" if cleaned else digest


def task_json(task_params: dict[str, Any]) -> str:
    """The task as compact JSON, refused beyond 16 KiB (environment variables are not a data store)."""
    try:
        text = json.dumps(task_params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"task_params must be plain JSON: {exc}") from exc
    size = len(text.encode())
    if size > TASK_LIMIT_BYTES:
        raise ValueError(
            f"task_params is {size} bytes as JSON, over the {TASK_LIMIT_BYTES // 1024} KiB limit: pass a "
            "reference the worker can fetch (a ConfigMap name, a URL) instead of the data"
        )
    return text


def _set_env(container: dict[str, Any], values: dict[str, str]) -> None:
    env = [item for item in container.get("env") or [] if item.get("name") not in values]
    env.extend({"name": name, "value": value} for name, value in values.items())
    container["env"] = env


def render_job(
    template: dict[str, Any], agent_type: str, task_params: dict[str, Any], thread_id: str, step_id: str
) -> dict[str, Any]:
    """The Job to create for this thread and step, from a parsed template (left unchanged)."""
    job = copy.deepcopy(template)
    name = job_name(agent_type, thread_id, step_id)
    labels = {
        LABEL_THREAD: label_value(thread_id),
        LABEL_STEP: label_value(step_id),
        LABEL_TYPE: agent_type,
        "app.kubernetes.io/component": "worker-agent",
        "app.kubernetes.io/managed-by": "binks",
    }
    metadata = job.setdefault("metadata", {})
    metadata.pop("generateName", None)
    metadata.update(name=name, namespace=NAMESPACE)
    metadata["labels"] = {**(metadata.get("labels") or {}), **labels}
    spec = job.setdefault("spec", {})
    spec.setdefault("ttlSecondsAfterFinished", DEFAULT_TTL_S)
    spec.setdefault("activeDeadlineSeconds", DEFAULT_DEADLINE_S)
    spec.setdefault("backoffLimit", DEFAULT_BACKOFF_LIMIT)
    pod = spec.setdefault("template", {})
    pod_meta = pod.setdefault("metadata", {})
    pod_meta["labels"] = {**(pod_meta.get("labels") or {}), **labels}
    pod_spec = pod.setdefault("spec", {})
    pod_spec.setdefault("restartPolicy", "Never")
    containers = pod_spec.get("containers") or []
    if not containers:
        raise ValueError(f"the worker template for {agent_type!r} has no containers")
    _set_env(
        containers[0],
        {
            "BINKS_TASK": task_json(task_params),
            "BINKS_THREAD_ID": thread_id,
            "BINKS_STEP_ID": step_id,
            "BINKS_AGENT_TYPE": agent_type,
        },
    )
    return job
