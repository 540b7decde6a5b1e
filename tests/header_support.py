"""One-page scanned documents for the header tests: text alone, or lines laid out with word
boxes (40 px tall words, 24 px a letter, 20 px between words)."""

from __future__ import annotations

from collections.abc import Callable

from schemas import Box, Document, Page, PageRoute, Source, SourceKind, Word


def scan_doc(text: str, words: list[Word] | None = None) -> Document:
    """A one-page scan whose OCR read ``text`` (with ``words``, when given)."""
    page = Page(number=1, text=text, route=PageRoute.OCR, words=words or [])
    return Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )


# (word, its index in the line, the row's index) -> px added to its top and to its bottom
Shift = Callable[[str, int, int], tuple[int, int]]


def laid_out(head: str, rows: list[tuple[str, int, int]], shift: Shift | None = None) -> Document:
    """``head`` without boxes, then one text line per (text, x0, y0); ``shift`` moves a
    word's top and bottom (a line scanned askew, letters reaching below the line)."""
    text, words = head, []
    for r, (line, x0, y0) in enumerate(rows):
        for k, w in enumerate(line.split()):
            top, bottom = shift(w, k, r) if shift else (0, 0)
            box = Box(x0=x0, y0=y0 + top, x1=x0 + 24 * len(w), y1=y0 + 40 + bottom)
            words.append(Word(text=w, box=box, conf=95, start=len(text)))
            text += w + " "
            x0 += 24 * len(w) + 20
        text = text[:-1] + "\n"
    return scan_doc(text, words)


def centred(line: str, y0: int, centre: int = 1200) -> tuple[str, int, int]:
    """A row of ``line`` centred on x = ``centre``."""
    width = sum(24 * len(w) + 20 for w in line.split()) - 20
    return line, centre - width // 2, y0
