"""``binks approve THREAD``: approve the pending plan (all steps, or ``--steps a,b``)."""

from __future__ import annotations

import argparse
from typing import Any

from binks.commands._decision import add_pin_options, send_decision


def register(subparsers: Any) -> None:
    """Add ``binks approve`` to the parser."""
    parser = subparsers.add_parser(
        "approve",
        help="approve a thread's pending plan (exit 3 if nothing matching is pending)",
        description="Approve the plan THREAD waits for: every step, or only --steps. Exit 0 when "
        "the server accepted it; 3 when it refused (no approval pending, or it changed since you "
        "looked: pin what you reviewed with --interrupt and --plan-hash), with the reason on stderr.",
        epilog="examples:\n  binks approve t-42\n  binks approve t-42 --steps s1,s3\n"
        "  binks approve t-42 --interrupt int-7 --plan-hash 3f9a...",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("thread", metavar="THREAD", help="the thread id")
    parser.add_argument("--steps", metavar="A,B", help="approve only these step ids (comma-separated)")
    add_pin_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Send an approve decision."""
    steps = [step.strip() for step in args.steps.split(",") if step.strip()] if args.steps else None
    return send_decision(args, "approve", steps=steps, reason="")
