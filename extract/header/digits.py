"""The digits of the number and the day: OCR's when sure, else the handwriting readings.

Number and day are often written by hand into printed blanks. Tesseract misreads them
with a middling confidence; the OCR stage re-reads each blank with a digit classifier
(``pages[].hand_digits``). A value is given only when one of the two is sure of it, or
when what else is known (the digital signature's date for the day, the archive's
numbering of the issuer's series for the number) leaves one reading, flagged ``doubtful``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from extract.dates import iso
from extract.header import numbering
from extract.header.fields import HeaderField, HeaderResult
from extract.text import PageText
from normalize.keys import canonical_key
from schemas import Box, DigitReading

log = logging.getLogger(__name__)

# Tesseract word confidence under which digits (often handwritten here) are not trusted
MIN_DIGIT_CONFIDENCE = 0.7
# Probability under which a handwriting reading is not used: the value stays unknown, flagged
HAND_MIN_P = 0.6
# Tesseract reads printed digits at 90+; handwriting it misreads often still scores 70-85
SURE_PRINT = 90.0
# a document is signed on the day it is dated or a few days later
WINDOW_DAYS = 7
# a reading less likely than this is noise, even where the signing window points at it
FALLBACK_MIN_P = 0.05
# unsigned (a printout, a scan of paper): the one prior left is that a day is a day of the
# month; a valid reading under the bar is taken (doubtful) only when at least this likely
UNSIGNED_MIN_P = 0.2


def doubtful_digits(page: PageText, start: int, end: int) -> bool:
    """Digits OCR read as a word of their own with low confidence (a word that also holds
    the printed symbol, ``08/QĐ-HKH``, says nothing about the digits alone)."""
    digits = [w for w in page.words_in(start, end) if re.fullmatch(r"\W*\d+\W*", w.text)]
    return any(w.conf / 100 < MIN_DIGIT_CONFIDENCE for w in digits)


def hand_digits(page: PageText, out: HeaderResult, signed_on: str | None) -> None:
    """Fill the number's and the day's digits from the handwriting readings of the OCR stage,
    only where Tesseract's own digits were not sure and the reading is; then flag
    ``doubtful`` what neither reading makes sure (see :func:`_number_doubt`, :func:`_date_doubt`).
    The value is flagged 'handwritten' with the reading's probability.
    """
    readings = {r.field: r for r in page.hand_digits}
    _hand_day(page, out.date, readings.get("day"), signed_on)
    _date_doubt(page, out.date, signed_on)
    _lost_digit(page, out.date)
    _hand_number(page, out, readings.get("number"))
    _number_doubt(page, out.number)
    _archive_order(out)


def _hand_number(page: PageText, out: HeaderResult, hand: DigitReading | None) -> None:
    """The number's digits from the reading of its blank: the likeliest reading when sure;
    else, when the archive's numbering of the series bounds the number, the one reading
    those bounds allow (given, flagged ``doubtful``)."""
    number = out.number
    if not (number and number.symbol and hand) or not _same_line(page, number, hand.box):
        return
    keys = {a.text: canonical_key(f"{a.text}/{number.symbol}") for a in hand.alternatives}
    top = keys.get(hand.text) or canonical_key(f"{hand.text}/{number.symbol}")
    if not top or not (number.value is None or _ocr_unsure(page, number, top)):
        return
    issuer = out.issuer.value if out.issuer and isinstance(out.issuer.value, str) else None
    date = out.date.value if out.date and isinstance(out.date.value, str) else None
    limits = numbering.bounds(numbering.series(top, issuer), date)
    pick = _pick_number(hand, limits)
    if pick is None:
        return
    text, p, sure = pick
    key = keys.get(text) or canonical_key(f"{text}/{number.symbol}")
    if key:
        number.value, number.confidence = key, p
        number.flags = ["handwritten"] if sure else ["handwritten", "doubtful"]
        log.debug("number read by hand as %s (p=%.2f, sure=%s)", key, p, sure)


def _pick_number(
    hand: DigitReading, limits: numbering.Bounds | None
) -> tuple[str, float, bool] | None:
    """(digits, probability, sure) of the number's blank, or ``None`` (left unread).

    Sure: the likeliest reading, above the bar. The archive's numbering is a soft bound (a
    number may be taken days before the document is dated, a register may be shared): it
    never overrides a sure reading (:func:`_archive_order` flags one it disputes), but
    among unsure readings it takes the one that carries most of the probability the
    bounds allow, flagged ``doubtful``, as the signing window does for the day."""
    if hand.confidence >= HAND_MIN_P:
        return hand.text, hand.confidence, True
    if limits is None:
        return None
    near: dict[str, float] = {}
    for alt in hand.alternatives:
        if _allows(limits, alt.text):
            near[alt.text] = max(alt.p, near.get(alt.text, 0.0))
    return _dominant(near)


def _allows(limits: numbering.Bounds, digits: str) -> bool:
    return digits.isdigit() and limits.allows(int(digits))


def _archive_order(out: HeaderResult) -> None:
    """A number, printed or handwritten, that the archive's numbering of its series does not
    allow for its date: one of the two documents is misread or misdated."""
    number = out.number
    if number is None or not isinstance(number.value, str):
        return
    issuer = out.issuer.value if out.issuer and isinstance(out.issuer.value, str) else None
    date = out.date.value if out.date and isinstance(out.date.value, str) else None
    limits = numbering.bounds(numbering.series(number.value, issuer), date)
    digits = number.value.split("/", 1)[0]
    if limits is not None and digits.isdigit() and not limits.allows(int(digits)):
        _flag(number, numbering.NUMBER_ORDER)


def _hand_day(
    page: PageText, date: HeaderField | None, hand: DigitReading | None, signed_on: str | None
) -> None:
    """The day (and a blank month) from the reading of the day's blank: a blank with ink
    that no reading fills surely leaves the date at month (or year) precision, flagged."""
    if not (date and hand and date.precision in ("month", "year") and isinstance(date.value, str)):
        return
    if not _same_line(page, date, hand.box):
        return
    year = int(date.value[:4])
    months = (
        [int(date.value[5:7])] if date.precision == "month" else _signing_months(year, signed_on)
    )
    pick = _pick_day(year, months, hand, signed_on)
    if pick is None:
        _flag(date, "uncertain_digits")
        return
    value, p, sure = pick
    date.value, date.precision, date.confidence = value, "day", p
    date.flags = ["handwritten"] if sure else ["handwritten", "doubtful"]
    log.debug("day read by hand as %s (p=%.2f, sure=%s)", value, p, sure)


def _pick_day(
    year: int, months: list[int], hand: DigitReading, signed_on: str | None
) -> tuple[str, float, bool] | None:
    """(date, probability, sure) from the reading's alternatives.

    Sure: the likeliest reading that makes a real date not after the signing, above the bar,
    read whole in a known month. Otherwise, when the document was signed (it is signed on the
    day it is dated or a few days later), a reading that falls in that window and carries
    most of the window's probability is taken as not sure: "29" read where the signing was
    on the 27th leaves "27"; "211" (a stray stroke read as a digit) leaves "11".
    Unsigned, the valid days alone are the prior (:func:`_valid_day`).
    """
    cands = _candidates(year, months, hand, signed_on)
    for value, p, whole in cands:
        if p >= HAND_MIN_P and whole and len(months) == 1:
            return value, p, True
    if signed_on is None:
        return _valid_day(cands, len(months), hand)
    near: dict[str, float] = {}
    for value, p, _ in cands:
        if 0 <= _days(value, signed_on) <= WINDOW_DAYS:
            near[value] = max(p, near.get(value, 0.0))
    return _dominant(near)


def _valid_day(
    cands: list[tuple[str, float, bool]], months: int, hand: DigitReading
) -> tuple[str, float, bool] | None:
    """A document with no signature to bound its day (a printout, a scan of paper): among
    the readings read whole that make a real day of the known month, the likeliest, when
    it carries at least :data:`UNSIGNED_MIN_P` and twice what the other real days carry;
    taken as not sure (``doubtful``). A degraded scan's "06" read "45" (p 0.61), "06"
    (0.21), "16" (0.08) leaves "06"; "68" (0.87), "08" (0.04) leaves nothing, nor does
    "08" (0.45) beside "18" (0.25). A three-digit reading is never taken cut to two (no
    window says which digit is the stray one) but its cuts compete: "211" (0.6) beside
    "06" (0.3) leaves nothing. Nor is a reading with another count of digits than the
    likeliest taken: it comes from another cut of the blank ("4" beside "81": a printed
    letter's tail glued to a digit or not), and which cut is right is what is in doubt."""
    if months != 1 or not hand.alternatives:
        return None
    size = len(hand.alternatives[0].text)
    same_cut = {int(a.text) for a in hand.alternatives if len(a.text) == size and a.text.isdigit()}
    near: dict[str, float] = {}
    whole: set[str] = set()
    for value, p, read_whole in cands:
        near[value] = max(p, near.get(value, 0.0))
        if read_whole and int(value[8:10]) in same_cut:
            whole.add(value)
    pick = _dominant(near)
    if pick is None or pick[0] not in whole or pick[1] < UNSIGNED_MIN_P:
        return None
    return pick


def _candidates(
    year: int, months: list[int], hand: DigitReading, signed_on: str | None
) -> list[tuple[str, float, bool]]:
    """Real dates not after the signing that the readings make: (date, p, read whole)."""
    out = []
    for alt in hand.alternatives:
        texts = [alt.text] if len(alt.text) <= 2 else [alt.text[1:], alt.text[:-1]]
        for text in texts if len(alt.text) <= 3 else []:
            for month in months:
                value = iso(year, month, int(text)) if text.isdigit() else None
                if value and (signed_on is None or value <= signed_on):
                    out.append((value, alt.p, text == alt.text))
    return out


def _signing_months(year: int, signed_on: str | None) -> list[int]:
    """Months a date with a blank month can be in: the signing's, or the one before."""
    if signed_on is None or int(signed_on[:4]) != year:
        return []
    month = int(signed_on[5:7])
    return [month, month - 1] if month > 1 else [month]


def _number_doubt(page: PageText, number: HeaderField | None) -> None:
    """An OCR-read number whose digits Tesseract read less surely than print, with no
    handwriting reading to agree, is doubtful."""
    if number is None or number.value is None or "handwritten" in number.flags:
        return
    digits = [w for w in page.words_in(number.start, number.end) if re.search(r"\d", w.text)]
    if digits and min(w.conf for w in digits) < SURE_PRINT:
        _flag(number, "doubtful")


def _date_doubt(page: PageText, date: HeaderField | None, signed_on: str | None) -> None:
    """A day after the signing cannot be; a day far before it is doubtful when read by hand
    or by OCR less surely than print (a signature weeks later on a printed date is an
    archive copy signed on scanning, not a doubt)."""
    if date is None or date.precision != "day" or signed_on is None:
        return
    gap = _days(str(date.value), signed_on)
    if gap > WINDOW_DAYS and "handwritten" not in date.flags:
        digits = [w for w in page.words_in(date.start, date.end) if re.search(r"\d", w.text)]
        far = bool(digits) and min(w.conf for w in digits) < SURE_PRINT
    else:
        far = gap > WINDOW_DAYS
    if gap < 0 or far:
        _flag(date, "doubtful")


def _lost_digit(page: PageText, date: HeaderField | None) -> None:
    """A day or month OCR read as fewer digits than its box holds is doubtful: a day filled
    in after typing, in another face or by hand ("28" read "2", its box two digits wide,
    Tesseract sure of it). The year printed on the same line gives a digit's width; a word
    of digits more than 1.7 times as wide a digit as it lost one. Only where no handwriting
    reading already took the day."""
    if date is None or date.precision is None or "handwritten" in date.flags:
        return
    words = [w for w in page.words_in(date.start, date.end) if w.text.isdigit()]
    years = [w for w in words if len(w.text) == 4]
    if len(years) != 1 or len(words) < 2:
        return
    pitch = (years[0].box.x1 - years[0].box.x0) / 4
    if any((w.box.x1 - w.box.x0) / len(w.text) > 1.7 * pitch for w in words if w is not years[0]):
        _flag(date, "doubtful")


def _days(value: str, signed_on: str) -> int:
    """Days from an ISO date to the signing day."""
    return (dt.date.fromisoformat(signed_on[:10]) - dt.date.fromisoformat(value[:10])).days


def _flag(value: HeaderField, flag: str) -> None:
    if flag not in value.flags:
        value.flags.append(flag)
        log.debug("%s flagged %s", value.value, flag)


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


def _dominant(near: dict[str, float]) -> tuple[str, float, bool] | None:
    """The reading a prior leaves standing, when it carries enough probability on its own
    and at least twice what the prior's other survivors carry; else none (stay unsure)."""
    if not near:
        return None
    best = max(near, key=near.__getitem__)
    rest = sum(p for v, p in near.items() if v != best)
    if near[best] < FALLBACK_MIN_P or near[best] < 2 * rest:
        return None
    return best, near[best], False
