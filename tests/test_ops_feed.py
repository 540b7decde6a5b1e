"""The change feed through a real server: a consumer mirrors the archive and stays equal
after creates, corrections, re-extraction and deletes; events share the change's transaction."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from normalize.keys import parse_query
from service import outcome, review
from service.config import Settings
from service.storage import repo
from service.storage.db import Database
from tests.conftest import SAMPLES
from tests.feed_mirror import mirror
from tests.test_service_api import _wait_batch

TEXTS = (
    "bc-12-quy-i-2025.txt",
    "qd-08-hoc-bong-to-hieu.txt",
    "cv-21-danh-gia-cong-dong-hoc-tap.txt",
)


@pytest.fixture
def served(server: tuple) -> tuple[str, dict[str, str]]:
    srv, tokens = server
    return srv.url, tokens


def archive_state(data_dir: Path) -> dict:
    with sqlite3.connect(data_dir / "sohoa.db") as c:
        docs = {
            r[0]: (r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]))
            for r in c.execute(
                "SELECT id, sha256, number, doc_type, doc_date, issuer, title, record "
                "FROM documents"
            )
        }
        cits = sorted(c.execute("SELECT document_id, key FROM citations").fetchall())
    return {"documents": docs, "citations": cits}


def mirror_state(path: Path) -> dict:
    with sqlite3.connect(path) as c:
        docs = {r[0]: (*r[1:7], json.loads(r[7])) for r in c.execute("SELECT * FROM documents")}
        cits = sorted(c.execute("SELECT document_id, key FROM citations").fetchall())
    return {"documents": docs, "citations": cits}


def test_mirror_stays_equal_through_creates_corrections_and_deletes(
    served, data_dir: Path, tmp_path: Path
) -> None:
    url, tokens = served
    client = httpx.Client(base_url=url, timeout=120,
                          headers={"Authorization": f"Bearer {tokens['archivist']}"})  # fmt: skip
    target = tmp_path / "mirror.db"
    files = [("files", (n, (SAMPLES / n).read_bytes(), "text/plain")) for n in TEXTS[:2]]
    batch = _wait_batch(client, client.post("/api/v1/documents", files=files).json()["id"])
    assert batch["done"] == 2
    mirror(url, tokens["reader"], target, page=1)  # one event per request: paging works
    assert mirror_state(target) == archive_state(data_dir)
    assert len(archive_state(data_dir)["documents"]) == 2

    doc_id = min(archive_state(data_dir)["documents"])
    r = client.post(f"/api/v1/documents/{doc_id}/corrections",
                    json={"field": "title", "value": "Tiêu đề đã sửa"})  # fmt: skip
    assert r.status_code == 201
    files = [("files", (TEXTS[2], (SAMPLES / TEXTS[2]).read_bytes(), "text/plain"))]
    _wait_batch(client, client.post("/api/v1/documents", files=files).json()["id"])
    mirror(url, tokens["reader"], target)
    assert mirror_state(target) == archive_state(data_dir)
    assert mirror_state(target)["documents"][doc_id][5] == "Tiêu đề đã sửa"

    r = client.post(f"/api/v1/documents/{doc_id}/reprocess")
    assert r.status_code == 200, r.text
    assert r.json()["record"]["doc"]["title"] == "Tiêu đề đã sửa"  # the correction survives
    other = max(archive_state(data_dir)["documents"])
    as_reader = {"Authorization": f"Bearer {tokens['reader']}"}
    assert httpx.delete(f"{url}/api/v1/documents/{other}", headers=as_reader).status_code == 403
    assert client.delete(f"/api/v1/documents/{other}").status_code == 204
    assert client.delete(f"/api/v1/documents/{other}").status_code == 404
    cursor = mirror(url, tokens["reader"], target)
    assert mirror_state(target) == archive_state(data_dir)
    assert other not in mirror_state(target)["documents"]

    feed = httpx.get(f"{url}/api/v1/changes", params={"since": 0, "limit": 1000},
                     headers={"Authorization": f"Bearer {tokens['reader']}"}).json()  # fmt: skip
    events = feed["events"]
    assert [e["cursor"] for e in events] == sorted({e["cursor"] for e in events})
    assert feed["next"] == cursor == events[-1]["cursor"]
    actions = [(e["action"], e["document_id"]) for e in events]
    assert actions.count(("corrected", doc_id)) == 1 and ("updated", doc_id) in actions
    assert actions[-1] == ("deleted", other) and ("created", other) in actions
    empty = httpx.get(f"{url}/api/v1/changes", params={"since": cursor},
                      headers={"Authorization": f"Bearer {tokens['reader']}"}).json()  # fmt: skip
    assert empty["events"] == [] and empty["next"] == cursor

    # the same feed from the command line, as NDJSON from a cursor
    cmd = [sys.executable, "-m", "service", "changes", "--since", str(events[1]["cursor"])]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [e["cursor"] for e in lines] == [e["cursor"] for e in events[2:]]


def test_an_event_is_written_only_with_its_change(data_dir: Path) -> None:
    """A change rolled back leaves no event; a committed one always has its event."""
    from schemas import Document
    from service.pipeline import Pipeline

    settings = Settings.from_env(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    pipe = Pipeline(settings)
    try:
        out = pipe.process(SAMPLES / TEXTS[0])
    finally:
        pipe.close()
    assert isinstance(out.document, Document)
    db = Database(settings.database_url)
    with pytest.raises(RuntimeError), db.session() as s:
        outcome.save_document(s, TEXTS[0], out.document, out.record, "test")
        raise RuntimeError("the batch failed after the row was written")
    with db.session() as s:
        assert repo.count_documents(s) == 0
        assert s.scalar(text("SELECT count(*) FROM change_events")) == 0
        row, created = outcome.save_document(s, TEXTS[0], out.document, out.record, "test")
        assert created
    with db.session() as s:
        events = s.execute(text(
            "SELECT document_id, action FROM change_events")).all()  # fmt: skip
    assert [tuple(e) for e in events] == [(row.id, "created")]
    db.close()


def test_feed_delete_and_rescans_on_both_backends(
    db_url: str, data_dir: Path, tmp_path: Path
) -> None:
    """The same event sequence, cascade and rescan promotion on SQLite and PostgreSQL."""
    from service import feed, lifecycle
    from service.pipeline import Pipeline
    from service.storage.models import CitationRow, DocumentRow

    original = (SAMPLES / TEXTS[0]).read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(original, encoding="utf-8")
    (tmp_path / "b.txt").write_text(original.replace("quý I", "quý l", 1), encoding="utf-8")
    settings = Settings(data_dir=data_dir, database_url=db_url, cache_root=data_dir / "cache")
    pipe = Pipeline(settings)
    try:
        outs = list(pipe.process_many([tmp_path / "a.txt", tmp_path / "b.txt"]))
    finally:
        pipe.close()
    db = Database(db_url)
    ids = []
    for out in outs:
        with db.session() as s:
            ids.append(outcome.save_document(s, out.path.name, out.document, out.record, "t")[0].id)
    with db.session() as s:
        review.add_correction(s, s.get(DocumentRow, ids[0]), "signer", "Người Ký", "tester")
        assert repo.count_documents(s) == 1  # b is a rescan of a: listed once
        by_words = repo.search(s, "khuyen hoc")
        by_key = repo.search(s, cites=parse_query("677/QĐ-TTg"))
        for found in (by_words, by_key):
            assert [h.document.id for h in found.hits] == [ids[0]] and found.total == 1
        linked = [e["document"]["rescan_of"] for e in feed.changes(s, 0, 100)[0]]
    assert linked[:2] == [None, ids[0]]  # consumers can list the group once too
    lifecycle.delete(settings, db, ids[0], "tester")
    with db.session() as s:
        assert s.scalar(select(func.count()).where(CitationRow.document_id == ids[0])) == 0
        assert [d.id for d in repo.list_documents(s)] == [ids[1]]  # the rescan is listed now
        events, cursor = feed.changes(s, 0, 100)
    assert [(e["action"], e["document_id"]) for e in events] == [
        ("created", ids[0]), ("created", ids[1]), ("corrected", ids[0]), ("deleted", ids[0]),
    ]  # fmt: skip
    assert cursor == events[-1]["cursor"] and events[0]["document"] is None
    assert events[1]["document"]["number"] == "12/BC-HKH"
    assert events[1]["document"]["rescan_of"] is None  # its original was deleted: promoted
    db.close()
