"""Laws cited by name: the mention, its own year, and the catalogue law it stands for.

"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một
số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày
22/11/2019" cites two laws; the second name holds two more law names and is broken
over lines by the layout. Each "Luật" head is read as the longest stretch after it that
matches a catalogue name (:mod:`normalize.laws`), so the amending law is not cut to a
shorter law's name, and the year is the one printed right after *that* name. A name the
catalogue does not know is still cited as printed, flagged for review.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from extract.dates import find_dates, iso
from normalize.laws import Law, catalogue, closest_name, law_key, match_law, near_year

__all__ = ["LawMention", "find_laws"]

log = logging.getLogger(__name__)

# "Luậ t": OCR splits the head word where its letters are spaced; "LuậtĐất đai",
# "Bộluật": it runs words together (a capital right after the head starts the name)
_HEAD = re.compile(r"\b(?P<head>bo ?luat|luat|lua t)(?:\b(?=[ \t\n]+\S)|(?=[^\W\d_]))")
# An amending law's name opens in lower case: "Luậtsửa đổi, bổ sung …" run together is a
# head and its name all the same
_AMENDING = re.compile(r"sua doi\b")
# Words that fold like the stop words "đã", "được" but begin a law's name ("Luật Dược",
# "Luật Đa dạng sinh học"): capitalised, they are the name's.
_NAME_WORD = re.compile(r"\b(?:da|duoc)\b")
# An acronym in brackets inside a name ("… ở người (HIV/AIDS)") is the name's, not its end.
_ACRONYM = re.compile(r"\(([a-z/]{2,12})\)")
# Where a law name surely ends: punctuation, a number, the date or number of the mention.
_NAME_STOP = re.compile(
    r"[;.()\[\]:\"“”]|(?<!\d)\d+(?!\d)(?![ \t\n]+luat\b)|\b(?:ngay|da|duoc|hien hanh)\b"
    r"|\bnam\b(?=[ \t\n]*\d)"
)  # "… của 37 luật có liên quan đến quy hoạch": a count of laws is part of the name
_WORD = re.compile(r"[^\W_]+")
_MAX_NAME = 260
# OCR junk between the head and the name ("Luật 1: ồ chức …" for "Luật Tổ chức …"): a few
# digits or marks, tried only when the name does not start right after the head.
_JUNK = re.compile(r"[\d:;.,'\"|!]{1,3}[ \t]*(?=\w)")
# the law's date, its year ("năm 2015"), or the bare year right after the name ("Bộ luật
# Dân sự 2015", as the catalogue's keys write it; not after a comma, and a number with a
# slash is no year); the line may break anywhere inside the date ("ngày 8" / "tháng 7 năm
# 2024", "năm" / "2004"), as the page's width decides
_DATE = (
    r"(?:ngay[ \t\n]*(?P<d>\d{1,2})[ \t\n]*(?:[/.\-]|thang)[ \t\n]*(?P<m>\d{1,2})[ \t\n]*"
    r"(?:[/.\-]|nam)[ \t\n]*(?P<y1>\d{4})|nam[ \t\n]+(?P<y2>\d{4})"
    r"|(?<!,)(?<!, )(?P<y3>(?:19|20)\d\d)(?![\d/]))"
)
# "Luật Tổ chức HĐND và UBND (sửa đổi) ngày 21/6/1994": the 1990s wrote a law passed anew
# under an old name with "(sửa đổi)" after it; the mark is no part of the name or the date
_REVISED = r"(?:[ \t\n]*\([ \t\n]*sua doi(?:,?[ \t\n]*bo sung)?[ \t\n]*\))?"
# The year of the mention: right after the name, over "đã được Quốc hội ... thông qua"
# or "của Chủ tịch nước công bố", never over another document or number.
_WHEN = re.compile(
    _REVISED
    + r"[ \t\n]*,?[ \t\n]*(?:(?:(?!luat|nghi dinh|quyet dinh|thong tu|nghi quyet)[^\d;.()]){0,90}?"
    r"\b(?:thong qua|cong bo|ban hanh)[ \t\n]+)?" + _DATE
)
# A name not in the catalogue, as printed up to its date (the rule before the catalogue).
_PRINTED = re.compile(
    r"(?P<name>(?:(?!\b(?:ngay|nam|da|duoc|hien hanh)\b)[^;.()\d:\"“”]){1,200}?)"
    + _REVISED
    + r"[ \t\n]*,?[ \t\n]*"
    + _DATE
)


@dataclass
class LawMention:
    """One law cited by name on a page: canonical key, offsets, date and review flags."""

    key: str
    head: str
    date: str | None
    start: int
    end: int
    flags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


def find_laws(text: str, folded: str) -> list[LawMention]:
    """Laws cited by name in a page's text (and its length-preserving fold), in order."""
    out: list[LawMention] = []
    folded = _NAME_WORD.sub(
        lambda w: "x" * len(w.group()) if text[w.start()].isupper() else w.group(), folded
    )
    folded = _ACRONYM.sub(
        lambda a: f" {a.group(1)} " if text[a.start(1) : a.end(1)].isupper() else a.group(), folded
    )
    for m in _HEAD.finditer(folded):
        if (out and m.start() < out[-1].end) or folded[
            max(0, m.start() - 5) : m.start()
        ] == "phap ":
            continue
        run_on = m.end() < len(text) and text[m.end()].isalpha() and not text[m.end()].isupper()
        if run_on and not _AMENDING.match(folded, m.end()):
            continue  # "luật sư", "luậtgia": not a head run into a name
        head = "Bộ luật" if m.group("head").startswith("bo") else "Luật"
        hit = _catalogued(text, folded, head, m.start(), m.end()) or _printed(
            text, folded, head, m.start(), m.end()
        )
        if hit:
            out.append(hit)
    return out


def _name_end(text: str, folded: str, start: int) -> int | None:
    """The end of the longest stretch after a head that is closest to a catalogue name."""
    stop = _NAME_STOP.search(folded, start, min(len(folded), start + _MAX_NAME))
    limit = stop.start() if stop else min(len(folded), start + _MAX_NAME)
    best: tuple[float, int] | None = None
    for w in _WORD.finditer(folded, start, limit):
        found = closest_name(text[start : w.end()])
        if found and (best is None or found[1] >= best[0]):
            best = (found[1], w.end())
    return best[1] if best else None


def _date_of(when: re.Match[str]) -> tuple[int, str | None]:
    year = int(when.group("y1") or when.group("y2") or when.group("y3"))
    if when.group("y1"):
        return year, iso(year, int(when.group("m")), int(when.group("d")))
    return year, None


def _catalogued(
    text: str, folded: str, head: str, start: int, name_start: int
) -> LawMention | None:
    name_start = len(folded) - len(folded[name_start:].lstrip())
    junk = _JUNK.match(folded, name_start)
    for at in (name_start, junk.end()) if junk else (name_start,):
        end = _name_end(text, folded, at)
        when = _when(folded, end) if end else None
        if end is not None and when is not None:
            break
    if end is None or when is None:
        return None
    year, date, stop, confused = when
    match = match_law(text[at:end], year, head)
    if match is None:
        return None
    if not match.year_fits and _another_law(match.law, year):
        # "Luật sửa đổi … Luật Thi đua, khen thưởng ngày 14/6/2005" where the catalogue
        # holds only the 2013 law of that name: a law of the printed year it lacks
        name = law_key(head, match.law.name, year)
        flags = ["law_not_in_catalogue"] + (["law_fuzzy"] if match.score < 100.0 else [])
        log.debug("law %r read as %s, not in the catalogue", text[start:end], name)
        return LawMention(name, head, date, start, stop, [*flags, *confused])
    flags = (["law_fuzzy"] if match.fuzzy or at != name_start else []) + (
        [] if match.year_fits else ["law_year_mismatch"]
    )
    if not match.year_fits and date is not None:  # the law's day, its year misread
        date = iso(match.law.year, int(date[5:7]), int(date[8:10])) or date
    if flags:
        log.debug("law %r read as %s (%s)", text[start:end], match.key, ", ".join(flags))
    return LawMention(
        match.key,
        head,
        date,
        start,
        stop,
        [*flags, *confused],
        [match.number] if match.number else [],
    )


# the date after a name that the plain forms above miss: "ngày" and a date OCR damaged
# ("ngày 22 tháng 07 năm Z008", "nă m 2024", "ngảy 1S/3/2024"), read by the date reader
_NGAY_NEXT = re.compile(_REVISED + r"[ \t\n]*,?[ \t\n]*(?=nga ?[yv]\b)")


def _when(folded: str, end: int) -> tuple[int, str | None, int, list[str]] | None:
    """The year and date printed after a law's name ending at ``end``, where the mention
    ends, and ``uncertain_digits`` when a digit was read back from its look-alike letter."""
    when = _WHEN.match(folded, end)
    if when is not None:
        return (*_date_of(when), when.end(), [])
    ngay = _NGAY_NEXT.match(folded, end)
    hits = find_dates(folded[ngay.end() : ngay.end() + 40]) if ngay else []
    if not ngay or not hits or hits[0].start != 0 or hits[0].precision != "day":
        return None
    hit = hits[0]
    return int(hit.value[:4]), hit.value, ngay.end() + hit.end, ["uncertain_digits"] * hit.confused


def _another_law(law: Law, year: int) -> bool:
    """Whether a mention of ``law``'s name printed with ``year`` cites another law of that
    name: no catalogue law of the name has a year near it (:func:`near_year`: 2013 read
    2018 is the 2013 law misread; 2005 is a law of 2005)."""
    same = [other for other in catalogue() if (other.head, other.name) == (law.head, law.name)]
    return not any(near_year(other.year, year) for other in same)


def _printed(text: str, folded: str, head: str, start: int, name_start: int) -> LawMention | None:
    m = _PRINTED.match(folded, name_start)
    if not m:
        return None
    name = text[m.start("name") : m.end("name")]
    name = re.sub(r"\s+", " ", re.sub(r"[^\w\s,\-–]", " ", name)).strip(" ,")
    if not name or len(name) > 200 or not (name[0].isupper() or name.startswith("sửa đổi")):
        return None
    year, date = _date_of(m)
    return LawMention(
        law_key(head, name, year), head, date, start, m.end(), ["law_not_in_catalogue"]
    )
