"""Figures across documents and time: rows from the records, yearly totals, inline SVG charts.

Charts are plain SVG drawn here on the server: no chart library, nothing to download,
readable without JavaScript and printable.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from service.storage.models import DocumentRow


@dataclass
class Figure:
    """One figure a document states: an amount in đồng or a count of some unit."""

    document_id: int
    document_number: str | None
    document_date: str | None
    doc_type: str | None
    kind: str  # amount | count
    value: float
    unit: str
    of: float | None
    text: str
    page: int | None
    ref: str = ""  # the value's ref on the document page (amt.N / cnt.N)
    filename: str = ""

    @property
    def year(self) -> str | None:
        d = self.document_date or ""
        return d[:4] if d[:4].isdigit() else None


def figures_of(doc: DocumentRow) -> list[Figure]:
    rec = doc.record or {}
    head = rec.get("doc") or {}
    base = (doc.id, head.get("number"), head.get("date"), head.get("doc_type"))

    def page(item: dict) -> int | None:
        return (item.get("spans") or [{}])[0].get("page")

    out = []
    for i, a in enumerate(rec.get("amounts") or []):
        if isinstance(a.get("vnd"), int | float):
            out.append(
                Figure(
                    *base,
                    "amount",
                    a["vnd"],
                    "đồng",
                    None,
                    a.get("text") or "",
                    page(a),
                    f"amt.{i}",
                    doc.filename,
                )
            )
    for i, c in enumerate(rec.get("counts") or []):
        if isinstance(c.get("value"), int | float):
            unit = (c.get("unit") or "").strip().lower()
            out.append(
                Figure(
                    *base,
                    "count",
                    c["value"],
                    unit,
                    c.get("of"),
                    c.get("text") or "",
                    page(c),
                    f"cnt.{i}",
                    doc.filename,
                )
            )
    return out


def units(figures: Iterable[Figure]) -> list[tuple[str, int]]:
    """Units by how often they occur (money first), for the unit filter."""
    c = Counter(f.unit for f in figures)
    return sorted(c.items(), key=lambda kv: (kv[0] != "đồng", -kv[1], kv[0]))


def yearly(figures: Iterable[Figure], unit: str) -> list[tuple[str, float, int]]:
    """(year, total, number of documents) of one unit; percentages are averaged, not summed."""
    total: dict[str, float] = defaultdict(float)
    n: dict[str, int] = defaultdict(int)
    docs: dict[str, set[int]] = defaultdict(set)
    for f in figures:
        if f.unit == unit and f.year:
            total[f.year] += f.value
            n[f.year] += 1
            docs[f.year].add(f.document_id)
    if unit == "%":
        return [(y, total[y] / n[y], len(docs[y])) for y in sorted(total)]
    return [(y, total[y], len(docs[y])) for y in sorted(total)]


def short_number(v: float, unit: str = "") -> str:
    """12 500 000 000 -> '12,5 tỷ'; counts keep their digits with dot grouping."""
    if unit == "đồng":
        for size, name in ((1e9, "tỷ"), (1e6, "triệu"), (1e3, "nghìn")):
            if abs(v) >= size:
                return f"{v / size:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {name}"
    if float(v).is_integer():
        return f"{int(v):,}".replace(",", ".")
    return f"{v:.1f}".replace(".", ",")


def _nice_ceiling(v: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ v: axis ends on a round number."""
    if v <= 0:
        return 1.0
    k = math.floor(math.log10(v))
    return next(m * 10**k for m in (1, 2, 2.5, 5, 10) if m * 10**k >= v * (1 - 1e-9))


def bar_chart(series: list[tuple[str, float, int]], unit: str, title: str) -> Markup:
    """A vertical bar chart as inline SVG, scaled to its viewBox so it fits any width."""
    if not series:
        return Markup('<p class="hint">Chưa có số liệu để vẽ.</p>')
    w, h, left, bottom, top = 520, 250, 86, 30, 44
    peak = _nice_ceiling(max(v for _, v, _ in series))
    integral = all(float(v).is_integer() for _, v, _ in series)
    ticks = [t for t in (peak / 2, peak) if not integral or float(t).is_integer()]
    slot = (w - left - 10) / len(series)
    bar = max(4.0, min(56.0, slot * 0.6))
    parts = [
        f'<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="18" class="t">{escape(title)}</text>',
        f'<line x1="{left}" y1="{h - bottom}" x2="{w - 5}" y2="{h - bottom}" class="axis"/>',
    ]
    for t in ticks:
        y = h - bottom - t / peak * (h - bottom - top)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{w - 5}" y2="{y:.1f}" class="grid"/>')
        tick = escape(short_number(t, unit))
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" class="yl">{tick}</text>')
    for i, (label, v, ndocs) in enumerate(series):
        bh = (h - bottom - top) * (v / peak)
        x = left + i * slot + (slot - bar) / 2
        y = h - bottom - bh
        tip = f"{label}: {short_number(v, unit)} {unit} ({ndocs} văn bản)"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{bh:.1f}" class="bar">'
            f"<title>{escape(tip)}</title></rect>"
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{h - bottom + 16}" class="xl">{escape(label)}</text>'
        )
        parts.append(
            f'<text x="{x + bar / 2:.1f}" y="{y - 5:.1f}" class="vl">'
            f"{escape(short_number(v, unit))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
