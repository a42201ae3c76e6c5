"""``binks health``: is the server up (the original ``simple_client.py --health``)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks health`` to the parser."""
    parser = subparsers.add_parser(
        "health",
        help="check that the server answers",
        description="Ask the server's GET /health (no key needed) and print what it says. "
        "Exit 0 when it answers 'ok', 1 when it answers otherwise, 5 when it cannot be reached.",
        epilog="examples:\n  binks health\n  BINKS_URL=http://brain.local:8000 binks health --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print the server's answer as JSON")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the health answer."""
    from binks.client import BinksClient

    with BinksClient() as client:
        health = client.health()
        url = client.config.url
    body = health.model_dump()
    if args.json:
        sys.stdout.write(json.dumps(body) + "\n")
    else:
        version = f" (binks {body['version']})" if "version" in body else ""
        sys.stdout.write(f"{url}: {health.status}{version}\n")
        checks = body.get("checks")
        for name, check in checks.items() if isinstance(checks, dict) else ():
            ok = isinstance(check, dict) and check.get("ok") is True
            detail = check.get("detail", "") if isinstance(check, dict) else check
            sys.stdout.write(f"  {'✓' if ok else '✗'} {name}: {detail}\n")
    return 0 if health.status == "ok" else 1
