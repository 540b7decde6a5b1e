"""Money: ``2.224.402.000 đồng``, ``5.000.000đ``, ``2,5 tỷ đồng``, ``379 tỷ 030 triệu``, words.

Amounts are integers of đồng. When the text also gives the amount in words
("(Bằng chữ: Bốn tỷ ... đồng chẵn)") the two are compared and ``checked`` says
whether they agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.numbers import (
    LETTER_DIGITS,
    MULTIPLIERS,
    NUMBER_WORDS,
    SPACE_GROUPED,
    WORD_TOKENS,
    dotted_groups,
    parse_number,
    words_to_int,
)

__all__ = ["MoneyHit", "find_money"]

_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_MULT = r"(?:nghin|ngan|trieu|ty|ti)\b"
_CUR = r"(?:dong\b(?![ \t]+hoc?\b)|vnd\b|d\b)"
_DIGITS = re.compile(
    rf"(?<![\w.,])(?P<body>(?:{_NUM})[ \t]*(?:{_MULT}(?:\s*(?:{_NUM})\s*{_MULT})*)?)"
    rf"(?P<cur>[ \t]*{_CUR})?"
)
_PART = re.compile(rf"({_NUM})\s*({_MULT})?")
# Amounts as OCR and typists write them that the grouping above misses: thousands set off
# by spaces ("315 000 000 đồng", also no-break and thin spaces) and a group's 0 read as O
# ("315.OOO.OOO đồng"). Only before a currency word, and rewritten in place (same length,
# spans stay valid): spaces as dots, O as 0.
_SPACED = re.compile(rf"(?<![\w.,]){SPACE_GROUPED}(?=[ \t]*{_CUR})")
_O_GROUPS = re.compile(rf"(?<![\w.,])\d{{1,3}}(?:[.,][\do]{{3}})+(?=[ \t]*{_CUR})")
_CONTEXT = re.compile(
    r"(?:tien|kinh phi|ngan sach|quy|von|tri gia|ho tro|du toan|tong thu|tong chi|"
    r"thu nhap|chi phi|gia tri|dau tu|ung ho|dong gop|tai tro)\b[^.;]{0,50}$"
)
_WORD = "|".join(sorted(WORD_TOKENS, key=len, reverse=True))
# bounded repetitions keep every pattern linear on hostile text ("hai hai hai ...")
_WORDS = re.compile(rf"\b(?P<w>(?:(?:{_WORD})[\s,]+){{1,24}})dong(?:[ \t]+chan)?\b")
_WORDS_AFTER = re.compile(
    rf"\s*\((?:\s*bang chu\s*:?)?\s*(?P<w>(?:(?:{_WORD})[\s,]+){{1,24}}(?:dong(?:\s+chan)?)?)"
)


@dataclass(frozen=True)
class MoneyHit:
    """An amount in folded text: value in đồng, [start, end), words span if given."""

    vnd: int
    start: int
    end: int
    words: tuple[int, int] | None = None
    words_value: int | None = None
    digits: bool = True


def _value(body: str) -> int | None:
    total = 0.0
    for num, mult in _PART.findall(body):
        parsed = parse_number(num, prefer_int=not mult)
        if parsed is None:
            return None
        total += parsed.value * (MULTIPLIERS[mult.strip()] if mult else 1)
    return round(total) if total > 0 else None


def _words_after(folded: str, pos: int) -> tuple[int, int, int] | None:
    m = _WORDS_AFTER.match(folded, pos)
    if not m:
        return None
    value = words_to_int(m.group("w"))
    if value is None:
        return None
    return m.start("w"), m.end("w"), value


def _is_dong(original: str) -> bool:
    """``đồng``/``đ``/``dong`` but not ``dòng`` (a line, a clan), which folds alike."""
    return not re.search(r"[òóọỏõÒÓỌỎÕ]", original)


def _regrouped(folded: str) -> str:
    """The folded text with space-grouped and O-damaged amounts written as dotted digits."""
    folded = dotted_groups(folded, _SPACED)[0]
    return _O_GROUPS.sub(lambda m: m.group().translate(LETTER_DIGITS), folded)


def find_money(folded: str, text: str | None = None) -> list[MoneyHit]:
    """Every amount of money in a folded page text, in text order.

    ``text`` is the unfolded page text, used to tell ``đồng`` from ``dòng``.
    """
    hits: list[MoneyHit] = []
    taken: list[tuple[int, int]] = []
    folded = _regrouped(folded)
    for m in _DIGITS.finditer(folded):
        body = m.group("body")
        has_mult = re.search(_MULT, body) is not None
        cur = m.group("cur")
        if cur and text is not None and not _is_dong(text[m.start("cur") : m.end("cur")]):
            continue
        context = (
            _CONTEXT.search(folded[max(0, m.start() - 60) : m.start()])
            or (
                hits
                and m.start() - hits[-1].end < 100  # "từ 50 triệu đến ... 700 triệu"
                and not re.search(r"[.;]", folded[hits[-1].end : m.start()])
            )
        )
        if not cur and not (has_mult and context):
            continue
        value = _value(body)
        if value is None or (cur and cur.strip() == "d" and value < 100):
            continue
        words = _words_after(folded, m.end())
        hit = MoneyHit(
            value,
            m.start(),
            m.end(),
            words=(words[0], words[1]) if words else None,
            words_value=words[2] if words else None,
        )
        hits.append(hit)
        taken.append((m.start(), words[1] if words else m.end()))
    for m in _WORDS.finditer(folded):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        value = words_to_int(m.group("w"))
        said = set(m.group("w").replace(",", " ").split())
        if value and value >= 1000 and said & (set(NUMBER_WORDS) | {"muoi"}):
            span = (m.start("w"), m.end("w"))
            hits.append(MoneyHit(value, m.start(), m.end(), span, value, digits=False))
    return sorted(hits, key=lambda h: h.start)
