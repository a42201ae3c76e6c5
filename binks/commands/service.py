"""``binks service install|uninstall|status``: run the server under systemd or launchd."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks service`` to the parser."""
    parser = subparsers.add_parser(
        "service",
        help="install, remove or inspect the background service running 'binks serve'",
        description="Write a systemd unit (Linux: hardened system service by default, --user for a "
        "user service) or a launchd agent (macOS) that runs this installation's 'binks serve'.",
        epilog="example: sudo .venv/bin/binks service install   |   binks service install --user --print",
    )
    parser.add_argument("action", choices=("install", "uninstall", "status"))
    flavor = parser.add_mutually_exclusive_group()
    flavor.add_argument(
        "--system", dest="flavor", action="store_const", const="system", help="systemd system unit"
    )
    flavor.add_argument("--user", dest="flavor", action="store_const", const="user", help="systemd user unit")
    flavor.add_argument(
        "--launchd", dest="flavor", action="store_const", const="launchd", help="macOS launchd agent"
    )
    parser.add_argument("--print", action="store_true", help="print the unit file instead of installing it")
    parser.add_argument(
        "--no-start", action="store_true", help="write the unit but do not enable or start it"
    )
    parser.set_defaults(handler=run, flavor=None)


def run(args: argparse.Namespace) -> int:
    """Install, uninstall or show the service."""
    from binks.service import binks_executable, default_flavor, plan_install, run_commands, write_unit
    from binks.settings import load_settings

    settings = load_settings()
    plan = plan_install(
        args.flavor or default_flavor(),
        home=Path.home(),
        binks=binks_executable(),
        state_dir=settings.state_dir,
    )
    if args.action == "status":
        return subprocess.run(plan.status, check=False).returncode
    if args.action == "uninstall":
        if not args.no_start:
            run_commands(plan.disable)
        plan.path.unlink(missing_ok=True)
        sys.stdout.write(f"removed {plan.path}\n")
        return 0
    if args.print:
        sys.stdout.write(plan.content)
        return 0
    write_unit(plan)
    sys.stdout.write(f"wrote {plan.path}\n")
    if not args.no_start:
        run_commands(plan.enable)
        sys.stdout.write("service enabled and started\n")
    for note in plan.notes:
        sys.stdout.write(f"  {note}\n")
    return 0
