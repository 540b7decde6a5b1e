"""A document's pages are stored one row a page (migration 0020), written as they are read
from the page spool, and read back through the read model exactly as they went in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event, func, select

from schemas import Box, Document, Page, PageRoute, Record, Source, SourceKind, Word
from service import outcome, readmodel
from service.pagespool import PageSpool
from service.storage import repo
from service.storage.db import Database
from service.storage.models import DocumentPageRow, DocumentRow

SHA = "7" * 64


def _page(n: int) -> Page:
    """A page whose words, size and route differ from its neighbours'."""
    ws = [Word(text=f"Trang{n}-{i}", box=Box(x0=i, y0=n, x1=i + 9, y1=n + 9), conf=80.0 + i,
               start=10 * i) for i in range(n % 4)]  # fmt: skip
    route = PageRoute.OCR if n % 3 else PageRoute.TEXT_LAYER
    text = " ".join(w.text for w in ws) or f"Trang {n} không có chữ OCR"
    return Page(number=n, text=text, route=route, words=ws, width=2480 + n, height=3508)


def _document(pages: list[Page]) -> tuple[Document, Record]:
    source = Source(file="dai.pdf", sha256=SHA, pages=len(pages), kind=SourceKind.SCANNED)
    return Document(source=source, pages=pages), Record(source=source)


def _rows(db: Database, doc_id: int) -> list[int]:
    with db.session() as s:
        stmt = select(DocumentPageRow.number).where(DocumentPageRow.document_id == doc_id)
        return list(s.scalars(stmt.order_by(DocumentPageRow.number)))


def test_a_long_document_round_trips_row_by_row(db_url: str, tmp_path: Path) -> None:
    pages = [_page(n) for n in range(1, 22)]  # 21 pages: three statements of PAGE_BATCH
    spool = PageSpool(tmp_path, SHA)
    light = [spool.add(p) for p in pages]
    document, record = _document(light)  # as the pipeline hands it over: words spooled
    db = Database(db_url)
    try:
        with db.session() as s:
            stored = spool.stored()
            row, created = outcome.save_document(s, "dai.pdf", document, record, "t", stored)
            doc_id = row.id
        spool.close()
        assert created and _rows(db, doc_id) == list(range(1, 22))
        with db.session() as s:
            row = s.get(DocumentRow, doc_id)
            assert row is not None
            assert readmodel.page_infos(s, doc_id) == [repo.stored_page(p) for p in pages]
            assert readmodel.pages_of(s, row) == pages  # words, boxes and text as they were
            view = readmodel.read_many(s, [row], pages=True)[0]
            assert view.pages_info == readmodel.page_infos(s, doc_id)
            bare = readmodel.read(row)  # a listing's view: no pages loaded
            assert bare is not None and bare.pages_info == []
        # re-extraction with fewer pages replaces the rows (no page left from the old run)
        shorter, record = _document(pages[:5])
        with db.session() as s:
            _, created = outcome.save_document(s, "dai.pdf", shorter, record, "t")
        assert not created and _rows(db, doc_id) == [1, 2, 3, 4, 5]
        with db.session() as s:
            s.delete(s.get(DocumentRow, doc_id))
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(DocumentPageRow)) == 0
    finally:
        db.close()


def test_pages_are_written_a_few_at_a_time(db_url: str) -> None:
    """Storage pulls pages from the spool as it inserts them: when the first rows are
    written only the first statement's pages have been read, never the whole document."""
    pages = [_page(n) for n in range(1, 22)]
    pulled: list[int] = []
    seen_at_insert: list[int] = []

    def source() -> Iterator[dict]:
        for p in pages:
            pulled.append(p.number)
            yield repo.stored_page(p)

    db = Database(db_url)

    def on_execute(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO DOCUMENT_PAGES"):
            seen_at_insert.append(len(pulled))

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        document, record = _document(pages)
        with db.session() as s:
            repo.write_document(s, "dai.pdf", document, record, "t", source())
        assert seen_at_insert == [repo.PAGE_BATCH, 2 * repo.PAGE_BATCH, len(pages)]
    finally:
        db.close()
