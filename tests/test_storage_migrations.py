"""Migrations upgrade an archive that already holds documents, on both backends."""

from __future__ import annotations

import json

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from normalize.keys import parse_query
from service import outcome
from service.storage import repo
from service.storage.db import MIGRATIONS, Database, make_engine


def _upgrade(engine, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_0002_backfills_keys_parts_and_dates(db_url: str) -> None:
    engine = make_engine(db_url)
    _upgrade(engine, "0001")
    with engine.begin() as c:
        for i, (number, date) in enumerate([("677/QĐ-TTg", "2013-04-29"), ("16/BC-HKH", None)]):
            c.execute(
                text(
                    "INSERT INTO documents (id, sha256, filename, mime, size, pages, kind, number,"
                    " doc_date, has_figures, text, folded, record, pages_json, pipeline_version,"
                    " created_at, updated_at) VALUES (:i, :sha, 'f', '', 0, 1, 'text', :n, :d,"
                    " false, 'x', 'x', '{}', '[]', 'v', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"i": i + 1, "sha": f"{i:064d}", "n": number, "d": date},
            )
        # 0001 stored the type's name in type_code; 0002 re-derives the parts from the key
        c.execute(
            text(
                "INSERT INTO citations (document_id, key, number, type_code, partial, text)"
                " VALUES (2, '677/QĐ-TTg', '0677', 'Quyết định', false, '677/QĐ-TTg')"
            )
        )
    engine.dispose()
    db = Database(db_url)  # migrates to head
    with db.session() as s:
        docs = {d.number: d for d in repo.list_documents(s)}
        assert docs["677/QĐ-TTg"].doc_key == "677/QĐ-TTg"
        assert [d.number for d in repo.cited_by(s, docs["677/QĐ-TTg"])] == ["16/BC-HKH"]
        assert repo.cited_keys(s, parse_query("QĐ 677")) == ["677/QĐ-TTg"]
        cit = docs["16/BC-HKH"].citations[0]
        assert (cit.number, cit.type_code, cit.doc_date) == ("677", "QĐ", "")
    db.close()


def test_0014_fills_the_review_queue_of_documents_already_stored(db_url: str) -> None:
    from schemas import DocHeader, Document, Page, PageRoute, Record, Source, SourceKind
    from service import review

    db = Database(db_url)
    text_ = "Số: 12/BC-UBND\nBÁO CÁO"
    source = Source(file="s.pdf", sha256="9" * 64, pages=1, kind=SourceKind.SCANNED)
    page = Page(number=1, text=text_, route=PageRoute.OCR)
    record = Record(source=source, doc=DocHeader(number="12/BC-UBND"))  # no date, place, signer
    with db.session() as s:
        row, _ = outcome.save_document(
            s, "s.pdf", Document(source=source, pages=[page]), record, "t"
        )
        doc_id = row.id
    with db.session() as s:
        stored = {i.ref for i in review.queue(s)[0]}
    assert stored == {"doc.date", "doc.place", "doc.signer"}
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:  # an archive from before the table
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    db.close()
    db = Database(db_url)  # migrates to head: 0014 fills the table
    with db.session() as s:
        items, total = review.queue(s, doc_id)
        assert {i.ref for i in items} == stored and total == 3
    db.close()


def test_0017_doc_key_id_index_applies_and_downgrades(db_url: str) -> None:
    from sqlalchemy import Engine, inspect

    def indexes(engine: Engine) -> set[str | None]:
        return {i["name"] for i in inspect(engine).get_indexes("documents")}

    db = Database(db_url)  # migrates to head
    assert "ix_documents_doc_key_id" in indexes(db.engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0014")
    assert "ix_documents_doc_key_id" not in indexes(db.engine)
    assert "ix_documents_doc_key" in indexes(db.engine)
    db.close()
    db = Database(db_url)  # and up again
    assert "ix_documents_doc_key_id" in indexes(db.engine)
    db.close()


def test_0021_doc_key_date_index_applies_and_downgrades(db_url: str) -> None:
    """The index that lists a number's bearers newest first; the query answers alike
    without it (only slower), so the downgraded archive still finds the bearer."""
    from sqlalchemy import Engine, inspect

    from schemas import DocHeader, Document, Page, PageRoute, Record, Source, SourceKind

    def indexes(engine: Engine) -> set[str | None]:
        return {i["name"] for i in inspect(engine).get_indexes("documents")}

    db = Database(db_url)  # migrates to head
    assert "ix_documents_doc_key_date" in indexes(db.engine)
    source = Source(file="n.txt", sha256="8" * 64, pages=1, kind=SourceKind.TEXT)
    page = Page(number=1, text="Báo cáo số 12/BC-UBND", route=PageRoute.TEXT_FILE)
    record = Record(source=source, doc=DocHeader(number="12/BC-UBND", date="2024-01-02"))
    with db.session() as s:
        outcome.save_document(s, "n.txt", Document(source=source, pages=[page]), record, "t")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0020")
    assert "ix_documents_doc_key_date" not in indexes(db.engine)
    assert "ix_documents_doc_key_id" in indexes(db.engine)
    with db.session() as s:
        found = repo.search(s, "BC 12")
        assert [h.document.number for h in found.hits if h.bears_number] == ["12/BC-UBND"]
    db.close()
    db = Database(db_url)  # and up again
    assert "ix_documents_doc_key_date" in indexes(db.engine)
    db.close()


def test_processes_starting_together_on_a_fresh_postgresql_database_all_migrate(
    pg_url: str,
) -> None:
    """Two workers (or a worker and the server) started together on a new database: each
    waits for the schema lock, the first creates the schema, the others find it at head.
    The test holds the lock until all three wait on it, then lets them go at once."""
    import subprocess
    import sys
    import time

    from service.storage.db import MIGRATION_LOCK
    from tests.conftest import ROOT

    engine = make_engine(pg_url)
    code = f"from service.storage.db import Database; Database({pg_url!r}).close()"
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
        procs = [
            subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE)
            for _ in range(3)
        ]
        waiting, deadline = 0, time.monotonic() + 120
        while waiting < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
            waiting = holder.scalar(
                text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            )
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
        holder.commit()
    errors = [p.communicate(timeout=120)[1].decode()[-500:] for p in procs]
    results = [(p.returncode, e) for p, e in zip(procs, errors, strict=True)]
    assert waiting == 3
    assert [code for code, _ in results] == [0, 0, 0], results
    with engine.connect() as c:
        assert c.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    engine.dispose()


def test_0020_moves_pages_to_rows_and_back(db_url: str) -> None:
    """An archive from before 0020 keeps its pages (and every row that hangs off its
    documents); the read model gives the pages the column held, and a downgrade puts the
    column back as it was."""
    from sqlalchemy import inspect

    from service import readmodel
    from service.storage.models import DocumentRow

    words = [{"text": "Quyết", "box": {"x0": 1, "y0": 2, "x1": 3, "y1": 4}, "conf": 91.5,
              "start": 0}]  # fmt: skip
    pages = [
        {"number": 1, "route": "ocr", "words": words, "width": 2480, "height": 3508},
        {"number": 2, "route": "text_layer", "words": [], "repairs": []},
        {"number": 3, "route": "ocr", "words": words + words},
    ]
    engine = make_engine(db_url)
    _upgrade(engine, "0019")
    with engine.begin() as c:
        for i, stored in ((1, pages), (2, [])):
            c.execute(
                text(
                    "INSERT INTO documents (id, sha256, filename, mime, size, pages, kind, number,"
                    " doc_date, has_figures, text, folded, record, pages_json, pipeline_version,"
                    " created_at, updated_at) VALUES (:i, :sha, 'f', '', 0, 3, 'scanned', NULL,"
                    " NULL, false, :t, :t, '{}', :p, 'v', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"i": i, "sha": f"{i:064d}", "p": json.dumps(stored), "t": f"khen thuong {i}"},
            )
        c.execute(
            text(
                "INSERT INTO citations (document_id, key, number, type_code, partial, text,"
                " doc_date) VALUES (1, '677/QĐ-TTg', '677', 'QĐ', false, '677/QĐ-TTg', '')"
            )
        )
    engine.dispose()
    db = Database(db_url)  # migrates to head
    with db.session() as s:
        assert readmodel.page_infos(s, 1) == pages and readmodel.page_infos(s, 2) == []
        doc = s.get(DocumentRow, 1)
        assert doc is not None and [c.key for c in doc.citations] == ["677/QĐ-TTg"]
        # the column dropped in place: the full-text index over ``documents`` still answers
        assert {h.document.id for h in repo.search(s, "khen thuong").hits} == {1, 2}
    assert "pages_json" not in {c["name"] for c in inspect(db.engine).get_columns("documents")}
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0019")
    with db.engine.connect() as c:
        back = dict(c.execute(text("SELECT id, pages_json FROM documents")).all())
        cited = c.scalar(text("SELECT count(*) FROM citations"))
    assert {i: v if isinstance(v, list) else json.loads(v) for i, v in back.items()} == {
        1: pages,
        2: [],
    }
    assert cited == 1 and "document_pages" not in inspect(db.engine).get_table_names()
    db.close()
    db = Database(db_url)  # and up again
    with db.session() as s:
        assert readmodel.page_infos(s, 1) == pages
    db.close()
