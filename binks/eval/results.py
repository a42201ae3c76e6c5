"""Evaluation results: one record per task attempt, and the summary people compare models by."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

Outcome = Literal["pass", "fail", "error"]
"""``error`` means the task could not be judged (setup failed, verifier missing a tool)."""


class RunCounts(BaseModel):
    """What an agent run did, counted from the run itself (never from the model's claims)."""

    turns: int = 0
    tool_calls: int = 0
    repaired_calls: int = 0
    nudges: int = 0
    approvals_asked: int = 0
    mutations_executed: int = 0
    tokens: int = 0
    loops_stopped: int = 0
    """Repeated calls Binks answered without running them."""
    recoveries: int = 0
    """Times the model was asked to try again after giving up on an error."""
    answer_checks: int = 0
    """Times an answer failed the answer check and was asked for again."""
    early_answers: int = 0
    """Final answers asked for with no tools bound (turn bound, loops, invalid calls)."""
    unverified_claim: bool = False
    """The answer claims a change worked although no change was executed and verified."""


class TaskResult(RunCounts):
    """One attempt at one task, as written to the results file (one JSON object per line)."""

    task: str
    attempt: int = 1
    outcome: Outcome
    reasons: list[str] = Field(default_factory=list)
    difficulty: str = "unknown"
    model: str = ""
    thread_id: str | None = None
    seconds: float = 0.0
    answer: str = ""
    verifier_ok: bool | None = None
    expectations_ok: bool | None = None
    approvals: str = "approve"
    """How the runner answered approvals in this task (``reject``: no change may run)."""


class Summary(BaseModel):
    """What a person reads first: pass rate, pass@k, median turns and time."""

    tasks: int
    attempts: int
    passed: int
    failed: int
    errors: int
    pass_rate: float
    pass_at_k: float
    k: int
    median_turns: float
    median_seconds: float
    repaired_calls: int
    loops_stopped: int = 0
    early_answers: int = 0
    empty_answers: int = 0
    """Attempts whose final answer was empty."""
    stopped_runs: int = 0
    """Attempts that ended with an error or a "Stopped:" answer instead of an answer."""
    unverified_claims: int = 0
    unapproved_changes: int = 0
    """Changes executed in tasks whose approvals were all rejected (must be 0)."""


def summarize(results: Iterable[TaskResult]) -> Summary:
    """Aggregate attempts; pass@k counts a task as solved when any of its attempts passed."""
    rows = list(results)
    by_task: dict[str, list[TaskResult]] = defaultdict(list)
    for row in rows:
        by_task[row.task].append(row)
    passed = sum(row.outcome == "pass" for row in rows)
    return Summary(
        tasks=len(by_task),
        attempts=len(rows),
        passed=passed,
        failed=sum(row.outcome == "fail" for row in rows),
        errors=sum(row.outcome == "error" for row in rows),
        pass_rate=passed / len(rows) if rows else 0.0,
        pass_at_k=(
            sum(any(r.outcome == "pass" for r in attempts) for attempts in by_task.values()) / len(by_task)
        )
        if by_task
        else 0.0,
        k=max((len(attempts) for attempts in by_task.values()), default=0),
        median_turns=statistics.median(row.turns for row in rows) if rows else 0.0,
        median_seconds=statistics.median(row.seconds for row in rows) if rows else 0.0,
        repaired_calls=sum(row.repaired_calls for row in rows),
        loops_stopped=sum(row.loops_stopped for row in rows),
        early_answers=sum(row.early_answers for row in rows),
        empty_answers=sum(not row.answer.strip() for row in rows if row.thread_id),
        stopped_runs=sum(row.answer.lstrip().startswith("Stopped:") or _ended_badly(row) for row in rows),
        unverified_claims=sum(row.unverified_claim for row in rows),
        unapproved_changes=sum(row.mutations_executed for row in rows if row.approvals == "reject"),
    )


def _ended_badly(row: TaskResult) -> bool:
    return any(reason.startswith("the run ended with an error") for reason in row.reasons)


def write_jsonl(results: Iterable[TaskResult], path: Path) -> None:
    """Write one JSON object per attempt, for jq and later comparison."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in results:
            handle.write(row.model_dump_json() + "\n")
