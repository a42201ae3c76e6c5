"""Rendering worker Jobs from templates: names, labels, env, limits, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from binks.settings import Settings, load_settings
from binks.tools.worker_job import (
    LABEL_THREAD,
    available_types,
    job_name,
    label_value,
    load_template,
    render_job,
)

TEMPLATE = """
apiVersion: batch/v1
kind: Job
metadata:
  generateName: summarise-
  labels: {team: lab}
spec:
  ttlSecondsAfterFinished: 600
  template:
    spec:
      containers:
      - name: worker
        image: python:3.12-slim
        command: [python, /app/worker.py]
        env:
        - {name: OLLAMA_URL, value: "http://ollama.ai-services.svc:11434"}
        - {name: BINKS_TASK, value: stale}
      - name: sidecar
        image: busybox
"""


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    agents = tmp_path / "manifests" / "agents"
    agents.mkdir(parents=True)
    (agents / "summarise-job.yaml").write_text(TEMPLATE)
    (agents / "broken-job.yaml").write_text("kind: ConfigMap\n")
    return load_settings(env_file=None, manifests_dir=tmp_path / "manifests")


def _env(job: dict[str, Any]) -> dict[str, str]:
    container = job["spec"]["template"]["spec"]["containers"][0]
    return {item["name"]: item["value"] for item in container["env"]}


def test_render_sets_name_labels_env_and_limits(settings: Settings) -> None:
    _, template = load_template(settings, "summarise")
    job = render_job(template, "summarise", {"url": "http://x", "n": 3}, "thread-1", "step-2")
    meta = job["metadata"]
    assert "generateName" not in meta
    assert meta["name"] == job_name("summarise", "thread-1", "step-2")
    assert len(meta["name"]) <= 63
    assert meta["namespace"] == "ai-agents"
    assert meta["labels"]["team"] == "lab"
    for labels in (meta["labels"], job["spec"]["template"]["metadata"]["labels"]):
        assert labels[LABEL_THREAD] == "thread-1"
        assert labels["binks.dev/step-id"] == "step-2"
        assert labels["binks.dev/agent-type"] == "summarise"
        assert labels["app.kubernetes.io/component"] == "worker-agent"
        assert labels["app.kubernetes.io/managed-by"] == "binks"
    env = _env(job)
    assert json.loads(env["BINKS_TASK"]) == {"url": "http://x", "n": 3}
    assert env["BINKS_THREAD_ID"] == "thread-1"
    assert env["BINKS_AGENT_TYPE"] == "summarise"
    assert env["OLLAMA_URL"].startswith("http://ollama")
    assert "env" not in job["spec"]["template"]["spec"]["containers"][1]
    spec = job["spec"]
    assert spec["ttlSecondsAfterFinished"] == 600  # the template's own value wins
    assert spec["activeDeadlineSeconds"] > 0
    assert spec["backoffLimit"] >= 0
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    assert template["metadata"].get("generateName") == "summarise-"  # template untouched


def test_name_is_deterministic_per_thread_and_step() -> None:
    assert job_name("a", "t", "s") == job_name("a", "t", "s")
    assert job_name("a", "t", "s") != job_name("a", "t", "s2")
    assert len(job_name("x" * 40, "t" * 500, "s")) <= 63


def test_task_params_cannot_inject_yaml(settings: Settings) -> None:
    _, template = load_template(settings, "summarise")
    evil = {"text": "x\n  command: [rm, -rf, /]\nkind: Pod"}
    job = render_job(template, "summarise", evil, "t", "s")
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["python", "/app/worker.py"]
    assert json.loads(_env(job)["BINKS_TASK"]) == evil


def test_task_params_size_limit(settings: Settings) -> None:
    _, template = load_template(settings, "summarise")
    with pytest.raises(ValueError, match="16 KiB"):
        render_job(template, "summarise", {"blob": "x" * 20000}, "t", "s")


@pytest.mark.parametrize(
    "bad", ["../etc/passwd", "Summarise", "a/b", "", "-x", "x" * 41, "summarise-job.yaml"]
)
def test_type_names_are_validated(settings: Settings, bad: str) -> None:
    with pytest.raises(ValueError, match="available types: broken, summarise"):
        load_template(settings, bad)


def test_unknown_type_lists_available(settings: Settings) -> None:
    assert available_types(settings) == ["broken", "summarise"]
    with pytest.raises(ValueError, match="no worker type 'coder': available types: broken, summarise"):
        load_template(settings, "coder")
    with pytest.raises(ValueError, match="exactly one batch/v1 Job"):
        load_template(settings, "broken")


def test_label_values_are_sanitised() -> None:
    assert label_value("abc-123") == "abc-123"
    weird = label_value("thread with spaces/and:colons" + "x" * 80)
    assert len(weird) <= 63
    assert weird[0].isalnum() and weird[-1].isalnum()
    assert label_value("///") != ""
