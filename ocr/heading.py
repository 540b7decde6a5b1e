"""A second reading of a first page's heading block at a higher resolution.

The top-left block of an administrative document (Nghị định 30/2020: the parent body, the
issuer, the rule under them and "Số: 16/BC-UBND") is set in capitals close together, often
bold, over a seal's or a signature stamp's ink. Read at 300 dpi with the rest of the page,
Tesseract confuses its marks: on the real scans held out from design, read at 400 dpi
instead, the issuer and the parent became right (``bench/extract/README.md``), while the
body's citations and titles, whose rules were set on 300 dpi readings, got worse. So the
page stays read at 300 dpi and only this block is read again at :data:`HEADING_DPI`: its
words, mapped back to the page's pixels, are kept apart (``Page.heading``), and the
extractor chooses between the two readings.

The block is found from the first reading's words: it ends under the "Số:" line and stops
short of the right column (the national motto, "ĐẢNG CỘNG SẢN VIỆT NAM", the place-date).
"""

from __future__ import annotations

import logging
import re

import numpy as np

from ocr.words import fold_word, same_line
from schemas import Box, HeadingReading, Word

log = logging.getLogger(__name__)

# bump when the heading's reading can change (bounds, resolution, clean-up); cached pages
# of the same Tesseract stage get only this reading anew (``reread_extras``)
HEADING_STAGE = "heading-1"
HEADING_DPI = 400
_TOP = 0.35  # the heading block lies in this top share of the page
_LEFT = 0.35  # "Số:" opens a line in this left share of the page
_HALF = 0.55  # the left column ends by here when no right column's word says where
# the right column's first words: the motto, the Party's motto, the place-date line's "ngày"
_RIGHT_OPENERS = (("cong", "hoa"), ("dang", "cong"), ("doc", "lap"))
_NUMBER = re.compile(r"^s[o6eơô]\W{0,2}$|^s[o6eơô]:")


def heading_box(words: list[Word], width: int, height: int) -> Box | None:
    """The heading block of a page in its pixels, or None when the page shows none.

    The block's last line is the header's "Số:" (the topmost one in the top left, with a
    symbol's slash after it on its line); above it, from the top of the page, the issuer's
    lines. Its right edge is where the right column begins (its first word on the lines
    above the number, less a gap), else a little past the page's middle.
    """
    top = [w for w in words if w.box.y1 < height * _TOP]
    number = next(
        (
            w
            for w in sorted(top, key=lambda w: w.box.y0)
            if w.box.x0 < width * _LEFT
            and _NUMBER.match(fold_word(w.text))
            and w.text[:1] == "S"
            and any(
                "/" in o.text and same_line(w, o) and o.box.x0 >= w.box.x0
                for o in top
                if o is not w
            )
        ),
        None,
    )
    if number is None:
        return None
    line_h = number.box.y1 - number.box.y0
    above = sorted((w for w in top if w.box.y0 < number.box.y1), key=lambda w: (w.box.y0, w.box.x0))
    right = width * _HALF
    folded = {id(w): fold_word(w.text).strip(",.:-") for w in above}
    for a in above:  # Tesseract may read "CỘNG" on the issuer's line, "HÒA" apart
        follows = {
            folded[id(b)]
            for b in above
            if b.box.x0 > a.box.x0 and b.box.x0 - a.box.x1 < 2 * line_h and same_line(a, b)
        }
        if any(first == folded[id(a)] and then in follows for first, then in _RIGHT_OPENERS):
            right = min(right, a.box.x0 - 0.3 * line_h)
    dates = [w for w in above if fold_word(w.text).startswith("ngay") and same_line(w, number)]
    for w in dates:  # the place before "ngày", set close to it: "Quảng Ngãi, ngày"
        edge = w
        for o in sorted((o for o in above if same_line(o, w)), key=lambda o: -o.box.x0):
            if o.box.x0 < edge.box.x0 and edge.box.x0 - o.box.x1 < 1.5 * line_h:
                edge = o
        right = min(right, edge.box.x0 - 0.3 * line_h)
    if right <= number.box.x1:
        return None
    bottom = min(height, round(number.box.y1 + 0.6 * line_h))
    return Box(x0=0, y0=0, x1=round(right), y1=bottom)


def crop(rgb: np.ndarray, page_width: int, box: Box) -> tuple[np.ndarray, float]:
    """The block cut from ``rgb`` (the page at any resolution) and the scale from the
    page's pixels to ``rgb``'s."""
    scale = rgb.shape[1] / page_width
    y0, y1 = round(box.y0 * scale), round(box.y1 * scale)
    x0, x1 = round(box.x0 * scale), round(box.x1 * scale)
    return np.ascontiguousarray(rgb[y0:y1, x0:x1]), scale


def to_page(words: list[Word], scale: float, box: Box) -> list[Word]:
    """Words read on the block's crop, their boxes put back in the page's pixels."""
    out = []
    for w in words:
        b = w.box
        moved = Box(
            x0=box.x0 + int(b.x0 / scale),
            y0=box.y0 + int(b.y0 / scale),
            x1=box.x0 + round(b.x1 / scale),
            y1=box.y0 + round(b.y1 / scale),
        )
        out.append(w.model_copy(update={"box": moved}))
    return out


def reading(text: str, words: list[Word], scale: float, box: Box, dpi: int) -> HeadingReading:
    """The heading's reading as the page keeps it (words in the page's pixels)."""
    return HeadingReading(box=box, dpi=dpi, text=text, words=to_page(words, scale, box))
