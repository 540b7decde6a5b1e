"""Small helpers over a page's OCR words that the header readers share (the handwritten
digit blanks, the heading block): ``ocr`` may not import ``normalize``, whose fold is the
project's search fold, so this folds only as far as locating label words needs."""

from __future__ import annotations

import unicodedata

from schemas import Word


def fold_word(text: str) -> str:
    """``text`` in lower case without marks, đ as d: "Số:" -> "so:", "ngày" -> "ngay"."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def same_line(a: Word, b: Word) -> bool:
    """Whether two words stand on one printed line: centres closer than 0.7 of the taller."""
    ca, cb = (a.box.y0 + a.box.y1) / 2, (b.box.y0 + b.box.y1) / 2
    return abs(ca - cb) < max(a.box.y1 - a.box.y0, b.box.y1 - b.box.y0) * 0.7
