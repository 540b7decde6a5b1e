"""Cited documents: full keys, partial and list references, laws by name.

Keys are found in the stored text (case matters: ``TTg``) and canonicalised by
:func:`normalize.keys.parse_key`; type words, ``số``, dates and issuer phrases
around them are read from the folded text, so OCR-damaged forms
(``Quyét dinh sb 387/Qb-TTg``) are found as well as clean ones.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from extract.dates import date_at, iso
from extract.laws import find_laws
from extract.numbers import LETTER_DIGITS
from extract.text import PageText
from normalize.codes import (
    KEY_REPAIRED,
    UNKNOWN_CODE,
    YEAR_MISMATCH,
    CodeContext,
    Lexicon,
    default_lexicon,
    digit_slip,
    reissued,
    repair_part,
    retyped,
)
from normalize.fold import fold
from normalize.keys import (
    ISSUER_CODES,
    ISSUER_PHRASES,
    PARTY_ISSUERS,
    TYPE_CODES,
    TYPE_WORDS,
    KeyParts,
    bare_number,
    normalize_type_code,
    parse_key,
)

__all__ = [
    "CiteHit",
    "check_keys",
    "consolidate",
    "date_over_break",
    "find_citations",
    "resolve_partials",
]

# marks no key is written with, which OCR reads from specks inside one ("BCĐ38§9QNg",
# "348-T'Tr/HU")
_SPECKS = "§‡†¤¬¦'’`"
_SPECK = re.compile(rf"(?<=[^\W_])[{_SPECKS}](?=[^\W_])")
# a part may start with a stroke read as "1" or "|" before its first capital ("QĐ-1Tg"):
# which letter it was is not known, so it is dropped and the key flagged; or with an S or
# B read as 5 or 8 ("5TC", "8CĐ"), which only a repair of the issuer accepts
_STROKE = re.compile(r"-[ \t\n]*[1|](?=[A-ZĐÐ])")
_LEAD = r"(?:[1|](?=[A-ZĐÐ])|[58](?=[A-ZĐÐ]{2}))?"
_SEG = rf"{_LEAD}[A-ZĐÐ](?:[^\W_]|&|[{_SPECKS}](?=[^\W_])){{0,19}}(?!\w)"
_SP = r"[ \t]{0,2}"
_HY = r"[ \t]{0,2}[-–—‐‑−][ \t]{0,2}(?:-[ \t]{0,2})?(?:\n[ \t]*){0,2}"
# a slash may end a line: "71/2016/" + "NĐ-CP" on the next is one key, not "2016/NĐ-CP"
_SL = r"[ \t]{0,2}/[ \t]{0,2}(?:\n[ \t]*)?"
_KEY = re.compile(
    rf"(?<![\w/.,{_SPECKS}])(?<!/\n)(?P<num>\d(?:[{_SPECKS}]?\d){{0,4}})(?:"
    rf"{_SL}(?:(?:19|20)\d\d{_SL})?{_SEG}(?:(?:{_HY}| ){_SEG}){{0,4}}"
    rf"|{_HY}(?:-{_SP})?{_SEG}{_SP}/{_SP}{_SEG})"
)
NUMBER_DISPUTED = "number_disputed"
# the key's line, read again alone by OCR (pages[].line_readings), gave another key more
# surely ("373/TTr-SNY" at 40, "573/TTr-SNV" at 69 alone): that key is kept, a person looks
KEY_REREAD = "key_reread"
# ... only when it was read this many points surer than the page reading: on the design
# scans the right second readings were 22-43 points surer ("573/TTr-SNV" 69-83 against 40),
# a wrong one 7 ("3/UB-TP" at 80 against "I3/UB-TP" at 73: the crop lost a digit)
_REREAD_MARGIN = 20.0
# a cited date read through a digit's look-alike letter ("ngày 1S/3/2024"), or whose year
# was set to the key's (``_check_year``): the reading is right most often, a person checks
UNCERTAIN_DIGITS = "uncertain_digits"
# A digit of a key's number or year that OCR read as a letter or mark ("l2/2021/QĐ-TTg",
# "0l/2011", "2O21", "]2"): read back as the digit, so the key is neither lost nor cut to
# "2/2021/QĐ-TTg", and flagged (the written form differs from the key: _respelt).
_NUMLIKE = r"[0-9lI|\]Oo]"
_DIGIT_SLIPS = re.compile(
    rf"(?<![\w/.,\]|])(?P<num>{_NUMLIKE}{{1,5}})(?=[ \t]{{0,2}}(?:/[ \t]{{0,2}}"
    rf"(?:(?P<year>{_NUMLIKE}{{4}})[ \t]{{0,2}}/[ \t]{{0,2}})?"
    rf"|[-–—][ \t]{{0,2}}[A-ZĐÐ]{{2,}}[ \t]{{0,2}}/[ \t]{{0,2}})[A-ZĐÐ])"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# a stroke glued to a key's year before its slash ("115/2021L/NĐ-CP", "12/2020l/TT-BTC"):
# a speck or the slash's foot, never a letter of the key (the year is four digits)
_YEAR_STROKE = re.compile(
    r"(?<=\d/)(?:19|20)\d\d(?P<stroke>[lLI|!\]])(?=[ \t]{0,2}/[ \t]{0,2}[A-ZĐÐ])"
)
# an 8 OCR read as "§" at the end of a key's number ("số : 8§/CP. ngày 17/8/1994", a faded
# scan's "88/CP"): read back, and flagged since it is not written so (``_respelt``); a "§"
# between digits is a speck, dropped as before ("38§9")
_EIGHT_READ = re.compile(
    r"(?<![\w/.,§])(?P<num>\d{1,4})§"
    r"(?=[ \t]{0,2}/[ \t]{0,2}(?:(?:19|20)\d\d[ \t]{0,2}/[ \t]{0,2})?[A-ZĐÐ])"
)
# a number's first digits split off by a space ("số 1 2/2021/QĐ-TTg"): after "số" or a
# type word they are the same number, not a lost digit
_SPLIT_LEAD = re.compile(r"(?<![\d/])(?P<lead>\d{1,3})[ \t]$")
_SO_BEFORE = re.compile(r"\bs[o6be][ \t]*:?[ \t]*$")
# a lone letter after a key: the end of its last part split off ("QĐ-TT g", "UBN D")
_LONE_LETTER = re.compile(r"[ \t]{1,2}(?P<c>[a-zđA-ZĐ])(?![^\W_])")
# capitals after a key, split off its last part by a space ("03-NQ/BTV TU")
_SPLIT_TAIL = re.compile(r"[ \t]{1,2}(?P<c>[A-ZĐ]{2,4})(?![^\W_])")
# a Party key's slash read as a 7 or 1 ("4614-CT7TW")
_SLASH_READ = re.compile(
    r"(?<=\d-)(?P<type>[A-ZĐ][A-Za-zĐ]{0,3})[71](?P<issuer>[A-ZĐ][A-Za-zĐ]{1,9})(?![^\W_])"
)
# what follows a key whose last part was cut off: a hyphen or slash and more of the key
_CUT = re.compile(r"[|!]{0,2}[ \t]{0,2}[-/–][ \t]{0,2}[|!]{0,2}[^\W_]|[|!]+[^\W_]")
_TYPE_WORD = "|".join(
    sorted(
        (re.escape(w).replace("chi\\ thi", "chi th[ij]") for w in TYPE_WORDS),
        key=len,
        reverse=True,
    )
)
_TYPE_ENDS = re.compile(rf"(?:{_TYPE_WORD})[ \t\n]*$")
_TYPE_BEFORE = re.compile(rf"(?:{_TYPE_WORD})[ \t\n]*(?:s[o6be]\b[ \t]*:?[ \t]*)?$")
_CODE_WORD = "|".join(
    sorted((re.escape(c) for c in TYPE_CODES if len(c) > 1), key=len, reverse=True)
)
_LIST = re.compile(
    rf"\b(?P<type>{_TYPE_WORD})[ \t\n]+(?:s[o6be]\b[ \t]*:?[ \t]*)?"
    rf"(?P<nums>\d{{1,5}}(?:[ \t]*(?:,|va)[ \t\n]*\d{{1,5}})*)(?![\d/\-.,]*\d)(?![ \t]*[/\-])"
)
_CODE_LIST = re.compile(
    rf"\b(?P<type>{_CODE_WORD})[ \t]+(?:số[ \t]*)?(?P<nums>\d{{1,5}})(?![\d/\-])"
)
_DATE_AFTER = re.compile(
    r"[ \t\n]*,?[ \t\n]*ngay[ \t]*\d{1,2}[ \t]*(?:/|thang)[ \t]*\d{1,2}[ \t]*(?:/|nam)[ \t]*\d{4}"
)
_DANGLING = re.compile(
    r"(?<![\w/.,])(?P<num>\d{1,5})[ \t]*/[ \t]*(?P<type>[A-ZĐÐ]{1,5})[ \t]*[-–](?=[ \t]*\n)"
)


def _tolerant(word: str) -> str:
    """A folded word with room for one or two OCR slips inside it ("ciia" for "cua")."""
    if len(word) <= 2:
        return re.escape(word[0]) + r"\w{0,2}"
    return re.escape(word[0]) + rf"\w{{0,{len(word)}}}" + re.escape(word[-1])


_PHRASES = sorted(ISSUER_PHRASES, key=len, reverse=True)
_ISSUER_AFTER = re.compile(
    r"[ \t\n]*(?:c\w{1,3}|do)[ \t\n]+(?:"
    + "|".join(
        f"(?P<p{i}>" + r"[ \t\n]+".join(_tolerant(w) for w in p.split()) + ")"
        for i, p in enumerate(_PHRASES)
    )
    + r")\b"
)
_LIST_GAP = re.compile(r"[ \t\n]*(?:,|va)[ \t\n]*(?:\d{1,5}[ \t]*(?:,|va)[ \t\n]*)*")
# between two keys of one enumeration: a comma, semicolon or "và"/"hoặc", perhaps the type
# word and "số" again
_ENUM_GAP = re.compile(
    rf"[ \t\n]*(?:[,;]|va|hoac)[ \t\n]*(?:(?:{_TYPE_WORD})[ \t\n]*)?(?:s[o6]\b[ \t]*:?[ \t]*)?"
)


@dataclass
class CiteHit:
    """One mention of a cited document on a page."""

    key: str
    parts: KeyParts | None
    type: str | None
    date: str | None
    partial: bool
    start: int
    end: int
    text: str
    flags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    named: str | None = None  # the type code the word before the key names ("Kết luận": KL)
    # the numbers of the keys listed with this one ("66-NQ/TW và 68-NQ/TW"): a writer lists
    # different documents, so one is never merged into another of its list (disputed only)
    listed: frozenset[str] = frozenset()


def _trim_candidates(raw: str) -> list[str]:
    out = [raw]
    while " " in raw.strip() or "\n" in raw.strip():
        raw = re.split(r"[ \n](?=[^ \n]*$)", raw.rstrip(), maxsplit=1)[0]
        out.append(raw)
    return out


def _named_code(before: str, alone: bool = False) -> str | None:
    """The type code named by the type word that ends ``before`` ("Kết luận số": KL);
    ``alone``: None after another type word ("Thông báo kết luận số 45-TB/TW": a notice)."""
    m = _TYPE_BEFORE.search(before)
    word = re.match(rf"{_TYPE_WORD}", m.group()) if m else None
    if m is None or word is None or (alone and _TYPE_ENDS.search(before, 0, m.start())):
        return None
    return TYPE_WORDS.get(word.group().replace("thj", "thi"))


def _type_name(parts: KeyParts | None, before: str) -> str | None:
    if parts and parts.type_code:
        return TYPE_CODES[parts.type_code]
    code = _named_code(before)
    if code:
        return TYPE_CODES.get(code)
    return "Công văn" if parts else None


def _respelt(written: str, key: str) -> bool:
    """The key is not what was written, beyond spaces, line breaks, dashes, letter case
    and Đ written without its bar (text with its marks lost writes every ``QĐ`` as
    ``QD``): a letter changed by the parser (``ITg`` -> ``TTg``, ``TTlT`` -> ``TTLT``)."""

    def plain(k: str) -> str:  # a small l is a stroke (I, 1), not an L in small print
        return re.sub(r"[\s\-–—‐‑−]+", "", k).translate(_NO_BAR).replace("l", "|").upper()

    return plain(written) != plain(key)


def _space_glued(written: str, key: str) -> bool:
    """Whether the parser glued two runs of capitals a space split (``QĐ-UB ND``: UBND):
    read with the space as a hyphen the key is another, so the gluing is a repair."""
    spaced = re.sub(r"(?<=[^\W\d_])[ \t]+(?=[A-ZĐ])", "-", written.strip())
    other = parse_key(spaced) if spaced != written.strip() else None
    return other is not None and other.key != key


_NO_BAR = str.maketrans({"Đ": "D", "Ð": "D", "đ": "d"})


def _digits_read(text: str) -> str:
    """The text with digits OCR read as letters or marks inside a key's number and year put
    back (same length: offsets stay valid). Only a number with a real digit in it, and a
    year that then reads 19xx or 20xx. A stroke glued to a year is blanked: the key is
    then read, and flagged since it is not written so (``_respelt``)."""
    text = _YEAR_STROKE.sub(lambda m: m.group()[:-1] + " ", text)
    text = _EIGHT_READ.sub(lambda m: m.group("num") + "8", text)

    def fix(m: re.Match[str]) -> str:
        num, out = m.group("num"), m.group()
        if re.search(r"\d", num) and not num.isdigit():
            out = num.translate(LETTER_DIGITS)
        return out

    text = _DIGIT_SLIPS.sub(fix, text)
    chars = list(text)
    for m in _DIGIT_SLIPS.finditer(text):
        year = m.group("year") or ""
        read = year.translate(LETTER_DIGITS)
        if read != year and sum(c.isdigit() for c in year) >= 2 and _YEAR.fullmatch(read):
            chars[m.start("year") : m.end("year")] = read
    return "".join(chars)


def _slash_read(text: str, lex: Lexicon) -> str:
    """The text with a Party key's slash that OCR read as a 7 or 1 put back (``4614-CT7TW``;
    same length): only between a Party type code and a Party body the lexicon knows."""

    def fix(m: re.Match[str]) -> str:
        party_type = normalize_type_code(m.group("type")) in lex.party_types
        if party_type and lex.fits(None, m.group("issuer"), True):
            return f"{m.group('type')}/{m.group('issuer')}"
        return m.group()

    return _SLASH_READ.sub(fix, text)


def _split_tail(tail: re.Match[str], parts: KeyParts, lex: Lexicon) -> KeyParts | None:
    """The key with the capitals after it (``tail``) glued back to its issuer's last part
    ("03-NQ/BTV TU": BTVTU), when that part is no code the lexicon knows and the glued one
    is; "45/KH-SNV VP" (a known code, then a word) stays as read."""
    segs = (parts.issuer_code or "").split("-")
    if not segs[-1] or lex.knows(segs[-1], "issuer" if len(segs) == 1 else "unit"):
        return None
    glued = segs[-1] + tail.group("c")
    if not lex.knows(glued, "issuer" if len(segs) == 1 else "unit"):
        return None
    issuer = "-".join([*segs[:-1], glued])
    return KeyParts(parts.number, parts.year, parts.type_code, issuer, parts.party)


def _split_lead(page: PageText, start: int) -> str | None:
    """The first digits of a key's number, split off by a space after "số" or a type word."""
    before = page.folded[max(0, start - 40) : start]
    m = _SPLIT_LEAD.search(before)
    if m is None:
        return None
    head = re.sub(r"\s+", " ", before[: m.start()])  # "Quyết  định  số\n\n38 7/QĐ-TTg"
    return m.group("lead") if _SO_BEFORE.search(head) or _TYPE_ENDS.search(head) else None


def _glued_tail(lone: re.Match[str], parts: KeyParts) -> KeyParts | None:
    """The key with the ``lone`` letter after it glued back to its last part ("QĐ-TT g":
    TTg, "UBN D": UBND), when that makes the issuer a code the lexicon knows and it was not
    one."""
    if parts.issuer_code is None or parts.issuer_code in ISSUER_CODES:
        return None
    glued = parse_key(parts.key + lone.group("c"))
    return glued if glued and glued.issuer_code in ISSUER_CODES else None


def _reread_key(page: PageText, start: int, end: int, parts: KeyParts) -> KeyParts | None:
    """The key the line's second reading gives where [start, end) stands, when it is
    another key and its words were read clearly more surely than this one's (OCR reads a
    line again only when a key on it was unsure); ``None`` when there is no such reading."""
    words = page.words_in(start, end)
    reading = page.reading_of(words)
    if reading is None:
        return None
    x0, x1 = min(w.box.x0 for w in words), max(w.box.x1 for w in words)
    again = [
        w
        for w in reading.words
        if min(w.box.x1, x1) - max(w.box.x0, x0) > 0.5 * (w.box.x1 - w.box.x0)
    ]
    if not again or min(w.conf for w in again) < min(w.conf for w in words) + _REREAD_MARGIN:
        return None
    text = _slash_read(_digits_read(" ".join(w.text for w in again)), default_lexicon())
    m = _KEY.search(text)
    found = parse_key(_STROKE.sub("-", _SPECK.sub("", m.group()))) if m else None
    if found is None or not _glyphs_settled(parts.key, found.key):
        return None
    return found


def _glyphs_settled(first: str, again: str) -> bool:
    """Whether ``again`` reads one or two of ``first``'s characters otherwise and nothing
    more: a second reading settles a confused glyph (3 or 5, Y or V); a key it makes
    longer or shorter is a crop that lost or gained a character, not a better reading."""
    if len(first) != len(again):
        return False
    return 0 < sum(a != b for a, b in zip(first, again, strict=True)) <= 2


def _full_keys(page: PageText) -> list[CiteHit]:
    hits = []
    lex = default_lexicon()
    text = _slash_read(_digits_read(page.text), lex)
    for m in _KEY.finditer(text):
        for cand in _trim_candidates(m.group()):
            unspecked = _STROKE.sub("-", _SPECK.sub("", cand))
            parts = parse_key(unspecked)
            flags = []
            if parts and unspecked != _SPECK.sub("", cand):
                flags.append(UNKNOWN_CODE)  # a part that began with a stroke: read it again
            if parts is None and (parts := retyped(cand) or reissued(unspecked)) is not None:
                flags.append(KEY_REPAIRED)
            if parts:
                start, end = m.start(), m.start() + len(cand.rstrip())
                seg = page.text[start:end]
                glued = re.search(r"[a-zà-ỹđ]{3,}$", seg)
                if glued and not parts.key.endswith(glued.group()):
                    end -= len(glued.group())
                written = _STROKE.sub("-", _SPECK.sub("", page.text[start:end]))
                if KEY_REPAIRED not in flags and (
                    _respelt(written, parts.key) or _space_glued(written, parts.key)
                ):
                    flags.append(KEY_REPAIRED)
                lead = _split_lead(page, start)
                if (
                    lead
                    and len(lead + parts.number) <= 5
                    and (joined := parse_key(lead + parts.key)) is not None
                ):
                    parts, start = joined, start - len(lead) - 1
                    flags.append(KEY_REPAIRED)
                lone = _LONE_LETTER.match(page.text, end)
                tail = _glued_tail(lone, parts) if lone else None
                split = _SPLIT_TAIL.match(page.text, end)
                rejoined = _split_tail(split, parts, lex) if split else None
                if lone and tail:
                    parts, end = tail, lone.end()
                    flags.append(KEY_REPAIRED)
                elif split and rejoined:
                    parts, end = rejoined, split.end()
                    flags.append(KEY_REPAIRED)
                elif lone or _CUT.match(page.text, end):
                    flags.append(UNKNOWN_CODE)  # "1488/TTT-1VP": a part lost to a stray mark
                if (again := _reread_key(page, start, end, parts)) is not None:
                    parts = again
                    flags = [f for f in flags if f != UNKNOWN_CODE] + [KEY_REREAD]
                date = date_at(page.folded, end, start=start)
                if date and date.confused:
                    flags.append(UNCERTAIN_DIGITS)  # "ngày 1S/3/2024": read back, checked
                before = page.folded[max(0, start - 30) : start]
                hits.append(
                    CiteHit(
                        parts.key,
                        parts,
                        _type_name(parts, before),
                        date.value if date else None,
                        False,
                        start,
                        end,
                        page.text[start:end],
                        sorted(set(flags)),
                        named=_named_code(before, alone=True),
                    )
                )
                break
    return hits


def _laws(page: PageText) -> list[CiteHit]:
    """Laws cited by name, keyed by the catalogue (:func:`extract.laws.find_laws`)."""
    return [
        CiteHit(
            m.key,
            None,
            m.head,
            m.date,
            False,
            m.start,
            m.end,
            page.text[m.start : m.end],
            m.flags,
            m.aliases,
        )
        for m in find_laws(page.text, page.folded)
    ]


# (type code, number, start, end, issuer code, list group) of a number cited without a key
ListRef = tuple[str | None, str, int, int, str | None, int]


def _list_refs(page: PageText) -> list[ListRef]:
    """The numbers cited without a full key; those of one list share its group."""
    out: list[ListRef] = []
    groups = [
        (m, TYPE_WORDS.get(m.group("type").replace("thj", "thi")))
        for m in _LIST.finditer(page.folded)
    ]
    issuers = [_issuer_after(page.folded, m.end()) for m, _ in groups]
    # "Quyết định 1373; Quyết định 387 và 677 của Thủ tướng": the issuer covers the run
    for g in reversed(range(len(groups) - 1)):
        (prev, prev_code), (nxt, nxt_code) = groups[g], groups[g + 1]
        gap = page.folded[prev.end() : nxt.start()]
        if issuers[g] is None and prev_code == nxt_code and re.fullmatch(r"[\s;,]*(?:va\s+)?", gap):
            issuers[g] = issuers[g + 1]
    for g, ((m, code), issuer) in enumerate(zip(groups, issuers, strict=True)):
        for n in re.finditer(r"\d{1,5}", m.group("nums")):
            s = m.start("nums") + n.start()
            out.append((code, n.group(), s, s + len(n.group()), issuer, g))
    for m in _DANGLING.finditer(page.text):  # "131/CĐ-" + line break: the issuer part lost
        code = m.group("type").replace("Ð", "Đ")
        if code in TYPE_CODES:
            issuer = _issuer_after(page.folded, m.end())
            out.append((code, m.group("num"), m.start("num"), m.end(), issuer, -1 - m.start()))
    for m in _CODE_LIST.finditer(page.text):
        issuer = _issuer_after(page.folded, m.end())
        out.append(
            (
                m.group("type"),
                m.group("nums"),
                m.start("nums"),
                m.end("nums"),
                issuer,
                -1 - m.start(),
            )
        )
    return out


def _issuer_after(folded: str, pos: int) -> str | None:
    """The issuer phrase right after a reference, over its date if one comes first
    ("Công điện số 131 ngày 11/12/2024 của Thủ tướng Chính phủ")."""
    d = _DATE_AFTER.match(folded, pos)
    m = _ISSUER_AFTER.match(folded, d.end() if d else pos)
    if not m:
        return None
    i = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
    return ISSUER_PHRASES[_PHRASES[i]]


def find_citations(page: PageText) -> tuple[list[CiteHit], list[ListRef]]:
    """Full keys and laws on a page, plus the bare list references still to resolve."""
    full = _full_keys(page)
    laws = [h for h in _laws(page) if not any(h.start <= f.start < h.end for f in full)]
    refs: list[ListRef | None] = [
        r for r in _list_refs(page) if not any(f.start <= r[2] < f.end for f in full)
    ]
    # "Quyết định số 242 và 244/QĐ-KHVN": the list's numbers share the following key's suffix
    for f in full:
        for i, r in enumerate(refs):
            if r is None or r[4] is not None or f.parts is None:
                continue
            between = page.folded[r[3] : f.start]
            if r[3] <= f.start and _LIST_GAP.fullmatch(between):
                p = f.parts
                parts = KeyParts(r[1], p.year, p.type_code, p.issuer_code, p.party)
                full.append(
                    CiteHit(
                        parts.key, parts, f.type, None, True, r[2], r[3], page.text[r[2] : r[3]]
                    )
                )
                refs[i] = None
    full.sort(key=lambda h: h.start)
    _mark_lists(page, full)
    return sorted(full + laws, key=lambda h: h.start), [r for r in refs if r is not None]


# a key that ends its page, "ngày" perhaps after it; the next page's head before its text:
# the page number ("2", "- 2 -") and blank lines
_PAGE_END = re.compile(r"[ \t\n,(]*(?:nga ?[yv][ \t\n]*)?$")
_PAGE_HEAD = re.compile(r"(?:[ \t]*(?:-[ \t]*)?\d{1,3}(?:[ \t]*-)?[ \t]*\n|[ \t]*\n)*")


def date_over_break(hit: CiteHit, page: PageText, following: PageText) -> str | None:
    """The date of a key that ends its page, printed at the top of the next one ("Kế
    hoạch số 172/KH-UBND ngày" + page break + "15/12/2021 của UBND tỉnh"): read across
    the break, past the next page's number. None when more text follows the key on its
    own page (its date would have been read there) or no date opens the next page."""
    if hit.date is not None or not _PAGE_END.match(page.folded, hit.end):
        return None
    lead = _PAGE_HEAD.match(following.folded)
    head = lead.end() if lead else 0
    tail = page.folded[hit.end :].rstrip()
    joined = tail + "\n" + following.folded[head : head + 80]
    date = date_at(joined, 0)
    return date.value if date else None


def _mark_lists(page: PageText, full: list[CiteHit]) -> None:
    """Give the keys of one enumeration ("các Nghị quyết số 57-NQ/TW, 66-NQ/TW và Nghị
    quyết số 68-NQ/TW") the numbers listed together (``CiteHit.listed``)."""
    runs: list[list[CiteHit]] = []
    for h in full:
        gap = page.folded[runs[-1][-1].end : h.start] if runs else ""
        if runs and runs[-1][-1].end <= h.start and _ENUM_GAP.fullmatch(gap):
            runs[-1].append(h)
        else:
            runs.append([h])
    for run in runs:
        numbers = frozenset(h.parts.number for h in run if h.parts is not None)
        if len(numbers) > 1:
            for h in run:
                h.listed = numbers
            _share_date(page, run)


# "các Quyết định số 728/QĐ-UBND, 734/QĐ-UBND và 735/QĐ-UBND ngày 14/11/2024": several
# documents ("các"), one day after the last; "… và Quyết định số 14/QĐ-UBND cùng ngày …":
# the same day said outright
_SEVERAL = re.compile(rf"\bcac[ \t\n]+(?:{_TYPE_WORD})[ \t\n]*(?:s[o6be]\b[ \t]*:?[ \t]*)?$")
_SAME_DAY = re.compile(r"[ \t\n]*,?[ \t\n]*cung[ \t\n]+nga ?[yv]\b")


def _share_date(page: PageText, run: list[CiteHit]) -> None:
    """Give the keys of one enumeration the date printed once after its last key, when
    the writer says it is theirs: the list opens with "các" (several documents of a
    type) or the date with "cùng ngày". Else ("Quyết định số 12/QĐ-UBND và Quyết định
    số 14/QĐ-UBND ngày …") the date is the last key's only; a key dated on its own keeps
    its date, and then none is shared."""
    last = run[-1]
    if last.date is None or any(h.date for h in run[:-1]):
        return
    head = page.folded[max(0, run[0].start - 40) : run[0].start]
    if _SEVERAL.search(head) or _SAME_DAY.match(page.folded, last.end):
        for h in run[:-1]:
            h.date = last.date
            h.flags = sorted({*h.flags, *(f for f in last.flags if f == UNCERTAIN_DIGITS)})


def resolve_partials(
    page: PageText, refs: list[ListRef], known: dict[tuple[str | None, str | None], KeyParts]
) -> list[CiteHit]:
    """Give bare references a key: the document's own full citation, or the issuer phrase."""
    hits = []
    # "Quyết định 242 và 244 của Hội Khuyến học Việt Nam": a list resolved by one of its
    # numbers lends that key's issuer to the others
    group_issuer: dict[int, KeyParts] = {}
    for code, number, _, _, _, group in refs:
        parts = known.get((code, bare_number(number)))
        if parts is not None:
            group_issuer.setdefault(group, parts)
    for code, number, start, end, issuer, group in refs:
        parts = known.get((code, bare_number(number)))
        sibling = group_issuer.get(group)
        if parts is None and sibling is not None and issuer is None:
            parts = KeyParts(number, None, code, sibling.issuer_code, sibling.party)
        if parts is None and issuer and code not in ("NĐ", "TT", "TTLT", "CV"):
            party = issuer in PARTY_ISSUERS
            if party or code in ("QĐ", "CT", "KH", "TB", "BC", "CĐ"):
                parts = KeyParts(number, None, code, issuer, party)
        if parts is None:
            continue
        date = date_at(page.folded, end, start=start)  # "Công điện số 131/CĐ-\nngày 11/12/2024"
        hits.append(
            CiteHit(
                parts.key,
                parts,
                TYPE_CODES.get(code) if code else None,
                date.value if date else None,
                True,
                start,
                end,
                page.text[start:end],
                [UNCERTAIN_DIGITS] if date and date.confused else [],
            )
        )
    return hits


def consolidate(hits: list[CiteHit], lexicon: Lexicon | None = None) -> dict[str, KeyParts]:
    """Map keys that are OCR variants of a better-attested key in the same document to it.

    Within one document, ``01/KH-BCĐ3S9QNGg`` beside ``01/KH-BCĐ389QNg`` (same number and
    type, issuer one or two characters off) and ``119/KH-BCĐ38`` beside ``…/KH-BCĐ389QNg``
    (issuer cut short at a line end) are read slips, not other documents. An issuer is
    completed only to a longer one the lexicon knows: ``34/NQ-HĐBT`` beside ``21/NQ-HĐBTT``
    (a T read twice) is whole, and the longer one the slip.
    """
    lex = lexicon or default_lexicon()
    counts: dict[str, int] = {}
    parts: dict[str, KeyParts] = {}
    for h in hits:
        if h.parts is not None and h.parts.issuer_code:
            counts[h.key] = counts.get(h.key, 0) + 1
            parts[h.key] = h.parts
    out: dict[str, KeyParts] = {}
    for key, p in parts.items():  # issuer cut short: complete it from a longer attested one
        fp = fold(p.issuer_code or "")
        for other, q in parts.items():
            fq = fold(q.issuer_code or "")
            same_kind = other != key and (q.type_code, q.party) == (p.type_code, p.party)
            longer = fq.startswith(fp) and len(fq) > len(fp) and _known_issuer(q, lex)
            if same_kind and len(fp) >= 4 and longer:
                out[key] = KeyParts(p.number, p.year, p.type_code, q.issuer_code, p.party)
    fixed = {k: out.get(k, p) for k, p in parts.items()}
    users: dict[str, int] = {}
    for p in fixed.values():
        users[p.issuer_code or ""] = users.get(p.issuer_code or "", 0) + 1

    def support(key: str) -> tuple[int, int]:
        return counts[key], users[fixed[key].issuer_code or ""]

    for key, p in fixed.items():  # same number and type, issuer a slip off a better-attested one
        fp = fold(p.issuer_code or "")
        for other, q in fixed.items():
            if other == key or (q.number, q.year, q.type_code, q.party) != (
                p.number,
                p.year,
                p.type_code,
                p.party,
            ):
                continue
            if (
                len(fp) >= 4
                and fuzz.ratio(fp, fold(q.issuer_code or "")) >= 80
                and (support(other) > support(key))
            ):
                out[key] = q
    out.update(_stroke_lost(hits, fixed))
    return {k: v for k, v in out.items() if v.key != k}


def _known_issuer(parts: KeyParts, lex: Lexicon) -> bool:
    """Whether every part of a key's issuer is in the lexicon (``BCĐ389QNg``: a numbered
    Ban Chỉ đạo; ``HĐBTT``: not)."""
    segs = (parts.issuer_code or "").split("-")
    return lex.knows(segs[0], "issuer") and all(lex.knows(s, "unit") for s in segs[1:])


def _stroke_lost(hits: list[CiteHit], fixed: dict[str, KeyParts]) -> dict[str, KeyParts]:
    """Keys whose part began with a stroke, dropped as an unknown letter (``677/QĐ-1Tg``
    read ``677/QĐ-Tg``), mapped to the key the document writes whole with the same number,
    year and type and that one letter more in front (``677/QĐ-TTg``)."""
    stroked = {h.key for h in hits if h.parts is not None and UNKNOWN_CODE in h.flags}
    out: dict[str, KeyParts] = {}
    for key in stroked & fixed.keys():
        p, fp = fixed[key], fold(fixed[key].issuer_code or "")
        whole = [
            q
            for other, q in fixed.items()
            if other not in stroked
            and (q.number, q.year, q.type_code, q.party) == (p.number, p.year, p.type_code, p.party)
            and len(fold(q.issuer_code or "")) == len(fp) + 1
            and fold(q.issuer_code or "").endswith(fp)
        ]
        if len(whole) == 1 and fp:
            out[key] = whole[0]
    return out


def check_keys(
    hits: list[CiteHit], text: str, lexicon: Lexicon | None = None, issued: str | None = None
) -> None:
    """Check a document's keys against the lexicon and the dates printed with them.

    A part OCR damaged (``SIP`` for ``STP``) is repaired when a known confusion and
    the document agree, else kept and flagged ``unknown_code``; a key year unlike
    its printed date is flagged ``year_mismatch`` (and one of the two set to the other
    when one OCR confusion explains them; ``issued``: the citing document's date); a
    number one slip off a better attested key of the same type, issuer and year takes
    that key. Every change is flagged ``key_repaired`` on the hit (``text`` keeps what
    was read), so that a reviewer sees it: a silent wrong key corrupts the archive.
    """
    lex = lexicon or default_lexicon()
    attested = frozenset(
        fold(seg)
        for h in hits
        if h.parts and _clean(h, lex)
        for seg in (h.parts.issuer_code or "").split("-")
    )
    for h in hits:
        _retype_untyped(h, lex)
        if h.parts is not None:
            ctx = CodeContext(h.parts.type_code, h.parts.party, attested, text)
            _check_parts(h, ctx, lex)
            _check_year(h, int(issued[:4]) if issued else None)
    _retype_by_name(hits)
    _prefer_attested_numbers(hits, lex)


def _retype_by_name(hits: list[CiteHit]) -> None:
    """``Kết luận 49- KH/TW`` beside ``Kết luận số 49-KL/TW``: a key whose type code is
    not the one its type word names, while the document writes the key of the named type
    (same number, year, issuer) elsewhere, is that key with its type code misread. Without
    such a key nothing changes: "Thông báo kết luận số 45-TB/TW" is a notice."""
    attested = {h.key for h in hits if h.parts is not None and h.named in (None, h.parts.type_code)}
    for h in hits:
        p = h.parts
        if p is None or h.named is None or p.type_code in (None, h.named):
            continue
        named = KeyParts(p.number, p.year, h.named, p.issuer_code, p.party)
        if named.key in attested:
            _set_parts(h, named, KEY_REPAIRED)


def _retype_untyped(h: CiteHit, lex: Lexicon) -> None:
    """``Tờ trình số 589/TTT-CP``: a key read without a type code whose first part is one
    character off the code its type word names (TTr), before an issuer that issues that
    type, is that type's key with its code misread (flagged). A letter's key (công văn,
    ``45/SNV-VP``) has no type code to miss, and a first part farther off stays as read."""
    p, named = h.parts, h.named
    segs = (p.issuer_code or "").split("-") if p is not None else []
    if p is None or p.type_code is not None or p.party or named in (None, "CV") or len(segs) < 2:
        return
    assert named is not None
    first, issuer = fold(segs[0]), segs[1]
    near = len(first) >= 2 and Levenshtein.distance(first, fold(named)) == 1
    if near and lex.knows(issuer) and lex.fits(named, issuer, False):
        _set_parts(h, KeyParts(p.number, p.year, named, "-".join(segs[1:]), False), KEY_REPAIRED)


def _clean(h: CiteHit, lex: Lexicon) -> bool:
    """Read cleanly: printed exactly as its key, every part in the lexicon."""
    p = h.parts
    if p is None or h.partial or re.sub(r"\s+", "", h.text) != h.key or not p.issuer_code:
        return False
    segs = p.issuer_code.split("-")
    return lex.knows(segs[0], "issuer") and all(lex.knows(s, "unit") for s in segs[1:])


def _set_parts(h: CiteHit, parts: KeyParts, *flags: str) -> None:
    h.parts, h.key = parts, parts.key
    h.flags += [f for f in flags if f not in h.flags]


def _check_parts(h: CiteHit, ctx: CodeContext, lex: Lexicon) -> None:
    """Issuer (and, for an untyped key, a damaged type: ``NQO-CP``) against the lexicon."""
    p = h.parts
    segs = (p.issuer_code or "").split("-") if p and p.issuer_code else []
    if p is None or not segs:
        return
    type_code, flags = p.type_code, []
    if type_code is None and len(segs) >= 2 and not lex.knows(segs[0]):
        code, flag = repair_part(segs[0], "type", ctx, lex)
        if flag == KEY_REPAIRED:
            type_code, segs = code, segs[1:]
            ctx = CodeContext(type_code, ctx.party, ctx.attested, ctx.text)
            flags.append(flag)
    out = []
    for i, seg in enumerate(segs):
        code, flag = repair_part(seg, "issuer" if i == 0 else "unit", ctx, lex)
        out.append(code)
        flags += [flag] if flag else []
    parts = KeyParts(p.number, p.year, type_code, "-".join(out), p.party)
    _set_parts(h, parts, *flags)


def _check_year(h: CiteHit, issued: int | None) -> None:
    """A state key's year is its signing year: compare it with the date printed after it.

    Two years one OCR digit confusion apart (2021 and 2027): one of them was misread. A
    year after ``issued`` (the citing document's year) cannot be cited, so a key's later
    than that takes the printed year; else the key, the reference the archive links by,
    keeps its year and the date takes it (``2021/QĐ-TTg ngày 15/3/2027``). Both are
    flagged ``year_mismatch``, so that a person checks. Years no one confusion explains
    are kept as read and flagged. (No clock: a record is the same whenever it is read.)
    """
    p = h.parts
    if p is None or p.year is None or not h.date or not h.date[:4].isdigit():
        return
    printed = h.date[:4]
    if int(printed) == p.year:
        return
    if not digit_slip(printed, str(p.year), consecutive=True):
        _set_parts(h, p, YEAR_MISMATCH)
    elif issued is not None and p.year > issued >= int(printed):
        year = int(printed)
        _set_parts(
            h,
            KeyParts(p.number, year, p.type_code, p.issuer_code, p.party),
            YEAR_MISMATCH,
            KEY_REPAIRED,
        )
    else:
        month, day = (int(x) for x in (h.date[5:7], h.date[8:10] or "0"))
        fixed = iso(p.year, month, day or None)
        if fixed is not None:
            h.date = fixed
        _set_parts(h, p, YEAR_MISMATCH)


def _prefer_attested_numbers(hits: list[CiteHit], lex: Lexicon) -> None:
    """``2/2021/QĐ-TTg`` once beside ``12/2021/QĐ-TTg`` twice: the number lost a digit.

    Among keys of the same type, issuer and year, a number met once that is one
    lost leading digit or one confused digit off a better attested number takes
    it, when their dates agree (equal, or the better one is met at least twice).
    """
    # (year, type code, issuer code, party) -> number -> its hits
    groups: dict[tuple[int | None, str | None, str, bool], dict[str, list[CiteHit]]] = {}
    for h in hits:
        p = h.parts
        if p is not None and p.issuer_code:
            kind = (p.year, p.type_code, p.issuer_code, p.party)
            groups.setdefault(kind, {}).setdefault(p.number, []).append(h)
    for kind, numbers in groups.items():
        moves: dict[str, str] = {}
        for worse, found in numbers.items():
            better = [
                n for n, other in numbers.items() if _better_reading(n, other, worse, found, lex)
            ]
            if len(better) == 1:
                moves[worse] = better[0]
        for worse, target in moves.items():
            for h in numbers[worse]:
                _set_parts(h, KeyParts(target, *kind), KEY_REPAIRED)
        _flag_disputed(numbers, moves)


def _flag_disputed(numbers: dict[str, list[CiteHit]], moves: dict[str, str]) -> None:
    """Two numbers of one kind a digit slip apart that no attestation settles (``387`` and
    ``87`` once each): one of them is a misreading, which one is not known, so both are
    flagged ``number_disputed`` (never merged). Printed dates that differ say they are
    two documents."""
    for a, b in itertools.permutations(numbers, 2):
        if a in moves or b in moves or not digit_slip(a, b):
            continue
        dates_a = {h.date for h in numbers[a] if h.date}
        dates_b = {h.date for h in numbers[b] if h.date}
        if dates_a and dates_b and not dates_a & dates_b:
            continue
        for h in numbers[a] + numbers[b]:
            if NUMBER_DISPUTED not in h.flags:
                h.flags.append(NUMBER_DISPUTED)


def _listed_together(hits: list[CiteHit], number: str) -> bool:
    """Whether one of ``hits`` was listed with a key numbered ``number``."""
    return any(number in h.listed for h in hits)


def _better_reading(
    number: str, hits: list[CiteHit], worse: str, found: list[CiteHit], lex: Lexicon
) -> bool:
    """Whether ``number`` (met in ``hits``) is the true reading of ``worse`` (met once)."""
    if len(found) != 1 or not digit_slip(number, worse) or _listed_together(hits, worse):
        return False
    support = (len(hits), sum(_clean(h, lex) for h in hits))
    if support <= (1, sum(_clean(h, lex) for h in found)):
        return False
    dates = {h.date for h in hits if h.date}
    date = found[0].date
    if date and dates:
        return date in dates
    return len(hits) >= 2
