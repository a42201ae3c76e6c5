"""Online backups of the SQLite database: checkpoints, thread index, event log and audit log.

SQLite's backup API copies a consistent snapshot page by page while the server keeps
running (WAL readers are not blocked), so ``binks db backup`` needs no downtime.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from binks.errors import ConfigError


@dataclass(frozen=True)
class BackupResult:
    """Where the copy went and how big it is."""

    source: Path
    target: Path
    bytes: int


def backup_sqlite(source: Path, target: Path, *, overwrite: bool = False) -> BackupResult:
    """Copy the live database at ``source`` to ``target`` with SQLite's online backup."""
    if not source.is_file():
        raise ConfigError(f"no database at {source}: has 'binks serve' run with this BINKS_STATE_DIR?")
    if target.exists() and not overwrite:
        raise ConfigError(f"{target} exists; choose another path or pass --force")
    if target.resolve() == source.resolve():
        raise ConfigError("the backup path is the database itself; choose another path")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as src,
            sqlite3.connect(partial) as dst,
        ):
            src.backup(dst)
            check = dst.execute("PRAGMA integrity_check").fetchone()
        if check is None or check[0] != "ok":
            raise ConfigError(f"the copy failed SQLite's integrity check: {check}")
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"backup of {source} failed: {exc}") from exc
    partial.replace(target)
    target.chmod(0o600)
    return BackupResult(source=source, target=target, bytes=target.stat().st_size)
