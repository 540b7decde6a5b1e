"""Migrations upgrade an archive that already holds documents, on both backends."""

from __future__ import annotations

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
