"""Evaluation tasks in the k8s-ai-bench layout, read without changing a public task folder.

A task is a folder with ``task.yaml`` and shell scripts. Binks reads these fields:

* ``script``: a list of turns, each ``{prompt: ...}`` or ``{promptFile: ...}`` (relative to
  the task folder); the older single ``goal:`` is read as one turn.
* ``setup``, ``verifier``, ``cleanup``: script file names, run with ``KUBECONFIG`` set.
* ``expect``: checks on the final answer: ``{contains: RE}`` and ``{notContains: RE}``,
  RE2 regular expressions as k8s-ai-bench reads them (:mod:`binks.eval.expect`).
* ``difficulty``, ``disabled``, ``timeout`` (seconds or ``"5m"``; default 300).
* ``binks:`` (Binks' own extension): ``approvals: approve|reject`` (how the runner answers
  approval requests; default approve), ``expect_mutation: true|false`` (false: the task fails
  if a mutation is proposed *and* executed), ``namespaces: [...]`` (the task's namespaces, if
  they cannot be learnt from what ``setup`` creates), ``pass: any|all`` (``any``, the
  default, is k8s-ai-bench's rule: the verifier passes *or* every expectation holds;
  ``all``: the verifier and every expectation).

Fields Binks ignores: ``isolation`` (Binks never creates clusters), ``setupWindows`` and the
other ``*Windows`` scripts, and anything unknown; they are listed in :attr:`Task.ignored`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from binks.errors import ConfigError
from binks.eval.expect import matches, pattern_error

_KNOWN = {
    "goal",
    "script",
    "setup",
    "verifier",
    "cleanup",
    "expect",
    "difficulty",
    "disabled",
    "timeout",
    "binks",
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


class Expectation(BaseModel):
    """One check on the agent's final answer."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    contains: str | None = None
    not_contains: str | None = Field(None, alias="notContains")

    def failure(self, answer: str) -> str | None:
        """Say why ``answer`` fails this check, or None when it passes (RE2, as k8s-ai-bench)."""
        for pattern, wanted in ((self.contains, True), (self.not_contains, False)):
            if pattern is None:
                continue
            problem = pattern_error(pattern)
            if problem is not None:
                return f"invalid regex {pattern!r} in the task: {problem}"
            if matches(pattern, answer) != wanted:
                verb = "match" if wanted else "not match"
                return f"expected the answer to {verb} {pattern!r}"
        return None


class BinksOptions(BaseModel):
    """The ``binks:`` block a task may carry: how the runner treats approvals."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    approvals: Literal["approve", "reject"] = "approve"
    expect_mutation: bool | None = None
    namespaces: list[str] = Field(default_factory=list)
    pass_rule: Literal["any", "all"] = Field("any", alias="pass")


class Task(BaseModel):
    """A task folder, parsed and checked."""

    name: str
    folder: Path
    prompts: list[str]
    setup: Path | None = None
    verifier: Path | None = None
    cleanup: Path | None = None
    expect: list[Expectation] = Field(default_factory=list)
    difficulty: str = "unknown"
    disabled: bool = False
    timeout_s: float = 300.0
    binks: BinksOptions = Field(default_factory=BinksOptions)
    ignored: list[str] = Field(default_factory=list)

    @field_validator("prompts")
    @classmethod
    def _some_prompt(cls, value: list[str]) -> list[str]:
        if not value or not all(prompt.strip() for prompt in value):
            raise ValueError("a task needs at least one non-empty prompt (script: [{prompt: ...}] or goal:)")
        return value


def parse_duration(value: Any) -> float:
    """Seconds from ``300``, ``"300"``, ``"90s"``, ``"5m"`` or ``"1h"``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"timeout {value!r} is not a duration like 300, '90s' or '5m'")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _script(folder: Path, name: Any, field: str) -> Path | None:
    if name in (None, ""):
        return None
    path = (folder / str(name)).resolve()
    if folder.resolve() not in path.parents:
        raise ValueError(f"{field} {name!r} points outside the task folder")
    if not path.is_file():
        raise ValueError(f"{field} {name!r} does not exist in {folder}")
    return path


def _prompts(folder: Path, raw: dict[str, Any]) -> list[str]:
    if "script" in raw:
        turns = raw["script"]
        if isinstance(turns, dict):  # some task sets write a single mapping
            turns = [turns]
        prompts = []
        for turn in turns or []:
            if turn.get("prompt") and turn.get("promptFile"):
                raise ValueError("a script step has both prompt and promptFile; keep one")
            if turn.get("promptFile"):
                prompt_path = _script(folder, turn["promptFile"], "promptFile")
                assert prompt_path is not None
                prompts.append(prompt_path.read_text(encoding="utf-8"))
            else:
                prompts.append(str(turn.get("prompt") or ""))
        return prompts
    return [str(raw["goal"])] if raw.get("goal") else []


def load_task(folder: Path) -> Task:
    """Read one task folder; raise :class:`ConfigError` naming the folder and the problem."""
    task_file = folder / "task.yaml"
    try:
        raw = yaml.safe_load(task_file.read_text(encoding="utf-8")) or {}
        if not isinstance(raw, dict):
            raise ValueError("task.yaml must be a mapping")
        return Task(
            name=folder.name,
            folder=folder,
            prompts=_prompts(folder, raw),
            setup=_script(folder, raw.get("setup"), "setup"),
            verifier=_script(folder, raw.get("verifier"), "verifier"),
            cleanup=_script(folder, raw.get("cleanup"), "cleanup"),
            expect=[Expectation.model_validate(item) for item in raw.get("expect") or []],
            difficulty=str(raw.get("difficulty", "unknown")),
            disabled=bool(raw.get("disabled", False)),
            timeout_s=parse_duration(raw.get("timeout", 300)),
            binks=BinksOptions.model_validate(raw.get("binks") or {}),
            ignored=sorted(set(raw) - _KNOWN),
        )
    except (OSError, yaml.YAMLError, ValueError, ValidationError) as exc:
        raise ConfigError(f"task {folder.name}: {exc}") from exc


def load_tasks(tasks_dir: Path, pattern: str | None = None) -> list[Task]:
    """Every enabled task below ``tasks_dir`` (sorted by name), optionally filtered by substring."""
    if not tasks_dir.is_dir():
        raise ConfigError(f"{tasks_dir} is not a folder of tasks (each with a task.yaml)")
    folders = sorted(path.parent for path in tasks_dir.glob("*/task.yaml"))
    if pattern:
        folders = [folder for folder in folders if pattern in folder.name]
    tasks = [task for task in map(load_task, folders) if not task.disabled]
    if not tasks:
        raise ConfigError(f"no enabled tasks in {tasks_dir}" + (f" matching {pattern!r}" if pattern else ""))
    return tasks
