"""Page text as the extractors see it: NFC text, its fold, and spans with OCR boxes."""

from __future__ import annotations

import bisect
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from normalize.fold import fold
from schemas import Box, DigitReading, LineReading, Page, PageRoute, Span, Word

WordSource = Callable[[int], Sequence[Word]]  # a page's OCR words, by page number
_Placed = tuple[list[int], list[Word]]  # word starts in the text, the words in that order


def _place(words: Sequence[Word]) -> _Placed:
    placed = sorted(((w.start, w) for w in words if w.start is not None), key=lambda sw: sw[0])
    return [s for s, _ in placed], [w for _, w in placed]


class LazyWords:
    """Pages' OCR words fetched when a span needs them, only the last few kept.

    A long scan's words (boxes, confidences) outweigh its text many times over; the
    caller keeps them out of memory (on disk) and extraction, which walks the pages in
    order in each of its passes, holds a handful at a time.
    """

    def __init__(self, source: WordSource, keep: int = 4) -> None:
        self._source = source
        self._keep = keep
        self._cache: OrderedDict[int, _Placed] = OrderedDict()

    def placed(self, number: int) -> _Placed:
        hit = self._cache.get(number)
        if hit is None:
            hit = self._cache[number] = _place(self._source(number))
            if len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(number)
        return hit


@dataclass
class PageText:
    """One page's NFC text, its length-preserving fold, and its OCR words by offset
    (held, or fetched through ``lazy`` when the caller keeps them elsewhere)."""

    number: int
    text: str
    folded: str
    hand_digits: list[DigitReading] = field(default_factory=list)
    held: _Placed = field(default_factory=lambda: ([], []))
    lazy: LazyWords | None = None
    # words diacritic repair restored on a page without OCR words (start, end, posterior:
    # 1.0 where the repair was sure), in text order: a text file or text layer damaged by
    # an English OCR model has no other evidence of its words
    repaired: list[tuple[int, int, float]] = field(default_factory=list)
    # lines OCR read a second time on their own (a signer's name, a line of unsure keys)
    line_readings: list[LineReading] = field(default_factory=list)
    # the heading block read again at a higher resolution (``Page.heading``), as a page of
    # its own: its offsets are into its own text, its words' boxes in this page's pixels
    heading: PageText | None = None

    @classmethod
    def from_page(cls, page: Page, lazy: LazyWords | None = None) -> PageText:
        text = unicodedata.normalize("NFC", page.text or "")
        held = ([], []) if lazy is not None else _place(page.words)
        repaired = _repaired(page) if page.route != PageRoute.OCR else []
        heading = None
        if page.heading is not None and page.heading.text.strip():
            head = unicodedata.normalize("NFC", page.heading.text)
            heading = cls(page.number, head, fold(head), held=_place(page.heading.words))
        return cls(
            page.number,
            text,
            fold(text),
            list(page.hand_digits),
            held,
            lazy,
            repaired,
            list(page.line_readings),
            heading,
        )

    def _placed(self) -> _Placed:
        return self.lazy.placed(self.number) if self.lazy is not None else self.held

    @property
    def words(self) -> list[Word]:
        """The page's OCR words that stand in its text, in text order."""
        return self._placed()[1]

    def words_in(self, start: int, end: int) -> list[Word]:
        """The OCR words overlapping [start, end)."""
        starts, words = self._placed()
        if not words:
            return []
        i = max(bisect.bisect_right(starts, start) - 1, 0)
        hit: list[Word] = []
        for w_start, w in zip(starts[i:], words[i:], strict=True):
            if w_start >= end:
                break
            if w_start + len(w.text) > start:
                hit.append(w)
        return hit

    def reading_of(self, words: Sequence[Word]) -> LineReading | None:
        """The second reading OCR made of the line ``words`` stand on, if any."""
        if not words:
            return None
        for reading in self.line_readings:
            r = reading.box
            if all(
                r.x0 < w.box.x1 and w.box.x0 < r.x1 and r.y0 < w.box.y1 and w.box.y0 < r.y1
                for w in words
            ):
                return reading
        return None

    def repaired_in(self, start: int, end: int) -> list[float]:
        """The posteriors of the repaired words overlapping [start, end)."""
        i = max(bisect.bisect_right(self.repaired, (start,)) - 1, 0)
        out = []
        for a, b, p in self.repaired[i:]:
            if a >= end:
                break
            if b > start:
                out.append(p)
        return out

    def span(self, start: int, end: int) -> Span:
        """A span over [start, end) with the union box and lowest confidence of its words
        (OCR's; on repaired text, the repair's posterior of its least sure word)."""
        hit = self.words_in(start, end)
        if not hit:
            doubt = min(self.repaired_in(start, end), default=1.0)
            conf = doubt if doubt < 1.0 else None
            return Span(page=self.number, start=start, end=end, confidence=conf)
        box = Box(
            x0=min(w.box.x0 for w in hit),
            y0=min(w.box.y0 for w in hit),
            x1=max(w.box.x1 for w in hit),
            y1=max(w.box.y1 for w in hit),
        )
        conf = min(w.conf for w in hit) / 100.0
        return Span(page=self.number, start=start, end=end, box=box, confidence=conf)


def _repaired(page: Page) -> list[tuple[int, int, float]]:
    """The page's repaired words (edits, sure) and doubtful words (their posterior), merged
    by start: a doubtful word that was also changed keeps its posterior."""
    doubt = {(d.start, d.end): d.p for d in page.repair_doubts}
    spans = {(e.start, e.end): 1.0 for e in page.repairs}
    spans.update(doubt)
    return sorted((a, b, p) for (a, b), p in spans.items())
