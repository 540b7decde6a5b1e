"""Vietnamese laws and codes by name: the catalogue and the one place law names are keyed.

A law is cited by its name and the day it was passed ("Luật Tổ chức chính quyền địa
phương ngày 19/6/2015"), rarely by its number. OCR breaks such names (marks lost,
"điêu" for "điều", a word dropped, a line break inside), and one amending law's long
name contains shorter law names. Matching the printed name against a catalogue of real
laws (``data/laws.json``, each number and date checked against a public source) turns
every variant into one canonical key, ``"Luật Đất đai 2024"``, and gives the number
(``31/2024/QH15``) so that search finds the citation by either.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz, process

from normalize.fold import fold

__all__ = [
    "Law",
    "LawMatch",
    "catalogue",
    "closest_name",
    "law_key",
    "law_key_for_number",
    "law_keys",
    "match_law",
    "name_fold",
    "near_year",
]

log = logging.getLogger(__name__)

# Below this similarity (0-100, on the folded name) a printed name is not that law.
MIN_SCORE = 88.0
# Names this short must match exactly: one slip turns "Giá" into another word.
MIN_FUZZY_LEN = 10
# Abbreviations written inside law names in old documents ("Luật Tổ chức HĐND và UBND").
_HEAD = re.compile(r"^\s*(?:[Bb][ộo]\s+)?[Ll]u[ậa]t\s+")
_ABBREVIATIONS = {"hdnd": "hoi dong nhan dan", "ubnd": "uy ban nhan dan"}


@dataclass(frozen=True)
class Law:
    """One catalogue entry: a law or code as passed by the Quốc hội."""

    head: str
    name: str
    year: int
    number: str | None
    date: str | None
    amends: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return law_key(self.head, self.name, self.year)


@dataclass(frozen=True)
class LawMatch:
    """A printed law name resolved to a catalogue entry.

    ``fuzzy`` is true when the printed name differs from the catalogue's beyond marks and
    case (OCR damage, a dropped word) or its year fits no entry of that name: the
    citation is then worth a look by a person.
    """

    law: Law
    score: float
    fuzzy: bool
    year_fits: bool

    @property
    def key(self) -> str:
        return self.law.key

    @property
    def number(self) -> str | None:
        return self.law.number

    @property
    def date(self) -> str | None:
        return self.law.date


def law_key(head: str, name: str, year: int | str) -> str:
    """The canonical key of a law: head, name and year, without "năm" (the gold form)."""
    return f"{head} {name} {year}"


def name_fold(text: str) -> str:
    """A law name reduced for comparison: folded, punctuation and line breaks gone, a
    trailing "năm YYYY" dropped, known abbreviations spelled out."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    if len(words) >= 2 and words[-2] == "nam" and re.fullmatch(r"\d{4}", words[-1]):
        words = words[:-2]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


@lru_cache(maxsize=1)
def catalogue() -> tuple[Law, ...]:
    """Every law of ``normalize/data/laws.json``, read once."""
    raw = resources.files("normalize").joinpath("data/laws.json").read_text(encoding="utf-8")
    laws = tuple(
        Law(e["head"], e["name"], e["year"], e["number"], e["date"], tuple(e["amends"]))
        for e in json.loads(raw)
    )
    log.debug("law catalogue: %d entries", len(laws))
    return laws


@lru_cache(maxsize=1)
def _by_name() -> dict[str, tuple[Law, ...]]:
    out: dict[str, list[Law]] = {}
    for law in catalogue():
        out.setdefault(name_fold(law.name), []).append(law)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _by_joined() -> dict[str, str]:
    """Catalogue names without spaces -> the name (None where two names would collide)."""
    out: dict[str, str] = {}
    for name in _by_name():
        out[name.replace(" ", "")] = "" if name.replace(" ", "") in out else name
    return {k: v for k, v in out.items() if v}


@lru_cache(maxsize=1)
def _by_number() -> dict[str, Law]:
    return {law.number: law for law in catalogue() if law.number}


def closest_name(text: str) -> tuple[str, float] | None:
    """The folded catalogue name closest to a printed name (without its head word) and
    its score, or None when none is close enough or two names are equally close."""
    query = name_fold(text)
    names = _by_name()
    if query in names:
        return query, 100.0
    joined = _by_joined().get(query.replace(" ", ""))
    if joined:  # words run together ("Tổchức"): the same name, a space lost
        return joined, 100.0
    if len(query) < MIN_FUZZY_LEN:
        return None
    found = process.extract(query, names.keys(), scorer=fuzz.ratio, limit=2, score_cutoff=MIN_SCORE)
    if not found or (len(found) == 2 and found[0][1] == found[1][1]):
        return None
    name, score, _ = found[0]
    return name, score


def match_law(name_text: str, year: int | None, head: str | None = None) -> LawMatch | None:
    """The catalogue law a printed name (with or without its head word) stands for.

    The name decides first; the year then picks among laws of that name. A year that
    fits none of them still gives a match when the name has one law only (flagged
    fuzzy); several laws of that name and no fitting year (or no year) give None.
    """
    found = [closest_name(name_text), closest_name(_HEAD.sub("", name_text, count=1))]
    best = max((f for f in found if f), key=lambda f: f[1], default=None)
    if best is None:
        return None
    name, score = best
    laws = [law for law in _by_name()[name] if head is None or law.head == head]
    if not laws:
        return None
    fitting = [law for law in laws if law.year == year]
    if fitting:
        return LawMatch(fitting[0], score, score < 100.0, True)
    # "Luật Tổ chức HĐND và UBND … ngày 21/6/1993": the 1994 law, its year misread; of the
    # laws of one name, the one whose year is near the printed one (flagged fuzzy)
    near = [law for law in laws if year is not None and near_year(law.year, year)]
    if len(near) == 1:
        return LawMatch(near[0], score, True, False)
    if len(laws) == 1 and year is not None:
        return LawMatch(laws[0], score, True, False)
    if len(laws) == 1 and year is None:
        return LawMatch(laws[0], score, score < 100.0, True)
    return None


def near_year(year: int, printed: int) -> bool:
    """Whether ``printed`` may be a law's ``year`` misread or misremembered: one OCR digit
    confusion off (2013 read 2018), or one year off (1994 read 1993 on a faded scan; a law
    passed late in a year is often named by the next, when it took effect)."""
    from normalize.codes import digit_slip  # normalize.codes imports this module's users

    return abs(year - printed) == 1 or digit_slip(str(year), str(printed), consecutive=True)


def law_key_for_number(number: str) -> str | None:
    """The name key of the law with this number ("31/2024/QH15" -> "Luật Đất đai 2024")."""
    law = _by_number().get(number.strip().upper())
    return law.key if law else None


_QUERY_HEAD = re.compile(r"^\s*(?:bo luat|luat)\s")
_QUERY_YEAR = re.compile(r"\s(?:nam\s+)?((?:19|20)\d\d)\s*$")


def law_keys(query: str) -> list[str]:
    """The keys a query for a catalogue law stands for, name key first, then its number:
    "Luật Đất đai 2024" and "31/2024/QH15" both give both, so a search finds documents
    citing the law either way. [] when the query names no catalogue law."""
    number_key = law_key_for_number(query)
    if number_key:
        return [number_key, query.strip().upper()]
    folded = fold(query)
    year = _QUERY_YEAR.search(folded)
    if not _QUERY_HEAD.match(folded) or year is None:
        return []
    match = match_law(query[: year.start()], int(year.group(1)))
    if match is None or not match.year_fits or match.fuzzy:
        return []
    return [match.key, *([match.number] if match.number else [])]
