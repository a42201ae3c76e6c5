"""``binks eval TASKS_DIR``: measure the configured model on Kubernetes tasks (k8s-ai-bench format)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks eval`` to the parser."""
    parser = subparsers.add_parser(
        "eval",
        help="measure the configured model on a folder of Kubernetes tasks",
        description="Run each task (k8s-ai-bench layout: task.yaml, setup.sh, verify.sh, cleanup.sh) "
        "through Binks against a TEST cluster: setup, the task with approvals answered as the task "
        "allows, verify, cleanup confined to the task's namespaces. Exit 0 only if every attempt passed.",
        epilog="example: binks eval evals/sample --against ~/.kube/kind-test --repeat 3",
    )
    parser.add_argument("tasks_dir", type=Path, help="folder of task folders")
    parser.add_argument("--against", type=Path, help="kubeconfig of the test cluster (default: Binks' own)")
    parser.add_argument("--context", help="context in that kubeconfig (default: its current context)")
    parser.add_argument(
        "--yes-this-is-a-test-cluster",
        dest="confirmed",
        action="store_true",
        help="run even though the context's name looks like production",
    )
    parser.add_argument("--pattern", help="only tasks whose folder name contains this")
    parser.add_argument("--repeat", type=int, default=1, metavar="K", help="attempts per task (pass@k)")
    parser.add_argument("--parallel", type=int, default=1, metavar="N", help="tasks at a time (default 1)")
    parser.add_argument(
        "--output", type=Path, help="results file (JSON lines); default eval-results/<time>.jsonl"
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON result per line instead of a table"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the evaluation and print the report."""
    import asyncio
    from datetime import UTC, datetime

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from binks.errors import ConfigError
    from binks.eval.report import render
    from binks.eval.results import TaskResult, summarize
    from binks.eval.session import EvalRequest, evaluate
    from binks.eval.tasks import load_tasks
    from binks.settings import load_settings

    if args.repeat < 1 or args.parallel < 1:
        raise ConfigError("--repeat and --parallel take a whole number of at least 1")
    settings = load_settings()
    kubeconfig = args.against or settings.effective_kubeconfig()
    if kubeconfig is None:
        raise ConfigError("no kubeconfig: pass --against KUBECONFIG of a test cluster")
    output = args.output or Path("eval-results") / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.jsonl"
    tasks = load_tasks(args.tasks_dir, args.pattern)
    request = EvalRequest(
        tasks=tasks,
        kubeconfig=kubeconfig.expanduser(),
        context=args.context,
        confirmed_test_cluster=args.confirmed,
        repeat=args.repeat,
        parallel=args.parallel,
        output=output,
    )
    err = Console(stderr=True)
    total = len(tasks) * args.repeat
    err.print(f"running {total} attempt(s) of {len(tasks)} task(s) from {args.tasks_dir}", highlight=False)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as bar:
        counter = bar.add_task("binks eval", total=total)

        def progress(result: TaskResult) -> None:
            if args.json:
                sys.stdout.write(result.model_dump_json() + "\n")
                sys.stdout.flush()
            bar.console.print(
                f"{result.task} #{result.attempt}: {result.outcome} ({result.seconds:.1f}s)", highlight=False
            )
            bar.advance(counter)

        results = asyncio.run(evaluate(request, settings, on_result=progress))
    summary = summarize(results)
    if not args.json:
        render(Console(), results, summary)
    err.print(f"results: {output}", highlight=False)
    return 0 if summary.passed == summary.attempts else 1
