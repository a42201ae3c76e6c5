"""``binks db backup PATH``: a consistent copy of Binks' database while the server runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks db`` to the parser."""
    parser = subparsers.add_parser(
        "db",
        help="database maintenance (backup)",
        description="Maintain Binks' database. 'backup' copies the SQLite database online, "
        "without stopping the server.",
        epilog="example: binks db backup ~/backups/binks-$(date +%%F).db",
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    backup = actions.add_parser("backup", help="copy the database to PATH (mode 0600)")
    backup.add_argument("path", type=Path, help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the chosen maintenance action."""
    from binks.checkpoints.backup import backup_sqlite
    from binks.errors import ConfigError
    from binks.settings import load_settings

    settings = load_settings()
    if settings.database_url and not settings.database_url.startswith("sqlite"):
        raise ConfigError("BINKS_DATABASE_URL points at Postgres: back it up with pg_dump")
    result = backup_sqlite(settings.database_path, args.path.expanduser(), overwrite=args.force)
    sys.stdout.write(f"backed up {result.source} to {result.target} ({result.bytes} bytes)\n")
    return 0
