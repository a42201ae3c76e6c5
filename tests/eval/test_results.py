from __future__ import annotations

import json
from pathlib import Path

from binks.eval.results import TaskResult, summarize, write_jsonl


def test_summary_counts_pass_at_k_per_task() -> None:
    rows = [
        TaskResult(task="a", attempt=1, outcome="fail", turns=4, seconds=10),
        TaskResult(task="a", attempt=2, outcome="pass", turns=2, seconds=6, repaired_calls=1),
        TaskResult(task="b", attempt=1, outcome="error", turns=0, seconds=1),
        TaskResult(task="b", attempt=2, outcome="fail", turns=6, seconds=20),
    ]
    summary = summarize(rows)
    assert (summary.tasks, summary.attempts, summary.passed, summary.failed, summary.errors) == (
        2,
        4,
        1,
        2,
        1,
    )
    assert summary.pass_rate == 0.25
    assert summary.pass_at_k == 0.5
    assert summary.k == 2
    assert summary.median_turns == 3
    assert summary.repaired_calls == 1


def test_jsonl_has_one_parseable_object_per_attempt(tmp_path: Path) -> None:
    rows = [TaskResult(task="a", outcome="pass"), TaskResult(task="b", outcome="fail", reasons=["x"])]
    path = tmp_path / "out" / "results.jsonl"
    write_jsonl(rows, path)
    parsed = [json.loads(line) for line in path.read_text().splitlines()]
    assert [row["task"] for row in parsed] == ["a", "b"]
    assert parsed[1]["reasons"] == ["x"]
