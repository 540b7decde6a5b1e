"""Migrations upgrade an archive that already holds documents, on both backends."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from normalize.keys import parse_query
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
