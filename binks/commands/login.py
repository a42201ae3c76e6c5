"""``binks login URL``: remember the server and its key in ``~/.config/binks/client.toml``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks login`` to the parser."""
    parser = subparsers.add_parser(
        "login",
        help="remember a server's URL and API key for this user",
        description="Check that URL is a Binks server that accepts the key, then save both to "
        "~/.config/binks/client.toml (mode 0600). Without --key the key is read from "
        "BINKS_API_KEY or asked for (not echoed). BINKS_URL / BINKS_API_KEY still win over the file.",
        epilog="example:\n  binks login http://brain.local:8000 "
        '--key "$(ssh brain cat ~/.local/share/binks/api-key)"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("url", metavar="URL", help="the server, e.g. http://brain.local:8000")
    parser.add_argument("--key", help="the API key (the server's state dir holds it in the file api-key)")
    parser.add_argument("--no-check", action="store_true", help="save without asking the server first")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the URL and key against the server, then save them."""
    from binks.client import BinksClient, ClientConfig, save_client_config
    from binks.errors import ConfigError

    key = args.key or os.environ.get("BINKS_API_KEY")
    if key is None and sys.stdin.isatty():
        import getpass

        key = getpass.getpass("API key: ").strip() or None
    if key is None:
        raise ConfigError("no API key: pass --key KEY (the server keeps it in its state dir, file api-key)")
    config = ClientConfig(url=args.url, api_key=key)
    if not args.no_check:
        with BinksClient(config) as client:
            client.health()
            client.list_threads()  # needs the key: a wrong one fails here, before saving
    path = save_client_config(config.url, key)
    sys.stderr.write(f"saved {config.url} and its key to {path}\n")
    return 0
