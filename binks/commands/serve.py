"""``binks serve``: run the HTTP API (FastAPI under uvicorn) in the foreground.

On first start it generates the API key (mode 0600 in the state dir) and says how to use it.
SIGTERM (systemd stop) or Ctrl-C stops it gracefully: no new runs, running graphs stop at
a checkpoint, event streams end with a final event.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks serve`` to the parser."""
    parser = subparsers.add_parser(
        "serve",
        help="run the HTTP API server (threads, approvals, event streams)",
        description="Serve the Binks HTTP API on API_HOST:API_PORT (default 127.0.0.1:8000). "
        "Every route but /health needs the API key ('binks key' shows it).",
        epilog="example: API_PORT=9000 binks serve",
    )
    parser.add_argument("--host", help="address to bind (default: API_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (default: API_PORT)")
    parser.add_argument("--env-file", default=".env", help="the .env file to read (default: ./.env)")
    parser.set_defaults(handler=run)


def key_hint(path: str, key: str | None, url: str) -> str:
    """What a person needs after the key was generated: where it is and how to send it."""
    shown = f"  Key:                 {key}\n" if key else ""
    return (
        f"binks: generated an API key in {path} (mode 0600).\n"
        f"{shown}"
        "  Clients send it as:  Authorization: Bearer <key>   (or X-API-Key: <key>)\n"
        "  Show it any time:    binks key        Rotate it: binks key --rotate\n"
        f'  Try it:              curl -H "Authorization: Bearer $(binks key)" {url}/threads\n'
    )


def run(args: argparse.Namespace) -> int:
    """Start the server and block until it stops."""
    from binks.logs import configure_logging
    from binks.settings import load_settings

    overrides: dict[str, Any] = {}
    if args.host:
        overrides["api_host"] = args.host
    if args.port:
        overrides["api_port"] = args.port
    settings = load_settings(env_file=args.env_file, **overrides)
    configure_logging(settings.log_format, settings.log_level)

    from binks.server.auth import KeySource

    keys = KeySource.load(settings)
    url = f"http://{settings.api_host}:{settings.api_port}"
    if keys.created:
        key = keys.current() if sys.stderr.isatty() else None
        sys.stderr.write(key_hint(str(settings.api_key_file), key, url))

    import uvicorn

    from binks.server.app import create_app
    from binks.server.runs import DRAIN_GRACE_S

    uvicorn.run(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        timeout_graceful_shutdown=int(DRAIN_GRACE_S + 15),
    )
    return 0
