"""Lines read a second time on their own: printed names, and unsure document keys.

Tesseract reads a page's bold signer name with the page's line height and often under the
seal's red ink; it slips tone marks there ("Hiền" as "Hiên" at 95, "Tuấn" as "Tuẫn" at 39).
The same line cropped tight, its red ink faded and read in single-line mode comes back
right (on the 14 design scans: the three signer names the page reading got wrong, none
made worse). Which lines: a run of two to five capitalised words of at most seven letters,
nothing else, as a person's name is printed; on the design scans' 53 pages that picks 18
lines, every one a name.

A document key read unsurely in running text ("573/TTr-SNV" in italics read "373/TTr-SNY"
at 40) is also often read right when its line is read alone (69): a word shaped like a key
(digits, a slash or stroke, letters) under :data:`UNSURE_KEY` gets its column's line read
again. The extractor decides what to take from a second reading.
"""

from __future__ import annotations

import logging
import re
from itertools import pairwise

import numpy as np

from ocr import engine
from ocr.cleanup import suppress_colour
from schemas import Box, LineReading, Word

log = logging.getLogger(__name__)

LINES_STAGE = "lines-1"  # bump when the choice of lines or how they are read changes

_UPPER = "A-ZÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬĐÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"
# a capitalised Vietnamese syllable, a full stop or comma after it allowed
_NAME_WORD = re.compile(rf"^[{_UPPER}][^\W\d_{_UPPER}]{{1,6}}[.,]?$")
_MIN_WORDS, _MAX_WORDS = 2, 5
# a word shaped like a document key: digits, then a slash or stroke, then letters
_KEY_SHAPE = re.compile(r"\d.*[/-].*[^\W\d_]")
# a key read under this confidence has its line read again: Tesseract reads clean print at
# 90 and more; the design scans' misread keys sit at 9-77
UNSURE_KEY = 90.0
_COLUMN_GAP = 2.0  # a gap wider than this many word heights splits a line into columns
_MARGIN = 0.5  # crop margin above and below, in line heights (marks stand above the line)
_SIDE = 1.0  # crop margin left and right, in line heights
_TIMEOUT = 30.0


def _runs(words: list[Word]) -> list[list[Word]]:
    """A line's words split at column gaps ("- Lưu: VT" on the left, the name on the right)."""
    runs: list[list[Word]] = [[words[0]]]
    for a, b in pairwise(words):
        if b.box.x0 - a.box.x1 > _COLUMN_GAP * (a.box.y1 - a.box.y0):
            runs.append([b])
        else:
            runs[-1].append(b)
    return runs


def _lettered(run: list[Word]) -> list[Word]:
    """The run without stray marks at its ends (a seal's ring read as '_' or '“')."""
    marks = [not any(c.isalnum() for c in w.text) for w in run]
    start = next((i for i, m in enumerate(marks) if not m), len(run))
    end = len(run) - next((i for i, m in enumerate(reversed(marks)) if not m), len(run))
    return run[start:end]


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words on one printed row, by where they stand: Tesseract's (block, line) numbers
    start again in each paragraph, so the left column's "- UBND huyện …" and the signer's
    name can share them. Tallest first, a word joins the row whose tallest word shares half
    the height of the taller of the two (a dash's box is a few pixels high: it joins, it
    does not anchor; a seal's ring read as one tall word gathers nothing)."""
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.box.y1 - w.box.y0, w.box.y0), reverse=True):
        best, share = None, 0.5
        for row in rows:
            a = row[0].box  # the row's tallest word
            common = min(a.y1, w.box.y1) - max(a.y0, w.box.y0)
            ratio = common / max(a.y1 - a.y0, w.box.y1 - w.box.y0, 1)
            if ratio >= share:
                best, share = row, ratio
        if best is None:
            rows.append([w])
        else:
            best.append(w)
    rows.sort(key=lambda r: r[0].box.y0)
    return [sorted(ws, key=lambda w: w.box.x0) for ws in rows]


def name_lines(words: list[Word]) -> list[list[Word]]:
    """Runs of words that look like a printed person's name, in reading order."""
    found = []
    for row in _rows(words):
        for run in _runs(row):
            named = _lettered(run)
            if _MIN_WORDS <= len(named) <= _MAX_WORDS and all(
                _NAME_WORD.match(w.text) for w in named
            ):
                found.append(named)
    return found


def key_lines(words: list[Word]) -> list[list[Word]]:
    """Column runs holding a word shaped like a key that OCR read unsurely."""
    return [
        run
        for row in _rows(words)
        for run in _runs(row)
        if any(w.conf < UNSURE_KEY and _KEY_SHAPE.search(w.text) for w in run)
    ]


def lines_to_read(words: list[Word]) -> list[list[Word]]:
    """The runs a second reading is made of: name lines, then unsure key lines."""
    names = name_lines(words)
    taken = {id(w) for run in names for w in run}
    return names + [r for r in key_lines(words) if not any(id(w) in taken for w in r)]


def _bounds(run: list[Word], width: int, height: int) -> Box:
    h = max(w.box.y1 - w.box.y0 for w in run)
    return Box(
        x0=max(0, min(w.box.x0 for w in run) - int(_SIDE * h)),
        y0=max(0, min(w.box.y0 for w in run) - int(_MARGIN * h)),
        x1=min(width, max(w.box.x1 for w in run) + int(_SIDE * h)),
        y1=min(height, max(w.box.y1 for w in run) + int(_MARGIN * h)),
    )


def _read(rgb: np.ndarray, crop: Box, dpi: int) -> list[Word]:
    part, _ = suppress_colour(np.ascontiguousarray(rgb[crop.y0 : crop.y1, crop.x0 : crop.x1]))
    return [
        Word(
            text=t.text,
            box=Box(
                x0=crop.x0 + t.left,
                y0=crop.y0 + t.top,
                x1=crop.x0 + t.left + t.width,
                y1=crop.y0 + t.top + t.height,
            ),
            conf=t.conf,
        )
        for t in engine.words(part, 7, dpi, _TIMEOUT)
        if t.text
    ]


def read_lines(rgb: np.ndarray, runs: list[list[Word]], dpi: int) -> list[LineReading]:
    """Each run (:func:`lines_to_read` of the page's words, in the page's pixels as
    :func:`ocr.page.ocr_page` returns them) read again alone, red ink faded. The caller
    finds the runs: a cached page's re-read renders the page only when there are some."""
    if not runs:
        return []
    height, width = rgb.shape[:2]
    out = []
    for run in runs:
        crop = _bounds(run, width, height)
        out.append(LineReading(box=crop, words=_read(rgb, crop, dpi), model=LINES_STAGE))
    log.debug("%d line(s) read again", len(out))
    return out
