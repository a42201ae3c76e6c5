"""``binks audit [verify]``: list the audit log, or prove its hash chain is intact."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from binks.checkpoints.auditchain import AuditEntry, ChainReport


def register(subparsers: Any) -> None:
    """Add ``binks audit`` to the parser."""
    parser = subparsers.add_parser(
        "audit",
        help="list the audit log of decisions and executed changes, or verify its hash chain",
        description="List every decision (accepted or refused, with the key id) and every executed "
        "change (argv or template, result) from the hash-chained audit log, oldest first. "
        "'binks audit verify' recomputes the chain: exit 0 when intact, 1 naming the first broken "
        "entry. Reads the database directly; works while the server runs.",
        epilog="example: binks audit --thread 3f2a... ; binks audit verify",
    )
    parser.add_argument(
        "action", nargs="?", choices=("list", "verify"), default="list", help="list (default)"
    )
    parser.add_argument("--thread", metavar="ID", help="only this thread's entries")
    parser.add_argument("--limit", type=int, metavar="N", help="only the newest N entries")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List the entries, or verify the chain (exit 1 when it is broken)."""
    import asyncio

    from binks.commands._database import check_schema
    from binks.settings import load_settings

    settings = load_settings()
    check_schema(settings)
    if args.action == "verify":
        report = asyncio.run(_verify(settings))
        _write_report(report, args.json)
        return 0 if report.ok else 1
    for entry in asyncio.run(_entries(settings, args.thread, args.limit)):
        sys.stdout.write((json.dumps(_entry_json(entry)) if args.json else _entry_line(entry)) + "\n")
    return 0


async def _entries(settings: Any, thread_id: str | None, limit: int | None) -> list[AuditEntry]:
    from binks.checkpoints.audit import AuditLog
    from binks.commands._database import open_engine

    async with open_engine(settings) as engine:
        return await AuditLog(engine).entries(thread_id, limit)


async def _verify(settings: Any) -> ChainReport:
    from binks.checkpoints.audit import AuditLog
    from binks.commands._database import open_engine

    async with open_engine(settings) as engine:
        return await AuditLog(engine).verify()


def _entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {**entry.model_dump(), "detail": entry.detail_json()}


def _entry_line(entry: AuditEntry) -> str:
    detail = entry.detail_json()
    parts = [f"#{entry.seq}", entry.created_at[:19] + "Z", entry.kind, entry.action, entry.outcome]
    parts.append(f"thread={entry.thread_id}")
    if entry.key_id:
        parts.append(f"key={entry.key_id}")
    if entry.step_id:
        parts.append(f"step={entry.step_id}")
    if entry.plan_hash:
        parts.append(f"plan={entry.plan_hash[:12]}")
    if "argv" in detail:
        parts.append("kubectl " + " ".join(str(word) for word in detail["argv"]))
    elif "template" in detail:
        parts.append(f"{detail['template']} {json.dumps(detail.get('params', {}), sort_keys=True)}")
    for field in ("error", "reason"):
        if detail.get(field):
            parts.append(f"{field}: {detail[field]}")
    return "  ".join(parts)


def _write_report(report: ChainReport, as_json: bool) -> None:
    if as_json:
        row = {
            "ok": report.ok,
            "entries": report.entries,
            "head_seq": report.head_seq,
            "head_hash": report.head_hash,
            "broken_seq": report.broken_seq,
            "reason": report.reason,
        }
        sys.stdout.write(json.dumps(row) + "\n")
    elif report.ok:
        sys.stdout.write(
            f"audit log intact: {report.entries} entries; head #{report.head_seq} {report.head_hash}\n"
            "(keep the head hash elsewhere to detect removal of the newest entries)\n"
        )
    else:
        sys.stdout.write(
            f"audit log BROKEN at entry #{report.broken_seq}: {report.reason}\n"
            f"entries before it are intact (up to #{report.head_seq} {report.head_hash})\n"
        )
