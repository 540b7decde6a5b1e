"""Storage on both backends: idempotent saves, citing queries, diacritic-free search,
corrections that survive re-extraction."""

from __future__ import annotations

import hashlib

from normalize.keys import parse_query
from schemas import Citation, DocHeader, Document, Page, PageRoute, Record, Source, SourceKind
from service import outcome, review
from service.storage import repo
from service.storage.db import Database


def _doc(
    text: str, number: str, cites: list[tuple[str, str, str, bool]]
) -> tuple[Document, Record]:
    sha = hashlib.sha256(text.encode()).hexdigest()
    source = Source(file=f"{number}.txt", sha256=sha, pages=1, kind=SourceKind.TEXT)
    doc = Document(source=source, pages=[Page(number=1, text=text, route=PageRoute.TEXT_FILE)])
    record = Record(
        source=source,
        doc=DocHeader(
            number=number, doc_type="Báo cáo", date="2025-05-30", issuer="Hội Khuyến học"
        ),
        citations=[
            Citation(key=k, number=n, type=t, issuer_code=k.rsplit("-", 1)[-1], partial=p)
            for k, n, t, p in cites
        ],
    )
    return doc, record


def _store(db: Database) -> None:
    docs = [
        _doc("Thực hiện Quyết định số 677/QĐ-TTg của Thủ tướng về Khuyến học", "16/BC-HKH",
             [("677/QĐ-TTg", "677", "QĐ", False)]),
        _doc("Căn cứ Quyết định 677/QĐ-UBND của UBND tỉnh", "17/BC-HKH",
             [("677/QĐ-UBND", "677", "QĐ", False)]),
        _doc("Các Quyết định 1373, 387 và 677 của Thủ tướng Chính phủ", "18/BC-HKH",
             [("677/QĐ-TTg", "677", "QĐ", True)]),
        _doc("Xây dựng xã hội học tập, không trích dẫn", "19/BC-HKH", []),
    ]  # fmt: skip
    with db.session() as s:
        for d, r in docs:
            outcome.save_document(s, d.source.file, d, r, "test")


def test_same_document_twice_is_stored_once(db_url: str) -> None:
    db = Database(db_url)
    _store(db)
    _store(db)
    with db.session() as s:
        assert repo.count_documents(s) == 4
    db.close()


def test_citing_query_finds_exact_partial_and_ambiguous(db_url: str) -> None:
    db = Database(db_url)
    _store(db)
    with db.session() as s:
        exact = repo.citing(s, parse_query("677/QĐ-TTg"))
        assert sorted(h.document.number for h in exact) == ["16/BC-HKH", "18/BC-HKH"]
        partial = {h.document.number: h.citations[0].partial for h in exact}
        assert partial == {"16/BC-HKH": False, "18/BC-HKH": True}
        loose = repo.citing(s, parse_query("QĐ 677"))
        assert sorted(h.document.number for h in loose) == ["16/BC-HKH", "17/BC-HKH", "18/BC-HKH"]
        assert repo.cited_keys(s, parse_query("qd 677")) == ["677/QĐ-TTg", "677/QĐ-UBND"]
    db.close()


def test_fulltext_ignores_diacritics_and_highlights(db_url: str) -> None:
    db = Database(db_url)
    _store(db)
    with db.session() as s:
        hits = repo.fulltext(s, "khuyen hoc")
        assert [h.document.number for h in hits] == ["16/BC-HKH"]
        a, b = hits[0].highlights[0]
        assert hits[0].snippet[a:b] == "Khuyến học"
        assert {h.document.number for h in repo.fulltext(s, "XA HOI HOC TAP")} == {"19/BC-HKH"}
        assert repo.fulltext(s, "khong co tu nay") == []
    db.close()


def test_correction_survives_reextraction(db_url: str) -> None:
    db = Database(db_url)
    _store(db)
    with db.session() as s:
        row = repo.citing(s, parse_query("677/QĐ-UBND"))[0].document
        review.add_correction(s, row, "number", "17a/BC-HKH", "archivist@test")
    _store(db)  # re-extraction writes the extracted values again
    with db.session() as s:
        row = repo.find_by_sha(s, row.sha256)
        assert row.number == "17a/BC-HKH"
        assert row.record["doc"]["number"] == "17a/BC-HKH"
        assert row.record["doc"]["detail"]["number"]["corrected_by"] == "archivist@test"
    db.close()
