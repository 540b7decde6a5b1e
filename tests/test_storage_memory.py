"""Storing a long document without holding its record twice, and handing freed heap back
(issue #22: the main process's memory on long scans should not grow with the pages)."""

from __future__ import annotations

import ctypes
import json
from typing import Any

import pytest
from sqlalchemy import select

from schemas import (
    Amount,
    Box,
    Citation,
    Count,
    DateMention,
    Document,
    Entity,
    FieldDetail,
    Page,
    PageRoute,
    Record,
    Source,
    SourceKind,
    Span,
)
from service import heaptrim, outcome, readmodel, review
from service.storage.db import Database, ModelJSON, json_text
from service.storage.models import CorrectionRow, DocumentRow, ReviewItemRow

SHA = "5" * 64


def _scan() -> tuple[Document, Record]:
    """A scanned document without a date (the header field is flagged 'missing') that
    cites a key read with low confidence (a second item to check)."""
    source = Source(file="scan.pdf", sha256=SHA, pages=1, kind=SourceKind.SCANNED)
    page = Page(number=1, text="căn cứ Nghị định 30/2020/NĐ-CP", route=PageRoute.OCR)
    span = Span(page=1, start=7, end=30, box=Box(x0=1, y0=2, x1=90, y1=12), confidence=0.2)
    cite = Citation(text="Nghị định 30/2020/NĐ-CP", key="30/2020/NĐ-CP", spans=[span])
    record = Record(source=source, citations=[cite])
    return Document(source=source, pages=[page]), record


class _CountingRecord:
    """Stands for ``Record`` in the read model: counts the stored records it validates."""

    validated = 0

    @classmethod
    def model_validate(cls, raw: Any) -> Record:
        cls.validated += 1
        return Record.model_validate(raw)


def _items(db: Database, doc_id: int) -> dict[str, list[str]]:
    with db.session() as s:
        rows = s.scalars(select(ReviewItemRow).where(ReviewItemRow.document_id == doc_id))
        return {r.ref: list(r.reasons) for r in rows}


def test_a_new_documents_items_come_from_the_record_in_hand(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readmodel, "Record", _CountingRecord)
    _CountingRecord.validated = 0
    document, record = _scan()
    db = Database(db_url)
    try:
        with db.session() as s:
            row, created = outcome.save_document(s, "scan.pdf", document, record, "t")
            doc_id = row.id
        assert created and _CountingRecord.validated == 0  # no second copy of the record
        items = _items(db, doc_id)
        assert "missing" in items["doc.date"] and "cit.0" in items
        with db.session() as s:  # the same items as reading the stored row afresh
            stored = s.get(DocumentRow, doc_id)
            assert stored is not None
            view = readmodel.read(stored)
            assert view is not None and _CountingRecord.validated == 1
            assert {i.ref: i.reasons for i in review.items_of(view, boxes=False)} == items

        # negative: a stored document with a correction is re-read with it overlaid, so the
        # corrected date leaves the queue (the record in hand knows nothing of it)
        with db.session() as s:
            s.add(CorrectionRow(document_id=doc_id, field="date", value="2020-03-05",
                                previous=None, author="an"))  # fmt: skip
        with db.session() as s:
            _, created = outcome.save_document(s, "scan.pdf", document, record, "t")
        assert not created and _CountingRecord.validated == 2
        again = _items(db, doc_id)
        assert "doc.date" not in again and "cit.0" in again
    finally:
        db.close()


def _at(page: int, a: int, b: int) -> list[Span]:
    box = Box(x0=a * 9, y0=page * 31, x1=b * 9, y1=page * 31 + 40)
    return [Span(page=page, start=a, end=b, box=box, confidence=(page % 7) / 10 + 0.2)]


def _long_scan(pages: int) -> tuple[Document, Record]:
    """A scan of ``pages`` pages that mentions a citation, a date, an amount, a count and a
    place on every page, each with its box and an OCR confidence (floats that print long)."""
    source = Source(file="long.pdf", sha256="6" * 64, pages=pages, kind=SourceKind.SCANNED)
    line = "căn cứ Nghị định 30/2020/NĐ-CP ngày 5/3/2020, chi 1.500.000 đồng cho 12,5 ha ở Sơn La"
    record = Record(source=source, dates=["2020-03-05"])
    record.doc.number, record.doc.issuer = "12/QĐ-UBND", "UBND tỉnh Sơn La"
    record.doc.detail["number"] = FieldDetail(text="12/QĐ-UBND", spans=_at(1, 0, 10))
    for n in range(1, pages + 1):
        key = "30/2020/NĐ-CP"
        record.citations.append(
            Citation(key=key, number="30", year=2020, text=line[7:30], spans=_at(n, 7, 30))
        )
        record.date_details.append(
            DateMention(value="2020-03-05", text="5/3/2020", spans=_at(n, 36, 44))
        )
        record.amounts.append(Amount(vnd=1_500_000, text="1.500.000 đồng", spans=_at(n, 50, 64)))
        record.counts.append(Count(value=12.5, unit="ha", text="12,5 ha", spans=_at(n, 69, 76)))
        record.entities.append(
            Entity(label="LOC", text="Sơn La", norm="Sơn La", spans=_at(n, 80, 86))
        )
    page = Page(number=1, text=line, route=PageRoute.OCR)
    return Document(source=source, pages=[page]), record


def test_a_long_documents_record_round_trips_through_storage(db_url: str) -> None:
    """A new document's record is written by pydantic straight from the typed record
    (``ModelJSON``, no tree of dicts first): what is stored, read back as a dict or through
    the read model, is the record exactly, in the session that wrote it and in the next;
    a re-extraction writes the dump with corrections overlaid, as before."""
    document, record = _long_scan(300)
    dumped = record.model_dump(mode="json")
    assert json.loads(json_text(ModelJSON(record))) == json.loads(json.dumps(dumped))
    db = Database(db_url)
    try:
        with db.session() as s:
            row, created = outcome.save_document(s, "long.pdf", document, record, "t")
            assert created and row.record == dumped  # read back from the row, not the wrapper
            doc_id = row.id
        with db.session() as s:
            stored = s.get(DocumentRow, doc_id)
            assert stored is not None and stored.record == dumped
            view = readmodel.read(stored)
            assert view is not None and view.record == record and view.confirmed == {}
            assert (stored.number, stored.issuer) == ("12/QĐ-UBND", "UBND tỉnh Sơn La")
        with db.session() as s:
            s.add(CorrectionRow(document_id=doc_id, field="issuer", value="UBND huyện",
                                previous=None, author="an"))  # fmt: skip
        with db.session() as s:
            row, created = outcome.save_document(s, "long.pdf", document, record, "t")
            assert not created and row.issuer == "UBND huyện"
        with db.session() as s:
            stored = s.get(DocumentRow, doc_id)
            assert stored is not None
            assert stored.record["citations"] == dumped["citations"]
            assert stored.record["doc"]["detail"]["issuer"]["corrected_by"] == "an"
    finally:
        db.close()


def test_a_stored_rows_text_is_not_held_while_its_pages_are_written(db_url: str) -> None:
    """Once the document's row is flushed, its text and folded text (and a new row's
    record) are dropped from the session, not held through the page rows, review items and
    change event; read again, they are what was stored. A re-extracted row keeps the record
    it stored (the dict with the corrections overlaid): the review items are read from it."""
    document, record = _long_scan(40)
    db = Database(db_url)
    try:
        with db.session() as s:
            row, created = outcome.save_document(s, "long.pdf", document, record, "t")
            assert created and not {"text", "folded", "record"} & set(vars(row))
            assert row.text == document.text and row.folded.startswith("can cu nghi dinh 30")
            doc_id = row.id
        with db.session() as s:
            s.add(CorrectionRow(document_id=doc_id, field="issuer", value="UBND huyện",
                                previous=None, author="an"))  # fmt: skip
        with db.session() as s:
            row, created = outcome.save_document(s, "long.pdf", document, record, "t")
            assert not created and not {"text", "folded"} & set(vars(row))
            assert row.__dict__["record"]["doc"]["issuer"] == "UBND huyện"  # not read back
            assert row.text == document.text
    finally:
        db.close()


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


@pytest.mark.skipif(heaptrim._malloc_trim() is None, reason="no glibc malloc_trim")
def test_release_hands_freed_heap_back() -> None:
    """~40 MB of malloc'd blocks freed below a live one stay mapped until trimmed."""
    blocks = [ctypes.create_string_buffer(4000) for _ in range(10_000)]
    for b in blocks:
        b.raw = b"x" * 4000  # touch every page
    pin = ctypes.create_string_buffer(4000)  # above them: the heap's top cannot shrink
    heaptrim.release()
    del blocks
    before = _rss_kb()
    assert heaptrim.release() is True
    assert before - _rss_kb() > 20_000
    del pin


def test_release_without_malloc_trim_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heaptrim, "_malloc_trim", lambda: None)
    assert heaptrim.release() is False
