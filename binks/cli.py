"""The ``binks`` command.

Each subcommand lives in ``binks/commands/<name>.py`` and registers itself with
``register(subparsers)``. Those modules import their heavy dependencies (LangGraph,
Textual, the Kubernetes client) inside the handler, so ``binks --help`` stays fast;
``tests/test_cli.py`` checks that none of them is imported just to print help.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from binks import __version__
from binks.errors import BinksError

#: Subcommand modules under ``binks.commands``, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "serve",
    "ask",
    "chat",
    "watch",
    "approve",
    "reject",
    "threads",
    "resume",
    "cancel",
    "tui",
    "mcp",
    "health",
    "login",
    "key",
    "config",
    "doctor",
    "eval",
    "db",
    "audit",
    "service",
)

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global flags plus every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="binks",
        description="Manage a home or lab Kubernetes cluster with a local LLM; "
        "every change waits for your yes.",
        epilog="Run 'binks COMMAND --help' for a command's options and an example.",
    )
    parser.add_argument("--version", action="version", version=f"binks {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"binks.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``binks``; returns the process exit code (errors print one line to stderr)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except BinksError as exc:
        sys.stderr.write(f"binks {args.command}: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    raise SystemExit(main())
