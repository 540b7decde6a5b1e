"""The figures documents state (money, counts), for the UI's Số liệu page and the feed.

One extractor for both, so they never disagree: money in ``đồng``, count units as the
lexicon spells them (extract.counts.canonical_unit), each figure with its measure (a
total, a change, a target) and, for a file that is only another copy of a document, the
copy it belongs to. Totals add only like quantities of distinct documents: per document
and unit the first total it states (what follows it is a breakdown, spending or a plan),
never a change or a target, never a copy.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from extract.counts import canonical_unit
from service.readmodel import StoredDocument

MONEY = "đồng"


@dataclass
class Figure:
    """One figure a document states."""

    document_id: int
    document_number: str | None
    document_date: str | None
    doc_type: str | None
    kind: str  # amount | count
    value: float
    unit: str
    of: float | None
    measure: str  # total | change | target
    text: str
    page: int | None
    ref: str = ""  # the value's ref on the document page (amt.N / cnt.N)
    filename: str = ""
    copy_of: int | None = None

    @property
    def year(self) -> str | None:
        d = self.document_date or ""
        return d[:4] if d[:4].isdigit() else None


def figures_of(doc: StoredDocument) -> list[Figure]:
    """Every figure of one document, in the order the record lists them."""
    rec = doc.record
    head = rec.doc
    base = (doc.id, head.number, head.date, head.doc_type)

    def page(spans: list) -> int | None:
        return spans[0].page if spans else None

    out = [
        Figure(
            *base,
            "amount",
            a.vnd,
            MONEY,
            None,
            a.measure,
            a.text,
            page(a.spans),
            f"amt.{i}",
            doc.filename,
            doc.copy_of,
        )
        for i, a in enumerate(rec.amounts)
    ]
    out += [
        Figure(
            *base,
            "count",
            c.value,
            canonical_unit(c.unit),
            c.of,
            c.measure,
            c.text,
            page(c.spans),
            f"cnt.{i}",
            doc.filename,
            doc.copy_of,
        )
        for i, c in enumerate(rec.counts)
    ]
    return out


def counted(figures: Iterable[Figure]) -> list[Figure]:
    """The figures that add up: not of a copy, totals only, and per document and unit the
    first one stated."""
    seen: set[tuple[int, str]] = set()
    out = []
    for f in figures:
        if f.copy_of is not None or f.measure != "total" or (f.document_id, f.unit) in seen:
            continue
        seen.add((f.document_id, f.unit))
        out.append(f)
    return out


def units(figures: Iterable[Figure]) -> list[tuple[str, int]]:
    """Units by how many documents state them (money first), for the unit filter."""
    c = Counter(unit for _, unit in {(f.document_id, f.unit) for f in figures})
    return sorted(c.items(), key=lambda kv: (kv[0] != MONEY, -kv[1], kv[0]))


def yearly(figures: Iterable[Figure], unit: str) -> list[tuple[str, float, int]]:
    """(year, total, number of documents) of one unit over :func:`counted` figures;
    percentages are averaged, not summed."""
    total: dict[str, float] = defaultdict(float)
    n: dict[str, int] = defaultdict(int)
    for f in counted(figures):
        if f.unit == unit and f.year:
            total[f.year] += f.value
            n[f.year] += 1
    if unit == "%":
        return [(y, total[y] / n[y], n[y]) for y in sorted(total)]
    return [(y, total[y], n[y]) for y in sorted(total)]
