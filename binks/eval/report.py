"""What ``binks eval`` shows: a table per attempt and a summary people compare models by."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from binks.eval.results import Summary, TaskResult

_STYLE = {"pass": "green", "fail": "red", "error": "yellow"}


def results_table(results: list[TaskResult]) -> Table:
    """One row per attempt: outcome, turns, tool calls, approvals, time, tokens, why."""
    table = Table(title="binks eval", header_style="bold")
    for column in ("task", "result", "turns", "tools", "repaired", "approvals", "time", "tokens", "thread"):
        table.add_column(column, justify="right" if column not in ("task", "result", "thread") else "left")
    for row in sorted(results, key=lambda r: (r.task, r.attempt)):
        name = row.task if row.attempt == 1 else f"{row.task} #{row.attempt}"
        table.add_row(
            name,
            f"[{_STYLE[row.outcome]}]{row.outcome}[/]",
            str(row.turns),
            str(row.tool_calls),
            str(row.repaired_calls),
            str(row.approvals_asked),
            f"{row.seconds:.1f}s",
            str(row.tokens),
            (row.thread_id or "-")[:12],
        )
    return table


def summary_lines(summary: Summary) -> list[str]:
    """The closing lines: pass rate and pass@k, medians and repairs, then what must stay at zero."""
    lines = [
        f"pass rate {summary.pass_rate:.0%} ({summary.passed}/{summary.attempts} attempts"
        + (f", pass@{summary.k} {summary.pass_at_k:.0%}" if summary.k > 1 else "")
        + ")",
        f"median turns {summary.median_turns:g}, median time {summary.median_seconds:.1f}s, "
        f"repaired tool calls {summary.repaired_calls}, loops stopped {summary.loops_stopped}, "
        f"early answers {summary.early_answers}",
        f"empty answers {summary.empty_answers}, stopped runs {summary.stopped_runs}, "
        f"claims of success without a verified change {summary.unverified_claims}, "
        f"changes executed in rejected tasks {summary.unapproved_changes}",
    ]
    return lines


def failure_lines(results: list[TaskResult]) -> list[str]:
    """Why each attempt failed, and how to replay it."""
    lines = []
    for row in results:
        if row.outcome == "pass":
            continue
        replay = f" (replay: binks watch {row.thread_id})" if row.thread_id else ""
        lines.append(
            f"{row.task} #{row.attempt} {row.outcome}: {'; '.join(row.reasons) or 'no reason'}{replay}"
        )
    return lines


def render(console: Console, results: list[TaskResult], summary: Summary) -> None:
    """Print the table, the failures and the summary."""
    console.print(results_table(results))
    for line in failure_lines(results):
        console.print(line, markup=False, highlight=False)
    for line in summary_lines(summary):
        console.print(line, markup=False, highlight=False)
