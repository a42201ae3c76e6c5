"""``binks key``: print the API key (making it if there is none yet), or rotate it."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks key`` to the parser."""
    parser = subparsers.add_parser(
        "key",
        help="show or rotate the API key clients send to the server",
        description="Print the API key on stdout (from BINKS_API_KEY, or the key file in the state "
        "dir, generated if missing). --rotate writes a new key file; a running server uses it from "
        "its next request, so every client needs the new key.",
        epilog='example: curl -H "Authorization: Bearer $(binks key)" http://127.0.0.1:8000/threads',
    )
    parser.add_argument("--rotate", action="store_true", help="replace the key file with a new random key")
    parser.add_argument("--env-file", default=".env", help="the .env file to read (default: ./.env)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print (or rotate, then print) the key."""
    from binks.errors import ConfigError
    from binks.server.auth import KeySource, key_id, write_key_file
    from binks.settings import load_settings

    settings = load_settings(env_file=args.env_file)
    if args.rotate:
        if settings.api_key is not None:
            raise ConfigError("the key comes from BINKS_API_KEY; set a new value there instead of rotating")
        key = write_key_file(settings.api_key_file)
        sys.stderr.write(
            f"binks key: wrote a new key to {settings.api_key_file} (id {key_id(key)}); "
            "the old key stops working at the server's next request\n"
        )
    else:
        keys = KeySource.load(settings)
        key = keys.current()
        if keys.created:
            sys.stderr.write(f"binks key: generated a new key in {settings.api_key_file} (mode 0600)\n")
    sys.stdout.write(key + "\n")
    return 0
