"""Figures drawn: numbers shortened for reading and inline SVG charts (the figures themselves
come from service.figures, the one extractor the feed uses too).

Charts are plain SVG drawn here on the server: no chart library, nothing to download,
readable without JavaScript and printable.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape


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
