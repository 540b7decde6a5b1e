"""Page text as the extractors see it: NFC text, its fold, and spans with OCR boxes."""

from __future__ import annotations

import bisect
import unicodedata
from dataclasses import dataclass, field

from normalize.fold import fold
from schemas import Box, DigitReading, Page, Span, Word


@dataclass
class PageText:
    """One page's NFC text, its length-preserving fold, and its OCR words by offset."""

    number: int
    text: str
    folded: str
    words: list[Word] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    hand_digits: list[DigitReading] = field(default_factory=list)

    @classmethod
    def from_page(cls, page: Page) -> PageText:
        text = unicodedata.normalize("NFC", page.text or "")
        placed = sorted(
            ((w.start, w) for w in page.words if w.start is not None), key=lambda sw: sw[0]
        )
        words, starts = [w for _, w in placed], [s for s, _ in placed]
        return cls(page.number, text, fold(text), words, starts, list(page.hand_digits))

    def words_in(self, start: int, end: int) -> list[Word]:
        """The OCR words overlapping [start, end)."""
        if not self.words:
            return []
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        hit: list[Word] = []
        for w_start, w in zip(self._starts[i:], self.words[i:], strict=True):
            if w_start >= end:
                break
            if w_start + len(w.text) > start:
                hit.append(w)
        return hit

    def span(self, start: int, end: int) -> Span:
        """A span over [start, end) with the union box and lowest confidence of its words."""
        hit = self.words_in(start, end)
        if not hit:
            return Span(page=self.number, start=start, end=end)
        box = Box(
            x0=min(w.box.x0 for w in hit),
            y0=min(w.box.y0 for w in hit),
            x1=max(w.box.x1 for w in hit),
            y1=max(w.box.y1 for w in hit),
        )
        conf = min(w.conf for w in hit) / 100.0
        return Span(page=self.number, start=start, end=end, box=box, confidence=conf)
