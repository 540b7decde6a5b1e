"""Where a record's values stand: marks in the page text and boxes on the page image.

A record keeps, per value, spans into a page's stored text (and, for OCR pages, a box
in page-image pixels). The document page shows both: the text is cut at every span and
repair boundary so overlapping marks stay exact, and each value gets a ``ref`` id that
the record table, the text marks and the image boxes share (click one, light all).
"""

from __future__ import annotations

import heapq
import itertools
import unicodedata
from dataclasses import asdict, dataclass, field

from markupsafe import Markup, escape

from schemas import FieldDetail, Record, Span
from service import review

FIELD_LABELS = review.FIELD_LABELS  # one set of labels for the page and the queue


@dataclass
class Ref:
    """One value of the record that the page can point at."""

    id: str
    label: str
    value: str
    spans: list[Span] = field(default_factory=list)
    confidence: float | None = None
    flags: list[str] = field(default_factory=list)
    note: str = ""  # how the document writes it, or what else is known (a citation's date)

    @property
    def pages(self) -> list[int]:
        return sorted({s.page for s in self.spans})


def vn_date(value: str | None) -> str:
    """An ISO date as Vietnamese readers write it: 2021-10-18 -> 18/10/2021, 2021-10 ->
    10/2021 (corrections accept both forms); anything else as is."""
    parts = (value or "").split("-")
    if not value or len(parts) > 3 or not all(p.isdigit() for p in parts):
        return value or ""
    return "/".join(reversed(parts))


def shows_more(value: str | None, written: str | None) -> bool:
    """Whether the text as written says more than the value: a date in words, a repaired
    key. A value found inside it as is (case aside) only quotes its surroundings."""
    if not written or not value:
        return bool(written)
    return _squash(value) not in _squash(written)


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _vnd(n: int | float | None) -> str:
    return "—" if n is None else f"{int(n):,}".replace(",", ".") + " đồng"


def _num(v: int | float | None) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{int(v):,}".replace(",", ".")


def _low(spans: list[Span]) -> float | None:
    """The lowest OCR confidence of a value's spans, as ``extract.record`` judges it."""
    known = [s.confidence for s in spans if s.confidence is not None]
    return min(known) if known else None


def record_refs(record: Record) -> list[Ref]:
    """Every located value of a record (header fields, citations, dates, money, counts),
    read from the typed record of the read model (corrections applied)."""
    head = record.doc
    refs = []
    for name, label in FIELD_LABELS.items():
        d = head.detail.get(name) or FieldDetail()
        value = getattr(head, name, None)
        shown = vn_date(value) if name == "date" else value
        refs.append(
            Ref(
                f"doc.{name}",
                label,
                shown if isinstance(shown, str) else "",
                d.spans,
                d.confidence,
                d.flags,
                d.text,
            )
        )
    for i, c in enumerate(record.citations):
        flags = (["partial"] if c.partial else []) + c.flags
        note = f"ngày {vn_date(c.date)}" if c.date else ""
        refs.append(Ref(f"cit.{i}", "Trích dẫn", c.key, c.spans, c.confidence, flags, note))
    for i, dm in enumerate(record.date_details):
        refs.append(
            Ref(f"date.{i}", "Ngày", vn_date(dm.value), dm.spans, _low(dm.spans), note=dm.text)
        )
    for i, a in enumerate(record.amounts):
        flags = ["words_disagree"] if a.checked is False else []
        note = a.words or a.text
        refs.append(Ref(f"amt.{i}", "Số tiền", _vnd(a.vnd), a.spans, _low(a.spans), flags, note))
    for i, n in enumerate(record.counts):
        value = f"{_num(n.value)} {n.unit}".strip()
        if n.of is not None:
            value += f" / {_num(n.of)}"
        flags = ["ambiguous"] if n.ambiguous else []
        refs.append(Ref(f"cnt.{i}", "Số lượng", value, n.spans, _low(n.spans), flags, n.text))
    return refs


@dataclass
class Segment:
    """A stretch of page text with the values it belongs to and, if repaired, what it was."""

    text: str
    refs: tuple[str, ...] = ()
    repaired_from: str | None = None


def page_segments(text: str, page: int, refs: list[Ref], repairs: list[dict]) -> list[Segment]:
    """Cut a page's text at every mark boundary; the segments' texts join back to ``text``.

    One sweep over the cuts with the marks open at each (linear in text and marks: checking
    every mark for every cut took 8 s for 2 MB of text)."""
    n = len(text)
    marks: list[tuple[int, int, str]] = []
    for r in refs:
        for s in r.spans:
            if s.page == page:
                a, b = max(0, s.start), min(n, s.end)
                if a < b:
                    marks.append((a, b, r.id))
    fixes = []
    for e in repairs:
        a, b = max(0, int(e.get("start", 0))), min(n, int(e.get("end", 0)))
        if a < b:
            fixes.append((a, b, str(e.get("original", ""))))
    cuts = sorted({0, n, *(x for m in marks for x in m[:2]), *(x for f in fixes for x in f[:2])})
    open_marks, open_fixes = _Open(marks), _Open(fixes)
    out = []
    for a, b in itertools.pairwise(cuts):
        ids = tuple(dict.fromkeys(marks[i][2] for i in sorted(open_marks.at(a))))
        here = open_fixes.at(a)
        orig = fixes[min(here)][2] if here else None
        out.append(Segment(text[a:b], ids, orig))
    return out


class _Open:
    """The intervals open at each cut of a left-to-right sweep (cuts asked in order)."""

    def __init__(self, intervals: list[tuple[int, int, str]]) -> None:
        self.intervals = intervals
        self.by_start = sorted(range(len(intervals)), key=lambda i: intervals[i][0])
        self.next = 0
        self.ends: list[tuple[int, int]] = []
        self.open: set[int] = set()

    def at(self, cut: int) -> set[int]:
        """Indexes of the intervals with start <= cut < end."""
        while self.next < len(self.by_start) and self.intervals[self.by_start[self.next]][0] <= cut:
            i = self.by_start[self.next]
            heapq.heappush(self.ends, (self.intervals[i][1], i))
            self.open.add(i)
            self.next += 1
        while self.ends and self.ends[0][0] <= cut:
            self.open.discard(heapq.heappop(self.ends)[1])
        return self.open


def render_segments(segments: list[Segment]) -> Markup:
    """HTML of the marked text: ``<span class="m" data-refs>`` for values, ``ins`` for repairs."""
    parts = []
    for seg in segments:
        html = escape(seg.text)
        if seg.repaired_from is not None:
            html = Markup(
                '<ins class="repair" data-orig="{0}" title="Trước khi sửa dấu: {0}">{1}</ins>'
            ).format(seg.repaired_from, html)
        if seg.refs:
            html = Markup('<span class="m" data-refs="{}">{}</span>').format(
                " ".join(seg.refs), html
            )
        parts.append(html)
    return Markup("").join(parts)


@dataclass
class PageBox:
    ref: str
    x: int
    y: int
    w: int
    h: int


def _word_boxes(words: list[dict], start: int, end: int) -> list[dict]:
    """Boxes of the OCR words inside a text span (for spans that carry no box themselves)."""
    out = []
    for w in words:
        ws = w.get("start")
        if ws is not None and ws < end and start < ws + len(w.get("text") or ""):
            out.append(w["box"])
    return out


def _union(boxes: list[dict]) -> dict:
    return {
        "x0": min(b["x0"] for b in boxes),
        "y0": min(b["y0"] for b in boxes),
        "x1": max(b["x1"] for b in boxes),
        "y1": max(b["y1"] for b in boxes),
    }


def page_boxes(refs: list[Ref], page: int, info: dict) -> list[PageBox]:
    """Rectangles (page-image pixels at the page's dpi) of the values on one page."""
    words = info.get("words") or []
    out = []
    for r in refs:
        for s in r.spans:
            if s.page != page:
                continue
            box = asdict(s.box) if s.box else None
            if not box:
                found = _word_boxes(words, s.start, s.end)
                box = _union(found) if found else None
            if box and box["x1"] > box["x0"] and box["y1"] > box["y0"]:
                out.append(
                    PageBox(
                        r.id, box["x0"], box["y0"], box["x1"] - box["x0"], box["y1"] - box["y0"]
                    )
                )
    return out
