"""The digits of the number and the day: OCR's when sure, else the handwriting readings.

Number and day are often written by hand into printed blanks. Tesseract misreads them
with a middling confidence; the OCR stage re-reads each blank with a digit classifier
(``pages[].hand_digits``). A value is given only when one of the two is sure of it.
"""

from __future__ import annotations

import logging
import re

from extract.dates import iso
from extract.header.fields import HeaderField, HeaderResult
from extract.text import PageText
from normalize.keys import canonical_key
from schemas import Box

log = logging.getLogger(__name__)

# Tesseract word confidence under which digits (often handwritten here) are not trusted
MIN_DIGIT_CONFIDENCE = 0.7
# Probability under which a handwriting reading is not used: the value stays unknown, flagged
HAND_MIN_P = 0.6
# Tesseract reads printed digits at 90+; handwriting it misreads often still scores 70-85
SURE_PRINT = 90.0


def doubtful_digits(page: PageText, start: int, end: int) -> bool:
    """Digits OCR read as a word of their own with low confidence (a word that also holds
    the printed symbol, ``08/QĐ-HKH``, says nothing about the digits alone)."""
    digits = [w for w in page.words_in(start, end) if re.fullmatch(r"\W*\d+\W*", w.text)]
    return any(w.conf / 100 < MIN_DIGIT_CONFIDENCE for w in digits)


def hand_digits(page: PageText, out: HeaderResult, signed_on: str | None) -> None:
    """Fill the number's and the day's digits from the handwriting readings of the OCR stage,
    only where Tesseract's own digits were not sure and the reading is. A day must make a
    real date, not after the signing day; a less likely reading that does is taken when it
    is itself above the bar. The value is flagged 'handwritten' with the reading's probability.
    """
    readings = {r.field: r for r in page.hand_digits}
    _hand_number(page, out.number, readings.get("number"))
    _hand_day(page, out.date, readings.get("day"), signed_on)


def _hand_number(page: PageText, number: HeaderField | None, hand) -> None:
    if number and hand and not _same_line(page, number, hand.box):
        hand = None
    if number and number.symbol and hand and hand.confidence >= HAND_MIN_P:
        key = canonical_key(f"{hand.text}/{number.symbol}")
        if key and (number.value is None or _ocr_unsure(page, number, key)):
            number.value, number.flags, number.confidence = key, ["handwritten"], hand.confidence


def _hand_day(page: PageText, date: HeaderField | None, hand, signed_on: str | None) -> None:
    if not (date and hand and date.precision == "month" and isinstance(date.value, str)):
        return
    if not _same_line(page, date, hand.box):
        return
    year, month = (int(v) for v in date.value.split("-")[:2])
    for alt in hand.alternatives:
        if alt.p < HAND_MIN_P:
            break
        value = iso(year, month, int(alt.text)) if alt.text.isdigit() else None
        if value and (signed_on is None or value <= signed_on):
            date.value, date.precision = value, "day"
            date.flags, date.confidence = ["handwritten"], alt.p
            return


def _same_line(page: PageText, value: HeaderField, box: Box) -> bool:
    """The reading was taken on the line the field was read from (when both have boxes):
    a blank found lower on the page ("ngày 16 tháng 4" in the body) is another date."""
    words = page.words_in(value.start, value.end)
    if not words:
        return True
    y0, y1 = min(w.box.y0 for w in words), max(w.box.y1 for w in words)
    return box.y0 < y1 and y0 < box.y1


def _ocr_unsure(page: PageText, number: HeaderField, hand_key: str) -> bool:
    """The OCR's digits of the number differ from the handwriting reading and were not read
    as surely as print is: the blank held handwriting, which the classifier reads better."""
    if hand_key == number.value:
        return False
    digits = [w for w in page.words_in(number.start, number.end) if re.match(r"\W*\d", w.text)]
    return bool(digits) and min(w.conf for w in digits) < SURE_PRINT
