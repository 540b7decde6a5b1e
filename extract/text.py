"""Page text as the extractors see it: NFC text, its fold, and spans with OCR boxes."""

from __future__ import annotations

import bisect
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from normalize.fold import fold
from schemas import Box, DigitReading, HeadingReading, LineReading, Page, PageRoute, Span, Word

PageSource = Callable[[int], Page | None]  # a page with its OCR detail, by page number
_Placed = tuple[list[int], list[Word]]  # word starts in the text, the words in that order


def _place(words: Sequence[Word]) -> _Placed:
    placed = sorted(((w.start, w) for w in words if w.start is not None), key=lambda sw: sw[0])
    return [s for s, _ in placed], [w for _, w in placed]


@dataclass
class OcrDetail:
    """What OCR read on a page beside its text: its words by offset and its second
    readings (the header's digits, lines read alone, the heading block)."""

    number: int = 0
    placed: _Placed = field(default_factory=lambda: ([], []))
    hand_digits: list[DigitReading] = field(default_factory=list)
    # lines OCR read a second time on their own (a signer's name, a line of unsure keys)
    line_readings: list[LineReading] = field(default_factory=list)
    reading: HeadingReading | None = None

    @classmethod
    def of(cls, page: Page) -> OcrDetail:
        readings = list(page.line_readings)
        return cls(page.number, _place(page.words), list(page.hand_digits), readings, page.heading)

    @cached_property
    def heading(self) -> PageText | None:
        """The heading block read again at a higher resolution (``Page.heading``), as a page
        of its own: its offsets are into its own text, its words' boxes in this page's
        pixels. Built when asked: every content page has the reading, the header reads the
        first page's."""
        if self.reading is None or not self.reading.text.strip():
            return None
        head = unicodedata.normalize("NFC", self.reading.text)
        return PageText(self.number, head, fold(head), OcrDetail(placed=_place(self.reading.words)))


class LazyPages:
    """Pages' OCR detail fetched when extraction needs it, only the last few kept.

    A long scan's words (boxes, confidences) and second readings outweigh its text many
    times over; the caller keeps them out of memory (on disk) and extraction, which walks
    the pages in order in each of its passes, holds a handful at a time.
    """

    def __init__(self, source: PageSource, keep: int = 4) -> None:
        self._source = source
        self._keep = keep
        self._cache: OrderedDict[int, OcrDetail] = OrderedDict()

    def detail(self, number: int) -> OcrDetail:
        hit = self._cache.get(number)
        if hit is None:
            page = self._source(number)
            hit = self._cache[number] = OcrDetail.of(page) if page is not None else OcrDetail()
            if len(self._cache) > self._keep:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(number)
        return hit


@dataclass
class PageText:
    """One page's NFC text, its length-preserving fold, and what OCR read on it (held, or
    fetched through ``lazy`` when the caller keeps it elsewhere)."""

    number: int
    text: str
    folded: str
    held: OcrDetail = field(default_factory=OcrDetail)
    lazy: LazyPages | None = None
    # words diacritic repair restored on a page without OCR words (start, end, posterior:
    # 1.0 where the repair was sure), in text order: a text file or text layer damaged by
    # an English OCR model has no other evidence of its words
    repaired: list[tuple[int, int, float]] = field(default_factory=list)

    @classmethod
    def from_page(cls, page: Page, lazy: LazyPages | None = None) -> PageText:
        text = unicodedata.normalize("NFC", page.text or "")
        held = OcrDetail() if lazy is not None else OcrDetail.of(page)
        repaired = _repaired(page) if page.route != PageRoute.OCR else []
        return cls(page.number, text, fold(text), held, lazy, repaired)

    def _ocr(self) -> OcrDetail:
        return self.lazy.detail(self.number) if self.lazy is not None else self.held

    @property
    def words(self) -> list[Word]:
        """The page's OCR words that stand in its text, in text order."""
        return self._ocr().placed[1]

    @property
    def hand_digits(self) -> list[DigitReading]:
        return self._ocr().hand_digits

    @property
    def line_readings(self) -> list[LineReading]:
        return self._ocr().line_readings

    @property
    def heading(self) -> PageText | None:
        return self._ocr().heading

    def words_in(self, start: int, end: int) -> list[Word]:
        """The OCR words overlapping [start, end)."""
        starts, words = self._ocr().placed
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
