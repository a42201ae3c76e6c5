"""``binks doctor``: check settings, storage, kubectl, the cluster and RBAC; exit 0 only if all pass."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks doctor`` to the parser."""
    parser = subparsers.add_parser(
        "doctor",
        help="check that everything Binks needs is in place",
        description="Check settings, the state dir and key file, the database, kubectl, the "
        "kubeconfig and cluster, RBAC for every verb the tools use, and Binks' namespaces. "
        "Each problem comes with a one-line fix. Exit code 0 only when all checks pass.",
        epilog="example: binks doctor --json | jq 'select(.status != \"ok\")'",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per check")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the report and return 0 when nothing failed."""
    from binks.doctor import Check, run_checks
    from binks.errors import ConfigError
    from binks.settings import load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        checks = [
            Check("settings", "fail", str(exc), "fix the variables named above; 'binks config' shows them")
        ]
    else:
        checks = [Check("settings", "ok", "valid"), *run_checks(settings)]
    for check in checks:
        if args.json:
            sys.stdout.write(json.dumps(check.to_json()) + "\n")
            continue
        mark = {"ok": "✓", "fail": "✗", "skip": "-"}[check.status]
        line = f"{mark} {check.name}: {check.detail}"
        if check.fix and check.status == "fail":
            line += f"\n    fix: {check.fix}"
        sys.stdout.write(line + "\n")
    return 1 if any(check.status == "fail" for check in checks) else 0
