"""A database as Binks with schema version 1 left it: plain audit table, version row 1."""

from __future__ import annotations

import sqlite3
from pathlib import Path

V1_TABLES = """
CREATE TABLE binks_threads (
    thread_id VARCHAR(128) NOT NULL,
    title TEXT NOT NULL,
    status VARCHAR(32) NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    error TEXT,
    PRIMARY KEY (thread_id)
);
CREATE INDEX ix_binks_threads_status ON binks_threads (status);
CREATE INDEX ix_binks_threads_updated_at ON binks_threads (updated_at);
CREATE TABLE binks_events (
    id INTEGER NOT NULL,
    thread_id VARCHAR(64) NOT NULL,
    seq INTEGER NOT NULL,
    event VARCHAR(32) NOT NULL,
    data TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_binks_events_thread_seq ON binks_events (thread_id, seq);
CREATE TABLE binks_intents (
    thread_id VARCHAR(128) NOT NULL,
    step_id VARCHAR(64) NOT NULL,
    plan_hash VARCHAR(64) NOT NULL,
    change_json TEXT NOT NULL,
    result_json TEXT,
    intent_at DATETIME NOT NULL,
    result_at DATETIME,
    PRIMARY KEY (thread_id, step_id, plan_hash)
);
"""
"""Threads, events and intents as schema 1 created them (frozen: the code's tables move on)."""
V1_AUDIT = """
CREATE TABLE binks_audit (
    id INTEGER NOT NULL,
    thread_id VARCHAR(64) NOT NULL,
    key_id VARCHAR(32) NOT NULL,
    action VARCHAR(32) NOT NULL,
    interrupt_id VARCHAR(128),
    plan_hash VARCHAR(128),
    accepted BOOLEAN NOT NULL,
    detail TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_binks_audit_thread ON binks_audit (thread_id, id);
CREATE TABLE binks_schema_version (version INTEGER NOT NULL);
INSERT INTO binks_schema_version VALUES (1);
"""
#: The version-1 audit rows: two refused decisions, an accepted one, a cancel.
V1_ROWS = [
    ("old", "k1", "approve", "i1", "p1", 0, "stale plan", "2024-05-01 10:00:00.000001"),
    ("old", "k1", "approve", "i1", "p1", 1, "", "2024-05-01 10:00:05.000002"),
    ("old", "k2", "cancel", None, None, 1, "", "2024-05-01 10:01:00.000003"),
]


def make_v1_database(path: Path) -> None:
    """Write a version-1 database with one finished thread, its events and audit rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.executescript(V1_TABLES)
        db.executescript(V1_AUDIT)
        db.execute(
            "INSERT INTO binks_threads VALUES ('old', 'scale web', 'completed',"
            " '2024-05-01 09:59:00.000000', '2024-05-01 10:02:00.000000', NULL)"
        )
        db.execute(
            "INSERT INTO binks_events (thread_id, seq, event, data, created_at)"
            " VALUES ('old', 1, 'run_completed', '{\"result\": \"done\"}', '2024-05-01 10:02:00.000000')"
        )
        db.executemany(
            "INSERT INTO binks_audit (thread_id, key_id, action, interrupt_id, plan_hash, accepted, detail,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            V1_ROWS,
        )
    db.close()
