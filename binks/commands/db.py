"""``binks db backup|prune|migrate``: the database's lifecycle, while the server runs or not."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``binks db`` to the parser."""
    parser = subparsers.add_parser(
        "db",
        help="database maintenance (backup, prune, migrate)",
        description="Maintain Binks' database. 'backup' copies the SQLite database online, "
        "without stopping the server. 'prune' deletes old events of finished threads (the server "
        "does it daily, see BINKS_EVENT_RETENTION_DAYS). 'migrate' brings the tables to this "
        "version's schema (the server does it at start).",
        epilog="example: binks db backup ~/backups/binks-$(date +%F).db ; binks db prune --days 7 --dry-run",
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION", required=True)
    backup = actions.add_parser("backup", help="copy the database to PATH (mode 0600)")
    backup.add_argument("path", type=Path, help="where to write the copy")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    prune = actions.add_parser(
        "prune",
        help="delete events of threads finished and untouched for N days (keeps each thread's last event)",
    )
    prune.add_argument("--days", type=int, metavar="N", help="default: BINKS_EVENT_RETENTION_DAYS (30)")
    prune.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    actions.add_parser(
        "migrate", help="create or migrate Binks' tables to this version's schema (stop the server first)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the chosen maintenance action."""
    from binks.settings import load_settings

    settings = load_settings()
    if args.db_action == "prune":
        return _prune(settings, args.days, args.dry_run)
    if args.db_action == "migrate":
        return _migrate(settings)
    return _backup(settings, args.path.expanduser(), args.force)


def _backup(settings: Any, target: Path, force: bool) -> int:
    from binks.checkpoints.backup import backup_sqlite
    from binks.errors import ConfigError

    if settings.database_url and not settings.database_url.startswith("sqlite"):
        raise ConfigError("BINKS_DATABASE_URL points at Postgres: back it up with pg_dump")
    result = backup_sqlite(settings.database_path, target, overwrite=force)
    sys.stdout.write(f"backed up {result.source} to {result.target} ({result.bytes} bytes)\n")
    return 0


def _prune(settings: Any, days: int | None, dry_run: bool) -> int:
    import asyncio

    from binks.checkpoints.retention import prune_events
    from binks.commands._database import check_schema, open_engine
    from binks.errors import ConfigError

    days = settings.event_retention_days if days is None else days
    if days < 0:
        raise ConfigError("--days must be 0 or more")
    if days == 0 and settings.event_retention_days == 0:
        sys.stdout.write("retention is off (BINKS_EVENT_RETENTION_DAYS=0); pass --days N to prune anyway\n")
        return 0
    check_schema(settings)

    async def prune() -> Any:
        async with open_engine(settings) as engine:
            return await prune_events(engine, days=days, dry_run=dry_run)

    result = asyncio.run(prune())
    verb = "would delete" if dry_run else "deleted"
    sys.stdout.write(
        f"{verb} {result.events} event(s) of {result.threads} thread(s) completed, failed or cancelled "
        f"before {result.cutoff.isoformat(timespec='seconds')} (each keeps its last event)\n"
    )
    return 0


def _migrate(settings: Any) -> int:
    import asyncio

    from binks.checkpoints.schema import SCHEMA_VERSION, prepare_database
    from binks.commands._database import open_engine

    settings.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)

    async def migrate() -> int:
        async with open_engine(settings) as engine:
            return await prepare_database(engine)

    found = asyncio.run(migrate())
    if found == SCHEMA_VERSION:
        sys.stdout.write(f"the database is at schema {SCHEMA_VERSION}; nothing to do\n")
    else:
        sys.stdout.write(f"migrated the database from schema {found} to {SCHEMA_VERSION}\n")
    return 0
