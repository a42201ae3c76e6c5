"""``binks mcp``: Binks as an MCP server on stdio; ``binks mcp config opencode`` sets opencode up.

``binks mcp`` is what an MCP client starts (opencode's ``local`` entry). It talks to the
running ``binks serve`` with the URL and key the other client commands use, so it works on
the workstation as it is and on a laptop after ``binks login``. ``binks serve`` also serves
MCP itself at ``/mcp`` (the ``remote`` entry).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks mcp`` (and ``binks mcp config``) to the parser."""
    parser = subparsers.add_parser(
        "mcp",
        help="serve Binks to an MCP client (opencode, ...) over stdio; 'mcp config opencode' sets it up",
        description="Serve Binks as an MCP server on stdin/stdout, for an MCP client to start. Its tools "
        "read the cluster and propose changes; every change waits for a person's approval (binks tui, "
        "binks approve). It reaches 'binks serve' like the other client commands: BINKS_URL and "
        "BINKS_API_KEY, 'binks login', or the server on this machine. 'binks serve' also serves MCP "
        "over HTTP at /mcp, with the same API key.",
        epilog="examples:\n  binks mcp config opencode --write          # opencode starts 'binks mcp'\n"
        "  binks mcp config opencode --remote --write # opencode talks to http://.../mcp\n"
        "  BINKS_MCP_WAIT_S=10 binks mcp",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--wait",
        type=float,
        metavar="S",
        help="longest a tool call waits for a run (default: BINKS_MCP_WAIT_S)",
    )
    parser.set_defaults(handler=run)
    actions = parser.add_subparsers(
        dest="mcp_action", metavar="[config]", title="actions", description="without one: serve MCP on stdio"
    )
    config = actions.add_parser(
        "config",
        help="print or merge an MCP client's config entry for Binks",
        description="Print the opencode.json 'mcp' entry for Binks, or merge it into a config file with "
        "--write. The local form starts 'binks mcp'; the remote form (--remote) talks to /mcp on "
        "'binks serve' and takes the key from BINKS_API_KEY when opencode starts (never written to "
        "the file).",
    )
    config.add_argument("client", choices=["opencode"], help="the MCP client")
    config.add_argument("--remote", action="store_true", help="the remote form: the server's /mcp over HTTP")
    config.add_argument("--url", help="the server for --remote (default: where 'binks threads' goes)")
    config.add_argument(
        "--name", default="binks", help="the entry's name; tools show as NAME_tool (default binks)"
    )
    config.add_argument(
        "--command", dest="binks", metavar="PATH", help="the binks executable for the local form"
    )
    config.add_argument(
        "--write",
        nargs="?",
        const="",
        metavar="FILE",
        help="merge into FILE (default: opencode's own ~/.config/opencode/opencode.json) instead of printing",
    )
    config.set_defaults(handler=run_config)


def run(args: argparse.Namespace) -> int:
    """Serve MCP on stdio until the client closes the pipe."""
    import anyio

    from binks.client import load_client_config
    from binks.logs import configure_logging
    from binks.mcp.stdio import serve_stdio
    from binks.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, "WARNING")
    wait = args.wait if args.wait is not None else settings.mcp_wait_s
    if not 0 < wait <= 50:
        sys.stderr.write("binks mcp: --wait must be between 0 and 50 seconds (MCP clients time out)\n")
        return 2
    anyio.run(serve_stdio, load_client_config(), wait)
    return 0


def run_config(args: argparse.Namespace) -> int:
    """Print the entry, or merge it into the config file."""
    from binks.client import load_client_config
    from binks.mcp import opencode

    if args.remote:
        entry = opencode.remote_entry(args.url or load_client_config().url)
    else:
        entry = opencode.local_entry(args.binks)
    if args.write is None:
        sys.stdout.write(opencode.snippet(args.name, entry) + "\n")
        return 0
    path = Path(args.write).expanduser() if args.write else opencode.global_config_path()
    changed = opencode.merge_into(path, args.name, entry)
    verb = "wrote" if changed else "already had"
    sys.stderr.write(f"binks: {verb} mcp.{args.name} ({entry['type']}) in {path}\n")
    if args.remote:
        sys.stderr.write('  opencode reads the key from BINKS_API_KEY: export BINKS_API_KEY="$(binks key)"\n')
    return 0
