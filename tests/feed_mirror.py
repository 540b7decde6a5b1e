"""A consumer of the change feed: mirrors the archive into a separate SQLite file.

    python tests/feed_mirror.py http://127.0.0.1:8000 TOKEN mirror.db

It asks GET /api/v1/changes from the cursor it saved last, applies each event in order
(created/updated/corrected: upsert the document's current state; deleted: remove it) and
saves the new cursor in the same transaction, so it can be stopped and re-run any time.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import httpx

SCHEMA = """
CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER);
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY, sha256 TEXT, number TEXT, doc_type TEXT, date TEXT, issuer TEXT,
    title TEXT, record TEXT);
CREATE TABLE IF NOT EXISTS citations (document_id INTEGER, key TEXT);
"""


def _apply(c: sqlite3.Connection, event: dict) -> None:
    doc_id = event["document_id"]
    c.execute("DELETE FROM citations WHERE document_id = ?", (doc_id,))
    c.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    d = event["document"]
    if event["action"] == "deleted" or d is None:  # None: deleted since; its event follows
        return
    c.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (d["id"], d["sha256"], d["number"], d["doc_type"], d["date"], d["issuer"], d["title"],
         json.dumps(d["record"], ensure_ascii=False, sort_keys=True)),
    )  # fmt: skip
    c.executemany(
        "INSERT INTO citations VALUES (?, ?)",
        [(doc_id, cit["key"]) for cit in d["record"].get("citations", [])],
    )


def mirror(base_url: str, token: str, path: Path, page: int = 50) -> int:
    """Bring the mirror up to date; returns the cursor reached."""
    c = sqlite3.connect(path)
    c.executescript(SCHEMA)
    client = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    try:
        (cursor,) = c.execute("SELECT coalesce(max(value), 0) FROM cursor").fetchone()
        while True:
            r = client.get("/api/v1/changes", params={"since": cursor, "limit": page})
            r.raise_for_status()
            body = r.json()
            with c:
                for event in body["events"]:
                    _apply(c, event)
                cursor = body["next"]
                c.execute("INSERT OR REPLACE INTO cursor VALUES (1, ?)", (cursor,))
            if len(body["events"]) < page:
                return cursor
    finally:
        client.close()
        c.close()


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: feed_mirror.py BASE_URL TOKEN MIRROR.db")
    print(mirror(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
