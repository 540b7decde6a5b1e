"""Review queue speed at archive scale: a page of GET /api/v1/review from the stored items
(``review.queue``, migration 0014) against reading every record to find them (what the
queue did before: ``readmodel.read`` + ``review.items_of`` over each document).

N scanned documents are saved through ``outcome.save_document`` (so each gets its stored
items), into SQLite in a temporary directory. Both ways are timed in the same process
over the same database; the ratio column is what the old way costs over the new one.

    PYTHONPATH=. .venv/bin/python bench/review/bench.py             # 2000 documents
    PYTHONPATH=. .venv/bin/python bench/review/bench.py --docs 500
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from schemas import (
    Box,
    Citation,
    Count,
    DocHeader,
    Document,
    FieldDetail,
    Page,
    PageRoute,
    Record,
    Source,
    SourceKind,
    Span,
)
from service import outcome, readmodel, review
from service.storage.db import Database
from service.storage.models import DocumentRow

TEXT = "Số: {n}/BC-HKH\nBÁO CÁO\nCăn cứ Quyết định số 677/QĐ-TTg; tổng số {n} hội viên."


def _document(n: int) -> tuple[Document, Record]:
    text = TEXT.format(n=n)
    sha = f"{n:064d}"
    source = Source(file=f"{n}.pdf", sha256=sha, pages=1, kind=SourceKind.SCANNED)
    page = Page(number=1, text=text, route=PageRoute.OCR, width=2480, height=3508)
    box = Box(x0=100, y0=100, x1=600, y1=150)
    span = Span(page=1, start=4, end=12, box=box, confidence=0.6)
    number = FieldDetail(text=f"{n}/BC-HKH", confidence=0.5 + (n % 5) / 10, spans=[span])
    record = Record(
        source=source,
        doc=DocHeader(number=f"{n}/BC-HKH", doc_type="Báo cáo", detail={"number": number}),
        citations=[Citation(key="677/QĐ-TTg", text="677/QĐ-TTg", confidence=0.6)],
        counts=[Count(value=n, unit="hội viên", text=str(n))],
    )
    return Document(source=source, pages=[page]), record


def _timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        with db.session() as s:
            for n in range(1, args.docs + 1):
                doc, rec = _document(n)
                outcome.save_document(s, doc.source.file, doc, rec, "bench")

        def stored() -> int:
            with db.session() as s:
                items, total = review.queue(s, None, 50, 0)
                review.with_boxes(s, items)
                return total

        def scanned() -> int:
            with db.session() as s:
                docs = readmodel.read_many(s, s.scalars(select(DocumentRow)))
                items = [i for d in docs for i in review.items_of(d, boxes=False)]
                return len(items)

        total = stored()
        assert total == scanned(), "both ways find the same items"
        new, old = _timed(stored, args.runs), _timed(scanned, args.runs)
        db.close()
    print(f"{'documents':>10} {'items':>8} {'page (ms)':>10} {'scan (ms)':>10} {'ratio':>7}")
    print(f"{args.docs:>10} {total:>8} {new:>10.1f} {old:>10.1f} {old / new:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
