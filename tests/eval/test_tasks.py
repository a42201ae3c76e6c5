from __future__ import annotations

from pathlib import Path

import pytest

from binks.errors import ConfigError
from binks.eval.tasks import Expectation, load_task, load_tasks, parse_duration

SAMPLE = Path(__file__).resolve().parents[2] / "evals" / "sample"


def _task(folder: Path, body: str, scripts: tuple[str, ...] = ("setup.sh",)) -> Path:
    folder.mkdir(parents=True)
    (folder / "task.yaml").write_text(body)
    for script in scripts:
        (folder / script).write_text("#!/bin/sh\nexit 0\n")
    return folder


def test_sample_tasks_load() -> None:
    tasks = {task.name: task for task in load_tasks(SAMPLE)}
    assert set(tasks) == {"scale-deployment", "list-images", "fix-image", "reject-namespace-delete"}
    assert tasks["reject-namespace-delete"].binks.approvals == "reject"
    assert tasks["list-images"].binks.expect_mutation is False
    assert tasks["list-images"].expect[0].contains == "ghcr.io/example/api:2.4.1"
    assert all(task.setup is not None and task.setup.is_file() for task in tasks.values())


def test_public_goal_format_reads_as_one_turn(tmp_path: Path) -> None:
    folder = _task(
        tmp_path / "scale-deployment",
        'goal: "Scale up web-app by 100%"\nsetup: "setup.sh"\ndifficulty: "medium"\nisolation: cluster\n',
    )
    task = load_task(folder)
    assert task.prompts == ["Scale up web-app by 100%"]
    assert task.difficulty == "medium"
    assert task.ignored == ["isolation"]
    assert task.binks.approvals == "approve"


def test_script_turns_and_prompt_files(tmp_path: Path) -> None:
    folder = _task(tmp_path / "t", "script:\n  - promptFile: prompt.md\n  - prompt: and then?\n", ())
    (folder / "prompt.md").write_text("first turn")
    assert load_task(folder).prompts == ["first turn", "and then?"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("setup: setup.sh\n", "at least one non-empty prompt"),
        ("goal: x\nsetup: missing.sh\n", "does not exist"),
        ("goal: x\nsetup: ../escape.sh\n", "outside the task folder"),
        ("goal: x\ntimeout: soon\n", "not a duration"),
        ("goal: x\nbinks: {approvals: maybe}\n", "approvals"),
        ("script:\n  - prompt: a\n    promptFile: b\n", "both prompt and promptFile"),
    ],
)
def test_bad_tasks_name_the_task_and_problem(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "escape.sh").write_text("")
    folder = _task(tmp_path / "broken", body)
    with pytest.raises(ConfigError, match=message) as info:
        load_task(folder)
    assert str(info.value).startswith("task broken:")


def test_disabled_and_pattern_filtering(tmp_path: Path) -> None:
    _task(tmp_path / "a-scale", "goal: a\n")
    _task(tmp_path / "b-pods", "goal: b\ndisabled: true\n")
    _task(tmp_path / "c-pods", "goal: c\n")
    assert [task.name for task in load_tasks(tmp_path)] == ["a-scale", "c-pods"]
    assert [task.name for task in load_tasks(tmp_path, "pods")] == ["c-pods"]
    with pytest.raises(ConfigError, match="no enabled tasks"):
        load_tasks(tmp_path, "nothing")


@pytest.mark.parametrize(
    ("value", "seconds"), [(300, 300.0), ("90s", 90.0), ("5m", 300.0), ("1h", 3600.0), ("2", 2.0)]
)
def test_durations(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


def test_expectations() -> None:
    assert Expectation(contains="nginx").failure("runs nginx:1.27") is None
    assert Expectation(contains="nginx").failure("runs redis") == "expected the answer to match 'nginx'"
    assert Expectation.model_validate({"notContains": "error"}).failure("an error") is not None
