"""Delete (to the trash), trash purge, reprocess and rescan links, through the `sohoa` command."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import httpx

from tests.conftest import SAMPLES
from tests.ops_support import ok, sohoa


def rows(data_dir: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(data_dir / "sohoa.db") as c:
        return c.execute(sql, params).fetchall()


def search(*args: str) -> list[dict]:
    return json.loads(ok("search", *args, "--json"))["results"]


def _correct(data_dir: Path, doc_id: int, field: str, value: str) -> None:
    """A human correction, as the API and the UI record it."""
    from service import review
    from service.config import Settings
    from service.storage.db import Database
    from service.storage.models import DocumentRow

    db = Database(Settings.from_env(data_dir).database_url)
    with db.session() as s:
        review.add_correction(s, s.get(DocumentRow, doc_id), field, value, "archivist")
    db.close()


def _rescan(text: str) -> str:
    """Another 'scan' of the same text: a few OCR-like slips, one blank line lost."""
    return text.replace("khuyến học", "khuyến hoc", 2).replace("\n\n", "\n", 1)


def test_delete_moves_original_to_trash_and_removes_everything_else(
    data_dir: Path, tmp_path: Path
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name in ("bc-12-quy-i-2025.txt", "qd-08-hoc-bong-to-hieu.txt"):
        (src / name).write_bytes((SAMPLES / name).read_bytes())
    ok("ingest", str(src))
    [(doc_id, sha)] = rows(data_dir, "SELECT id, sha256 FROM documents WHERE number LIKE '12/%'")
    assert search("--cites", "QĐ 677") and search("--q", "hoc bong to hieu")
    [(other_id, other_sha)] = rows(
        data_dir, "SELECT id, sha256 FROM documents WHERE id != ?", doc_id
    )
    _correct(data_dir, other_id, "title", "Học bổng (đã sửa)")
    before_other = [r for r in search("--q", "hoc bong to hieu") if r["id"] != doc_id]

    out = ok("delete", str(doc_id), "--by", "tester")
    assert "trash" in out
    assert rows(data_dir, "SELECT count(*) FROM documents WHERE id = ?", doc_id) == [(0,)]
    assert rows(data_dir, "SELECT count(*) FROM citations WHERE document_id = ?", doc_id) == [(0,)]
    assert not [r for r in search("--q", "quy I nhiem vu trong tam") if r["id"] == doc_id]
    assert all(r["id"] != doc_id for r in search("--cites", "49-KL/TW"))
    assert search("--q", "hoc bong to hieu") == before_other  # the other document untouched
    assert not (data_dir / "originals" / sha[:2] / sha).exists()
    trashed = data_dir / "trash" / sha
    assert (trashed / "original").read_bytes() == (SAMPLES / "bc-12-quy-i-2025.txt").read_bytes()
    note = json.loads((trashed / "deleted.json").read_text())
    assert note["deleted_by"] == "tester" and note["number"].startswith("12/")
    assert sha[:12] in ok("trash", "list")

    bad = sohoa("delete", str(doc_id))
    assert bad.returncode == 2 and "no document" in bad.stderr

    # a deletion can be undone: the record comes back with its human corrections
    ok("delete", str(other_id))
    restored = int(ok("trash", "restore", other_sha[:10]).split()[-1])
    assert search("--q", "hoc bong to hieu")[0]["title"] == "Học bổng (đã sửa)"
    assert rows(data_dir, "SELECT id FROM documents WHERE sha256 = ?", other_sha) == [(restored,)]
    assert not (data_dir / "trash" / other_sha).exists()
    assert sohoa("trash", "restore", other_sha[:10]).returncode == 2  # no longer in the trash

    # kept while younger than SOHOA_TRASH_DAYS, purged when the retention is over
    assert "purged 0" in ok("trash", "purge", env={"SOHOA_TRASH_DAYS": "30"})
    assert trashed.exists()
    assert "purged 1" in ok("trash", "purge", env={"SOHOA_TRASH_DAYS": "0"})
    assert not trashed.exists()

    # the same file may be ingested again afterwards, as a new document
    ok("ingest", str(src / "bc-12-quy-i-2025.txt"))
    assert rows(data_dir, "SELECT count(*) FROM documents WHERE sha256 = ?", sha) == [(1,)]


def test_reprocess_keeps_corrections_and_reuses_the_ocr_cache(data_dir: Path) -> None:
    scan = SAMPLES / "qd-08-hoc-bong-to-hieu-scan.pdf"
    text = SAMPLES / "bc-12-quy-i-2025.txt"
    ok("ingest", str(scan), str(text))
    ids = dict(rows(data_dir, "SELECT filename, id FROM documents"))
    scan_id = ids[scan.name]
    _correct(data_dir, scan_id, "title", "Tên đã sửa")
    cache = Path(os.environ["SOHOA_CACHE_DIR"]) / "ocr"
    sha = rows(data_dir, "SELECT sha256 FROM documents WHERE id = ?", scan_id)[0][0]
    pages = sorted((cache / sha).rglob("*.json"))
    assert pages, "the scan was OCRed into the shared cache"
    stamps = [p.stat().st_mtime_ns for p in pages]
    rows(data_dir, "UPDATE documents SET record = json_set(record, '$.doc.number', 'x')")

    out = ok("reprocess", str(scan_id))
    assert "reprocessed: 1" in out
    assert [p.stat().st_mtime_ns for p in pages] == stamps  # no page OCRed again
    record = json.loads(rows(data_dir, "SELECT record FROM documents WHERE id = ?", scan_id)[0][0])
    assert record["doc"]["title"] == "Tên đã sửa"
    assert record["doc"]["detail"]["title"]["corrected_by"] == "archivist"
    assert record["doc"]["number"] == "08/QĐ-HKH"

    out = ok("reprocess", "--all")
    assert "reprocessed: 2" in out
    assert "reprocessed: 1" in ok("reprocess", "--type", "bao cao")
    assert "reprocessed: 0" in ok("reprocess", "--outdated")
    assert sohoa("reprocess").returncode == 2  # nothing chosen: a clear error


def test_rescan_is_linked_and_listed_once(data_dir: Path, tmp_path: Path) -> None:
    original = (SAMPLES / "bc-12-quy-i-2025.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_text(original, encoding="utf-8")
    (tmp_path / "b.txt").write_text(_rescan(original), encoding="utf-8")
    # same number, date and issuer but another text: a different document, not a rescan
    other = (SAMPLES / "qd-08-hoc-bong-to-hieu.txt").read_text(encoding="utf-8")
    head, body = original.split("\n\n", 1)[0], other.split("\n\n", 1)[1]
    (tmp_path / "c.txt").write_text(head + "\n\n" + body, encoding="utf-8")
    for name in ("a.txt", "b.txt", "c.txt"):
        ok("ingest", str(tmp_path / name))
    ids = dict(rows(data_dir, "SELECT filename, id FROM documents"))
    links = rows(data_dir, "SELECT document_id, original_id FROM rescans")
    assert links == [(ids["b.txt"], ids["a.txt"])]

    found = search("--cites", "677/QĐ-TTg")
    assert [r["file"] for r in found if r["file"] in ("a.txt", "b.txt")] == ["a.txt"]
    [hit] = [r for r in found if r["file"] == "a.txt"]
    assert [r["file"] for r in hit["rescans"]] == ["b.txt"]

    # the document detail shows the link both ways
    from service import auth
    from service.config import Settings
    from service.storage.db import Database
    from tests.test_service_api import Server

    settings = Settings.from_env(data_dir)
    db = Database(settings.database_url)
    token = auth.create_token(db, "reader@test", "reader")
    db.close()
    with Server(settings) as srv:
        get = lambda i: httpx.get(f"{srv.url}/api/v1/documents/{i}",  # noqa: E731
                                  headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
        assert get(ids["b.txt"])["rescans"]["rescan_of"] == ids["a.txt"]
        assert [r["document_id"] for r in get(ids["a.txt"])["rescans"]["rescans"]] == [ids["b.txt"]]
        assert get(ids["c.txt"])["rescans"] == {
            "rescan_of": None,
            "similarity": None,
            "rescans": [],
        }

    # deleting the group's original makes the rescan the listed one
    ok("delete", str(ids["a.txt"]))
    assert rows(data_dir, "SELECT count(*) FROM rescans") == [(0,)]
    assert "b.txt" in [r["file"] for r in search("--cites", "677/QĐ-TTg")]


def test_the_best_copy_of_a_group_is_the_listed_one(data_dir: Path) -> None:
    """Text rebuilt by the diacritic repair, stored first, gives way to an exact copy."""
    damaged, clean = SAMPLES / "bc-12-quy-i-2025-eng-ocr.txt", SAMPLES / "bc-12-quy-i-2025.txt"
    ok("ingest", str(damaged))
    ok("ingest", str(clean))
    ids = dict(rows(data_dir, "SELECT filename, id FROM documents"))
    assert rows(data_dir, "SELECT document_id, original_id FROM rescans") == [
        (ids[damaged.name], ids[clean.name])
    ]
    [hit] = [r for r in search("--cites", "677/QĐ-TTg")]
    assert hit["file"] == clean.name and [r["file"] for r in hit["rescans"]] == [damaged.name]
