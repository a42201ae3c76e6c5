"""``binks tui``: the full-screen app (threads, the conversation, the approval card)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks tui`` to the parser."""
    parser = subparsers.add_parser(
        "tui",
        help="open the terminal app",
        description="Open the Binks terminal app: threads on the left, the conversation as it "
        "streams, an input for tasks and follow-ups, and an approval card for every plan. "
        "--thread opens that thread (its pending approval, if any, shows at once).",
        epilog="examples:\n  binks tui\n  binks tui --thread t-42",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--thread", metavar="ID", help="open this thread at start")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the app until the person quits."""
    from binks.client import load_client_config
    from binks.tui.app import BinksApp

    app = BinksApp(config=load_client_config(), thread_id=args.thread)
    app.run()
    return app.return_code or 0
