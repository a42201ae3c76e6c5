"""``binks ask "task"``: start (or continue) a thread and follow the run to its end."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks ask`` to the parser."""
    parser = subparsers.add_parser(
        "ask",
        help="give Binks a task and follow it (asks before any change)",
        description="Start a thread with TASK (or continue one with --thread), show each step as "
        "it happens and, when a change is proposed, show the plan with its dry-run diff and ask: "
        "approve, approve selected steps, reject, edit a step, or respond. Without a terminal "
        "(or with --json) it never asks: it stops with exit code 4 and says how to decide.",
        epilog='examples:\n  binks ask "scale placemyparents to 3"\n'
        '  binks ask --thread t-42 "now roll it back"\n'
        '  binks ask --json "why is ollama pending?" | jq -c .event',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("task", help="what you want, in plain words")
    parser.add_argument("--thread", metavar="ID", help="continue this thread instead of starting one")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per event (NDJSON: seq, thread_id, event, data); never prompts",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Start the run, then follow it (see :func:`binks.terminal.follow.follow_run`)."""
    from binks.client import BinksClient
    from binks.terminal.display import HumanDisplay, NdjsonDisplay
    from binks.terminal.follow import FollowOptions, follow_run

    with BinksClient() as client:
        after = 0
        if args.thread:
            after = client.get_thread(args.thread).last_seq or 0
            thread_id = client.send_message(args.thread, args.task).thread_id
        else:
            thread_id = client.start_thread(args.task).thread_id
        if not args.json:
            sys.stderr.write(f"thread {thread_id}\n")
        display = NdjsonDisplay() if args.json else HumanDisplay()
        options = FollowOptions(after=after, interactive=not args.json and sys.stdin.isatty())
        return follow_run(client, thread_id, display, options)
