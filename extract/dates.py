"""Dates: ``30/5/2025``, ``07.3.1944``, ``ngày 24 tháng 4 năm 2023``, ranges, month forms.

Patterns run over the folded page text (so OCR-damaged ``ngay``/``thang``/``nim``
still match) and map back to the stored text by offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.numbers import LETTER_DIGITS

__all__ = ["DateHit", "date_at", "find_dates", "iso"]

_SEP = r"[ \t]{0,2}(?:\n[ \t]*){0,2}"
# OCR splits a word where its letters are spaced ("ngà y", "thá ng", "nă m")
_NAM = r"n[aiđd] ?m"
_THANG = r"th[aeé] ?ng"
_NGAY = r"nga ?[yv]"  # "ngàv": y read as v
# a date's parts may wrap onto the next line ("ngày 15 tháng 3 năm\n2024")
_GAP = r"[ \t]*(?:\n[ \t]*){0,2}"
# a day or month with a 1 or 0 read as i, l or o (folded "I5", "l5", "1O"): one real digit
_DM = r"(?:\d{1,2}|(?<![^\W\d_])[ilo]\d|\d[ilo])"
# a year with one or two of its digits read so ("202l", "2O21"); _hit checks it reads 19xx/20xx
_Y = r"(?:(?:19|20)\d\d|(?=[\dilo]{4}(?![\w]))(?=(?:[ilo]*\d){2})[12il][\dilo]{3})"
# a digit split off the day after "ngày" ("ngày 1 4/11/2024") is the day's, not a number
# before the date: the forms below leave it to _SPLIT
_NOT_SPLIT = r"(?<!nga[yv] [\dilo] )"
_TEXTUAL = (
    # "ngày I8 tháng 9": OCR reads a 1 after "ngày" as I or l (folded i, l)
    rf"(?:{_NGAY}{_GAP}(?P<d>{_DM})?|{_NOT_SPLIT}(?<![^\s(])(?P<d2>\d{{1,2}})){_GAP}{_THANG}{_GAP}"
    rf"(?P<m>{_DM}){_GAP}{_NAM}{_GAP}(?P<y>{_Y})(?![\dilo])"
)
_NUMERIC = (
    rf"{_NOT_SPLIT}(?<![\d/.])(?P<d>{_DM}){_SEP}(?P<s>[/.\-]){_SEP}(?P<m>{_DM}){_SEP}"
    rf"(?P=s){_SEP}(?P<y>{_Y})(?![\dilo])"
)
_RANGE = (
    r"tu[ \t]+(?:ngay[ \t]*)?(?P<d1>\d{1,2})(?:[/.](?P<m1>\d{1,2}))?\s*(?:den|-|–)\s*"
    r"(?:ngay\s*)?(?P<d2>\d{1,2})[/.](?P<m2>\d{1,2})[/.](?P<y>(?:19|20)\d\d)(?!\d)"
)
_MONTH = rf"{_THANG}{_GAP}(?P<m>{_DM}){_GAP}(?:/|{_NAM}){_GAP}(?P<y>{_Y})(?![\dilo])"
# OCR splits a number too where its digits are spaced ("ngày 1 4/11/2024", "năm 20 24"):
# read so only right after "ngày", where nothing else is written, and only what the forms
# above left (a space inside one part, never a part lost)
_SPLIT_DM = r"(?:[\dilo] \d|\d{1,2})"
_SPLIT_Y = r"(?:(?:19|20)\d\d|(?:1 9|2 0)\d\d|(?:19|20) \d\d|(?:19|20)\d \d)"
_SPLIT = (
    rf"{_NGAY}{_GAP}(?P<d>{_SPLIT_DM}){_SEP}(?:(?P<s>[/.\-]){_SEP}(?P<m>{_SPLIT_DM}){_SEP}"
    rf"(?P=s)|{_GAP}{_THANG}{_GAP}(?P<m2>{_SPLIT_DM}){_GAP}{_NAM}){_SEP}(?P<y>{_SPLIT_Y})(?!\d)"
)

# A digit read as its look-alike letter inside a date after "ngày" (folded: S 5, B 8, Z 2,
# g 9, and O 0, l or I 1 beyond the one letter the forms below allow): "ngày 1S/3/2024",
# "20/0B/2011", "năm Z006". Only after "ngày", where nothing but a date is written, its
# year with two real digits; read back, and flagged (``DateHit.confused``) for S, B, Z, g.
# ("]" and "|": a 1 whose foot or serif OCR lost, "ngày ]7 tháng 5", "tháng 1] năm"; "§":
# a faded 8, "ngày 1§ tháng 01")
_LOOKS = "ilosbzg]|§"
_LOOK_DIGITS = str.maketrans(_LOOKS, "1105829118")
_LC = re.escape(_LOOKS)
_L = rf"[\d{_LC}]"
_LDM = rf"(?:\d{_L}?|[{_LC}]\d?)"
_LY = rf"(?=(?:[{_LC}]*\d){{2}})[12{_LC}]{_L}{{3}}"
_LOOKALIKE = (
    rf"{_NGAY}{_GAP}(?P<d>{_LDM})(?:{_SEP}(?P<s>[/.\-]){_SEP}(?P<m>{_LDM}){_SEP}(?P=s)"
    rf"|{_GAP}{_THANG}{_GAP}(?P<m2>{_LDM}){_GAP}{_NAM}){_SEP}(?P<y>{_LY})(?![\w])"
)

_YEAR = re.compile(r"(?:19|20)\d\d")

_PATTERNS = [
    ("range", re.compile(_RANGE)),
    # before the others, which would read a part of it ("ngày Z1/1/2000" as 1/1/2000)
    ("lookalike", re.compile(_LOOKALIKE)),
    ("textual", re.compile(_TEXTUAL)),
    ("numeric", re.compile(_NUMERIC)),
    ("month", re.compile(_MONTH)),
    ("split", re.compile(_SPLIT)),
]


@dataclass(frozen=True)
class DateHit:
    """A date found in folded text: ISO value, precision, [start, end), range end."""

    value: str
    precision: str
    start: int
    end: int
    range_end: str | None = None
    confused: bool = False  # a digit read back from its look-alike letter (S, B, Z, g)


def iso(year: int, month: int, day: int | None = None) -> str | None:
    """ISO ``YYYY-MM-DD`` (or ``YYYY-MM`` without a day) if the parts make a real date."""
    if not (1900 <= year <= 2099 and 1 <= month <= 12):
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    days = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    if not 1 <= day <= days[month - 1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _digits(part: str) -> str:
    """A date part's digits: OCR's letters for 1 and 0 read back, a split's space gone."""
    return part.translate(LETTER_DIGITS).replace(" ", "")


def _hit(kind: str, m: re.Match[str]) -> DateHit | None:
    g = m.groupdict()
    if kind == "range":
        y, m2 = int(g["y"]), int(g["m2"])
        m1 = int(g["m1"]) if g["m1"] else m2
        start, end = iso(y, m1, int(g["d1"])), iso(y, m2, int(g["d2"]))
        if not start or not end or start > end:
            return None
        return DateHit(start, "day", m.start(), m.end(), end)
    if kind == "month":
        value = iso(int(g["y"].translate(LETTER_DIGITS)), int(g["m"].translate(LETTER_DIGITS)))
        return DateHit(value, "month", m.start(), m.end()) if value else None
    if kind == "lookalike":
        raw = [str(x) for x in (g["d"], g["m"] or g["m2"], g["y"])]
        read = set("".join(raw)) & set(_LOOKS)
        if not read:  # all digits: a clean date, the forms below read it
            return None
        ld, lm, ly = (x.translate(_LOOK_DIGITS) for x in raw)
        value = iso(int(ly), int(lm), int(ld)) if _YEAR.fullmatch(ly) else None
        # a 1 or 0 read as l, I or O is read unmarked, as the forms below do; S, B, Z, g not
        confused = bool(read - set("ilo"))
        return DateHit(value, "day", m.start(), m.end(), confused=confused) if value else None
    d = g.get("d") or g.get("d2")
    day = int(_digits(d)) if d else None
    value = iso(int(_digits(g["y"])), int(_digits(g.get("m") or g["m2"])), day)
    if not value:
        return None
    return DateHit(value, "day" if day else "month", m.start(), m.end())


def find_dates(folded: str) -> list[DateHit]:
    """All dates in a folded text, longest forms first, without overlaps, in text order."""
    taken = bytearray(len(folded))  # 1 where a longer form already matched: O(n), not O(n^2)
    hits: list[DateHit] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            if any(taken[m.start() : m.end()]):
                continue
            hit = _hit(kind, m)
            if hit:
                hits.append(hit)
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
    return sorted(hits, key=lambda h: h.start)


# after a key: a few stray OCR characters, a comma, "ngày", possibly across line breaks
_AFTER_KEY = re.compile(
    r"(?P<stray>\S{0,6}?)[ \t]*[,(]?[ \t]*(?:\n[ \t]*)?"
    # "… số 123/QĐ-UBND của Chủ tịch UBND tỉnh ngày …": the issuer before the date, its
    # name up to ten words with commas and dashes ("của Sở Văn hóa, Thông tin, Thể thao
    # và Du lịch", "của Sở Lao động - Thương binh và Xã hội")
    r"(?:c\w{1,3}[ \t\n]+(?:[^\W\d_]+,?[ \t\n]+(?:-[ \t\n]+)?){1,10}?)?"
    r"(?:ban hanh[ \t]+|cung[ \t]+)?(?P<ngay>nga ?[yv])[ \t]*(?:\n[ \t]*){0,2}"
)


# a full numeric date right after a key, without "ngày" ("1418/QĐ-UBND, 14/11/2024", a
# table's number and date columns): the key's date, as surely as after "ngày"
_BARE_AFTER = re.compile(
    r"[ \t]*[,(|]?[ \t]*(?:\n[ \t]*)?(?=\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}(?!\d))"
)
# "Ngày 14/11/2024, Sở Nội vụ có Công văn số 123/SNV-TCBC": a sentence opening with the
# day a body issued the document it names next; the verb says the day is the issuing
# ("ban hành", "có", "gửi"), not a meeting's that merely mentions the document
_BEFORE_KEY = re.compile(
    r"(?:^|(?<=[.;:(\n])|(?<=[.;:] ))[ \t]*nga[yv][ \t]*(?P<date>[^,;.\n]{6,24}),[ \t\n]*"
    r"(?:(?![\d/]|\bnga[yv]\b)[^.;:\n]){0,80}?"
    r"\b(?:da[ \t]+)?(?:ban hanh|co|gui)[ \t\n]+(?:[^\W\d_]+[ \t\n]+){1,3}(?:so[ \t]*:?[ \t]*)?$"
)


def date_at(folded: str, pos: int, window: int = 40, start: int | None = None) -> DateHit | None:
    """The date of a cited document whose key ends at ``pos`` (and starts at ``start``):
    written right after it as ``, ngày 03/6/2022`` or a bare ``03/6/2022``, else opening
    the sentence that says it was issued then ("Ngày 03/6/2022, UBND tỉnh ban hành Quyết
    định số ...")."""
    m = _AFTER_KEY.match(folded, pos)
    tries = (m.end(), m.start("ngay")) if m else ()
    bare = _BARE_AFTER.match(folded, pos)
    for at in (*tries, *((bare.end(),) if bare else ())):  # "ngày I8 tháng 9" needs "ngày"
        for hit in find_dates(folded[at : at + window]):
            if hit.start == 0 and not (m and _next_clause(folded, m, at + hit.end)):
                return DateHit(hit.value, hit.precision, at, hit.end + at, confused=hit.confused)
            break
    return _date_before(folded, start) if start is not None else None


# the day that opens a sentence ("… Công văn số 12/UBND-NC. Ngày 5/3/2024, Sở Nội vụ …"):
# a comma after it, and the subject
_OPENS = re.compile(r"[ \t]*,[ \t\n]*[^\W\d_]")
# what follows a cited document's own date: its issuer ("của"), its subject ("về"), "ban
# hành", or the end of the mention
_OWN_TAIL = re.compile(r"[ \t\n]*(?:[,;.:)]|$|(?:cua|ve|do|ban hanh|quy dinh)\b)")


def _next_clause(folded: str, after: re.Match[str], end: int) -> bool:
    """Whether the date ending at ``end``, met after a key past the stray marks of
    ``after`` (an :data:`_AFTER_KEY` match), belongs to the next clause rather than to
    the key: after a full stop, a date and a comma open a sentence ("12/UBND-NC. Ngày
    5/3/2024, Sở Nội vụ …"); after a semicolon, a date not followed by what follows a
    key's date ("; ngày 5/3/2024 Ban Chỉ đạo đã họp"). OCR reads a comma as a semicolon
    ("90/QĐ-BKHĐT; ngày 24/10/2023 của Bộ"): that date stays the key's."""
    stray = after.group("stray")
    if "." in stray and _OPENS.match(folded, end):
        return True
    return ";" in stray and _OWN_TAIL.match(folded, end) is None


def _date_before(folded: str, start: int, reach: int = 160) -> DateHit | None:
    """The issuing day that opens the key's sentence (see ``_BEFORE_KEY``), or None."""
    # searched in place, not in a slice: "^" is the text's start, never a cut that falls on
    # a "ngày" inside a sentence
    m = _BEFORE_KEY.search(folded, max(0, start - reach), start)
    if m is None:
        return None
    at = m.start("date")
    hits = find_dates(folded[at : m.end("date")])
    if len(hits) != 1 or hits[0].start != 0 or hits[0].precision != "day":
        return None
    return DateHit(hits[0].value, "day", at, at + hits[0].end)
