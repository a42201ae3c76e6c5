"""``binks chat``: an interactive prompt; each line is a task on one thread (the original loop)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks chat`` to the parser."""
    parser = subparsers.add_parser(
        "chat",
        help="talk to Binks line by line in one thread",
        description="A prompt loop: each line you type is a task or a follow-up on the same thread; "
        "each run is shown as it happens and every proposed change asks for your decision. "
        "Type 'exit' or press Ctrl-D to leave; the thread stays on the server.",
        epilog="examples:\n  binks chat\n  binks chat --thread t-42",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--thread", metavar="ID", help="continue this thread")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Loop: read a line, run it, show it; stop at EOF or 'exit'."""
    from binks.client import BinksClient
    from binks.terminal.display import HumanDisplay
    from binks.terminal.follow import FollowOptions, follow_run

    interactive = sys.stdin.isatty()
    thread_id: str | None = args.thread
    code = 0
    with BinksClient() as client:
        while True:
            try:
                line = input("you> ").strip()
            except EOFError:
                sys.stdout.write("\n")
                return code
            if line in ("exit", "quit"):
                return code
            if not line:
                continue
            if thread_id is None:
                after = 0
                thread_id = client.start_thread(line).thread_id
                sys.stderr.write(f"thread {thread_id}\n")
            else:
                after = client.get_thread(thread_id).last_seq or 0
                client.send_message(thread_id, line)
            options = FollowOptions(after=after, interactive=interactive)
            code = follow_run(client, thread_id, HumanDisplay(), options)
