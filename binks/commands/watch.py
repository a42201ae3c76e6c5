"""``binks watch THREAD``: follow a thread's events, replaying from the start or ``--after N``."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks watch`` to the parser."""
    parser = subparsers.add_parser(
        "watch",
        help="follow a thread's events (replays history first)",
        description="Replay a thread's events from the start (or after event N) and follow it "
        "until it comes to rest: the run ends (exit 0, or 1 if it failed or was cancelled) or it "
        "waits for a decision (exit 4). --follow keeps following across runs until Ctrl-C. "
        "watch never decides; use 'binks approve' / 'binks reject' / 'binks resume'.",
        epilog="examples:\n  binks watch t-42\n  binks watch t-42 --json --after 17 | jq -c '[.seq, .event]'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("thread", metavar="THREAD", help="the thread id ('binks threads' lists them)")
    parser.add_argument(
        "--json", action="store_true", help="print NDJSON events (seq, thread_id, event, data)"
    )
    parser.add_argument("--after", type=int, metavar="N", help="start after event N instead of the beginning")
    parser.add_argument("--follow", action="store_true", help="keep following after the thread comes to rest")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Replay and follow; a plan waiting for a decision is shown, never answered."""
    from binks.client import BinksClient
    from binks.terminal.display import HumanDisplay, NdjsonDisplay
    from binks.terminal.follow import FollowOptions, follow_run

    with BinksClient() as client:
        detail = client.get_thread(args.thread)
        history_until = max((detail.last_seq or 1) - 1, 0)
        display = NdjsonDisplay() if args.json else HumanDisplay()
        options = FollowOptions(after=args.after, history_until=history_until, stop_at_rest=not args.follow)
        return follow_run(client, args.thread, display, options)
