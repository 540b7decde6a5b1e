"""Page lines as the header reader sees them, and the patterns its parts share.

OCR text of a scanned page interleaves the two header columns on one line, so the
right-column phrases (motto, place-date) are recognised and cut out rather than relied
upon to stand on their own lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.text import PageText
from normalize.fold import fold
from schemas import Word

# the national motto, or the Party's ("ĐẢNG CỘNG SẢN VIỆT NAM") on Party documents
QUOC_HIEU = re.compile(
    r"c\w{0,2}ng h\w{1,3} x\w h\w{1,3} ch\w{1,2} ngh\w{1,3} vi\w{1,2}t nam"
    r"|d\w{1,2}ng c\w{0,2}ng s\w{1,2}n vi\w{1,2}t nam"
)
TIEU_NGU = re.compile(
    r"\S{1,4}\s+\S{1,4}\s*[-–—]\s*t\w{0,2}\s*d\w\s*[-–—]\s*h\w{1,3}nh\s+ph\w{1,3}c"
)
DATE_LINE = re.compile(
    r",?\s*ng\w{1,3}\s*(?P<d>[^\s]{0,4}?)\s*th[aeé]ng\s*(?P<m>\S{1,2})?\s*n[aiđd]m\s*(?P<y>\d{4})"
    r"|,\s*ng\w{1,3}\s*(?P<d2>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<y2>\d{4})"
)
# Vietnamese letters by case ("À-Ỹ" as a range would take lowercase letters too)
_VN = [chr(c) for c in range(0xC0, 0x1EFA) if chr(c).isalpha() and fold(chr(c)).isascii()]
UP = "[A-Z" + "".join(c for c in _VN if c.isupper()) + "]"
LO = "[a-z" + "".join(c for c in _VN if c.islower()) + "]"
# the place before the date: up to four capitalised words, never across a column's gap
# ("Số 120-TTIr/HU    Tam Bình, ngày ...": a number left unread is not the place's)
PLACE = re.compile(rf"((?:{UP}\w*[ \t]{{1,2}}){{0,3}}{UP}\w*)[ \t]*,?[ \t]*$")
# a plausible Vietnamese syllable (folded); an uppercase word that is not one is an
# abbreviation (UBND, KHVN, TĐKT) and keeps its capitals
SYLLABLE = re.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?$"
)
GAP = re.compile(r"[ \t]{3,}")
_KEY_TOKEN = re.compile(r"\d{1,5}(?:/\d{4})?[/-][A-ZĐ][\wĐđ]*(?:[-/][\wĐđ]+)*")


@dataclass(frozen=True)
class Line:
    """One line of a page's text: as written, folded, where it starts, and its OCR words."""

    text: str
    folded: str
    offset: int
    page: int
    words: tuple[Word, ...] = field(default=(), compare=False, repr=False)


# a mark or two opening a line before a column's gap (":    Về việc ...", "'    Số: ..."):
# a speck of the scan that OCR read, never a column of its own (the Party's star stays)
_LEAD_SPECK = re.compile(r"^[ \t]*(?:[^\w\s(\[“\"*]|_){1,2}(?=[ \t]{3,}\S)")


def page_lines(page: PageText) -> list[Line]:
    """The page's text lines with their offsets and words; a speck opening a line before a
    wide gap is blanked (same length: offsets stay), so the text after the gap is the
    line's first column and not the right one."""
    out, pos = [], 0
    for text in page.text.split("\n"):
        words = tuple(page.words_in(pos, pos + len(text))) if text else ()
        folded = page.folded[pos : pos + len(text)]
        if speck := _LEAD_SPECK.match(text):
            text, folded = (" " * speck.end() + t[speck.end() :] for t in (text, folded))
        out.append(Line(text, folded, pos, page.number, words))
        pos += len(text) + 1
    return out


def cut_right(line: str, fl: str) -> tuple[str, str]:
    """Remove the right-column phrases (motto, place-date) from an interleaved line."""
    for rx in (QUOC_HIEU, TIEU_NGU):
        m = rx.search(fl)
        if m:
            line, fl = line[: m.start()], fl[: m.start()]
    return line, fl


def org_key(folded: str) -> str:
    """Folded text with the OCR ``q`` for ``ộ`` undone: Vietnamese ``q`` is always ``qu``."""
    return re.sub(r"o?q(?!u)", "o", folded)


def is_upper(s: str) -> bool:
    """Mostly capitals (at least three letters): a heading, not running text."""
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) >= 0.7


def is_word(token: str) -> bool:
    """A number, a Vietnamese syllable, an abbreviation (UBND, HĐND) or a document key
    (``12/NQ-HĐND``) or a range of numbers (``2021-2025``, a title's period with the
    spaces OCR dropped): not OCR junk."""
    if token.isdigit() or _KEY_TOKEN.fullmatch(token) or re.fullmatch(r"\d+(?:[-–]\d+)+", token):
        return True
    if len(token) < 2:
        return False
    return bool(SYLLABLE.match(fold(token))) or (
        len(token) <= 6 and bool(re.fullmatch(r"[A-ZĐ]+", token))
    )


def wordlike(line: str) -> bool:
    """Whether most tokens of a line are Vietnamese syllables (or numbers), not OCR junk."""
    tokens = [re.sub(r"^\W+|\W+$", "", t) for t in line.split()]
    tokens = [t for t in tokens if t]
    good = sum(1 for t in tokens if is_word(t))
    return bool(tokens) and good / len(tokens) >= 0.8


def segments(line: str) -> list[tuple[int, str]]:
    """Column pieces of a line split at wide gaps, with their offsets."""
    out, pos = [], 0
    for m in GAP.finditer(line):
        out.append((pos, line[pos : m.start()]))
        pos = m.end()
    out.append((pos, line[pos:]))
    return [(p, t) for p, t in out if t.strip()]
