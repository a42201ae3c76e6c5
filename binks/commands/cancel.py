"""``binks cancel THREAD``: stop a thread's run in progress at its next step."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks cancel`` to the parser."""
    parser = subparsers.add_parser(
        "cancel",
        help="stop a thread's run in progress (exit 3 if nothing is running)",
        description="Stop the run THREAD has in progress at its next step boundary; a step that is "
        "already changing the cluster finishes first. Exit 0 when stopped, 3 when no run is in "
        "progress (to drop a pending plan, use 'binks reject').",
        epilog="example:\n  binks cancel t-42",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("thread", metavar="THREAD", help="the thread id")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Ask the server to cancel, and say how the thread ended up."""
    from binks.client import BinksClient

    with BinksClient() as client:
        answer = client.cancel(args.thread)
    sys.stdout.write(f"thread {args.thread}: {answer.get('status', 'cancelled')}\n")
    return 0
