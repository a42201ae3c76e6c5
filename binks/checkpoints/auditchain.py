"""The audit log's hash chain: how an entry is hashed and how a chain is checked.

Each entry stores the hash of the entry before it (``prev_hash``; the first one stores
:data:`GENESIS`) and its own ``hash = sha256(prev_hash + canonical JSON of the entry)``.
Changing any field of an entry, deleting one, or inserting one breaks the chain at that
entry, and :func:`verify_chain` names it. Deleting the newest entries cannot be seen from
the chain alone: compare the head hash ``binks audit verify`` prints with one kept elsewhere.

This module is pure (no database), so the writer, the migration and the CLI share it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

GENESIS = "0" * 64
"""``prev_hash`` of the first entry."""

AuditKind = Literal["decision", "mutation", "action"]
"""``decision``: an answer to an approval; ``mutation``: an executed change; ``action``: resume, cancel."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: one text per value, so hashes are reproducible."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class AuditEntry(BaseModel):
    """One entry of the audit log, as stored (``detail`` is a canonical JSON object as text)."""

    seq: int
    kind: str
    thread_id: str
    created_at: str
    key_id: str | None
    action: str
    interrupt_id: str | None
    plan_hash: str | None
    step_id: str | None
    outcome: str
    detail: str
    prev_hash: str
    hash: str

    def hashed_fields(self) -> dict[str, Any]:
        """Everything the hash covers: all fields but the two hashes."""
        return self.model_dump(exclude={"prev_hash", "hash"})

    def expected_hash(self) -> str:
        """The hash this entry must have after its ``prev_hash``."""
        return entry_hash(self.prev_hash, self.hashed_fields())

    def detail_json(self) -> dict[str, Any]:
        """``detail`` decoded (an empty dict when it is not a JSON object)."""
        try:
            value = json.loads(self.detail)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """``sha256(prev_hash + canonical JSON of fields)`` as hex."""
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found: intact, or the first broken entry and why."""

    entries: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when every entry links to the one before it and hashes to its stored hash."""
        return self.broken_seq is None


def verify_chain(entries: Iterable[AuditEntry]) -> ChainReport:
    """Walk the entries in sequence order; stop at the first that breaks the chain."""
    count = 0
    expected_seq = 1
    prev_hash = GENESIS
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            if entry.seq > expected_seq:
                missing = (
                    f"{expected_seq}" if entry.seq == expected_seq + 1 else f"{expected_seq}-{entry.seq - 1}"
                )
                reason = f"entry {entry.seq} follows entry {expected_seq - 1}: entry {missing} is missing"
            else:
                reason = f"entry {entry.seq} is out of order (expected {expected_seq})"
            return ChainReport(count, expected_seq - 1, prev_hash, entry.seq, reason)
        if entry.prev_hash != prev_hash:
            reason = f"entry {entry.seq} does not link to entry {entry.seq - 1} (prev_hash differs)"
            return ChainReport(count, entry.seq - 1, prev_hash, entry.seq, reason)
        if entry.expected_hash() != entry.hash:
            reason = f"entry {entry.seq} was changed after it was written (its hash does not match)"
            return ChainReport(count, entry.seq - 1, prev_hash, entry.seq, reason)
        prev_hash = entry.hash
        expected_seq += 1
    return ChainReport(count, expected_seq - 1, prev_hash)
