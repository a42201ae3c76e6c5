"""``binks config``: the effective settings, secrets masked, and where each value came from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks config`` to the parser."""
    parser = subparsers.add_parser(
        "config",
        help="show the effective settings and where each came from",
        description="Show every setting, its effective value (secrets masked) and its source: "
        "an environment variable, the .env file, or the default.",
        epilog="example: OLLAMA_MODEL=llama3.1:8b binks config",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per setting")
    parser.add_argument("--env-file", default=".env", help="the .env file to read (default: ./.env)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the settings table (or JSON lines)."""
    from binks.settings import describe_settings, load_settings

    settings = load_settings(env_file=args.env_file)
    rows = describe_settings(settings, env_file=args.env_file)
    if args.json:
        for row in rows:
            sys.stdout.write(json.dumps({"name": row.field, "value": row.value, "source": row.source}) + "\n")
        return 0
    width = max(len(row.field) for row in rows)
    value_width = min(max(len(row.value) for row in rows), 48)
    for row in rows:
        sys.stdout.write(f"{row.field:<{width}}  {row.value:<{value_width}}  {row.source}\n")
    return 0
