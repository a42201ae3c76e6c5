"""``binks threads``: the server's threads, newest first; awaiting-approval ones stand out."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks threads`` to the parser."""
    parser = subparsers.add_parser(
        "threads",
        help="list threads and their status",
        description="List the server's threads, newest first, with their status. Threads waiting "
        "for your decision are marked with '!'. --json prints one JSON object per thread.",
        epilog="examples:\n  binks threads\n"
        "  binks threads --json | jq -r 'select(.status==\"awaiting_approval\").thread_id'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per line: thread_id, status, title"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the table (or NDJSON)."""
    from binks.client import BinksClient

    with BinksClient() as client:
        threads = client.list_threads()
    if args.json:
        for thread in threads:
            row = {"thread_id": thread.thread_id, "status": thread.status, "title": thread.title}
            sys.stdout.write(json.dumps(row) + "\n")
        return 0
    if not threads:
        sys.stdout.write('no threads yet; start one with: binks ask "your task"\n')
        return 0
    id_width = max(len(thread.thread_id) for thread in threads)
    status_width = max(len(thread.status) for thread in threads)
    for thread in threads:
        mark = "!" if thread.awaiting_approval else " "
        title = thread.title if len(thread.title) <= 60 else thread.title[:59] + "…"
        sys.stdout.write(f"{mark} {thread.thread_id:<{id_width}}  {thread.status:<{status_width}}  {title}\n")
    return 0
