"""``binks resume THREAD``: pick a thread up where it stopped and follow it to its end."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks resume`` to the parser."""
    parser = subparsers.add_parser(
        "resume",
        help="continue a thread: answer its pending approval or restart its interrupted run",
        description="Pick up THREAD where it stopped. If it waits for a decision, show the plan and "
        "ask (on a terminal); if its run was interrupted (say, by a server restart), ask the server "
        "to resume it. Then follow the run like 'binks ask'.",
        epilog="examples:\n  binks resume t-42\n  binks resume t-42 --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("thread", metavar="THREAD", help="the thread id")
    parser.add_argument("--json", action="store_true", help="print NDJSON events; never prompts")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Resume (unless a decision is what it needs) and follow."""
    from binks.client import BinksClient
    from binks.terminal.display import HumanDisplay, NdjsonDisplay
    from binks.terminal.follow import FollowOptions, follow_run

    with BinksClient() as client:
        detail = client.get_thread(args.thread)
        last = detail.last_seq
        if detail.pending is not None:
            # Replay just the approval_required event so the follower shows the plan and asks.
            after = max(last - 1, 0) if last else None
        else:
            client.resume(args.thread)
            after = last
        display = NdjsonDisplay() if args.json else HumanDisplay()
        options = FollowOptions(after=after, interactive=not args.json and sys.stdin.isatty())
        return follow_run(client, args.thread, display, options)
