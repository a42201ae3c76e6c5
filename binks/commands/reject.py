"""``binks reject THREAD --reason "…"``: refuse the pending plan; the model reads the reason."""

from __future__ import annotations

import argparse
from typing import Any

from binks.commands._decision import add_pin_options, send_decision


def register(subparsers: Any) -> None:
    """Add ``binks reject`` to the parser."""
    parser = subparsers.add_parser(
        "reject",
        help="reject a thread's pending plan with a reason (exit 3 if nothing matching is pending)",
        description="Reject the plan THREAD waits for. Nothing runs; the reason goes back to the "
        "model, which may propose something else. Exit 0 when accepted, 3 when the server refused "
        "(no approval pending, or a stale --interrupt/--plan-hash), with the reason on stderr.",
        epilog='example:\n  binks reject t-42 --reason "not during office hours"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("thread", metavar="THREAD", help="the thread id")
    parser.add_argument("--reason", required=True, help="why; the model reads it")
    add_pin_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Send a reject decision."""
    return send_decision(args, "reject", steps=None, reason=args.reason)
