"""Reading order from word boxes: Tesseract lines merged into page rows.

Administrative headers are two columns (issuer | motto, "Số: ..." | "Quảng Ngãi,
ngày ..."). Tesseract may put them in separate blocks; rebuilding rows from boxes
keeps each printed line whole, and a wide gap inside a row becomes four spaces so
columns stay apart.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

from ocr.engine import TessWord

COLUMN_GAP = "    "
_DOUBLE_D = re.compile("Đ{2,}")


def fix_word(text: str) -> str:
    """NFC and the Đ doubling of the vie model ("QĐÐ" -> "QĐ").

    Vietnamese has no Icelandic eth (U+00D0/U+00F0): it is always a misread Đ/đ.
    """
    text = unicodedata.normalize("NFC", text).replace("Ð", "Đ").replace("ð", "đ")
    return _DOUBLE_D.sub("Đ", text)


@dataclass
class Line:
    """A run of words that Tesseract read as one line."""

    words: list[TessWord]

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.top + w.height for w in self.words)

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)


def _tess_lines(words: list[TessWord]) -> list[Line]:
    key = lambda w: (w.block, w.par, w.line)  # noqa: E731
    return [Line(list(g)) for _, g in itertools.groupby(words, key=key)]


def rows(words: list[TessWord]) -> list[list[TessWord]]:
    """Page rows: Tesseract lines whose vertical extents overlap, left to right."""
    rows_: list[list[Line]] = []
    for line in sorted(_tess_lines(words), key=lambda ln: ln.top):
        h = line.bottom - line.top
        for row in rows_[-3:][::-1]:
            top, bottom = min(r.top for r in row), max(r.bottom for r in row)
            if min(bottom, line.bottom) - max(top, line.top) >= 0.5 * min(h, bottom - top):
                row.append(line)
                break
        else:
            rows_.append([line])
    out = []
    for row in sorted(rows_, key=lambda r: min(ln.top for ln in r)):
        out.append([w for ln in sorted(row, key=lambda ln: ln.left) for w in ln.words])
    return out


def _median_height(words: list[TessWord]) -> float:
    hs = sorted(w.height for w in words)
    return float(hs[len(hs) // 2]) if hs else 0.0


def compose(words: list[TessWord]) -> tuple[str, list[tuple[TessWord, str, int]]]:
    """Page text (rows joined by newlines, a blank line at paragraph gaps) and each
    word with its fixed text and offset in that text."""
    parts: list[str] = []
    placed: list[tuple[TessWord, str, int]] = []
    pos = 0
    line_h = _median_height(words)
    prev_bottom = None
    for row in rows(words):
        top = min(w.top for w in row)
        if prev_bottom is not None:
            sep = "\n\n" if top - prev_bottom > 1.2 * line_h else "\n"
            parts.append(sep)
            pos += len(sep)
        prev = None
        for w in row:
            if prev is not None:
                sep = COLUMN_GAP if w.left - (prev.left + prev.width) > 2.5 * line_h else " "
                parts.append(sep)
                pos += len(sep)
            text = fix_word(w.text)
            placed.append((w, text, pos))
            parts.append(text)
            pos += len(text)
            prev = w
        prev_bottom = max(w.top + w.height for w in row)
    return "".join(parts), placed
