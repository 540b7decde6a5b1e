"""Vietnamese numbers in digits and in words.

Vietnamese writes thousands with dots and decimals with commas
(``2.224.402.000``, ``83,47``); OCR and English habits swap them. What is
ambiguous (``381,889``: a decimal, or thousands with the wrong separator?)
is reported as such so callers flag it instead of guessing silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from normalize.fold import fold

__all__ = [
    "LETTER_DIGITS",
    "MULTIPLIERS",
    "NUMBER_WORDS",
    "SPACE_GROUPED",
    "ParsedNumber",
    "dotted_groups",
    "parse_number",
    "words_to_int",
]

_GROUPED = re.compile(r"\d{1,3}(?:([.,  ])\d{3})+")
# Digits OCR reads as letters or marks: a 1 as l, I (folded i), | or ], a 0 as O.
LETTER_DIGITS = str.maketrans(
    {"l": "1", "I": "1", "i": "1", "|": "1", "]": "1", "O": "0", "o": "0"}
)
# A number whose thousands are set off by spaces (also no-break and thin spaces), as typists
# and OCR write them ("315 000 000"); callers add what may come before and after it.
SPACE_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"


def dotted_groups(text: str, pattern: re.Pattern[str]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with the spaces inside each match of ``pattern`` (a SPACE_GROUPED number in
    its caller's context) written as dots, so the dotted-number rules read it; same length,
    so spans stay valid. Also the matches' spans."""
    spans = [(m.start(), m.end()) for m in pattern.finditer(text)]
    return pattern.sub(lambda m: re.sub(r"\s", ".", m.group()), text), spans


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from digits; ``ambiguous`` when the separators allow two readings."""

    value: int | float
    ambiguous: bool = False


def parse_number(text: str, prefer_int: bool = False) -> ParsedNumber | None:
    """Read ``2.224.402.000``, ``35,5``, ``1.234,5``; None if it is not a number.

    A single separator followed by exactly three digits (``1.070``, ``381,889``)
    is read as thousands: always for a dot (Vietnamese use); for a comma only
    when ``prefer_int`` (counts of people, money) and then flagged ambiguous.
    """
    s = text.strip().replace(" ", "").replace("\u00a0", "")
    if not s or len(s) > 40 or not re.fullmatch(r"\d[\d.,]*", s) or not s[-1].isdigit():
        return None
    if s.isdigit():
        return ParsedNumber(int(s))
    m = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?", s)
    if m:  # Vietnamese: dots group thousands, comma decimal
        whole = int(m.group(1).replace(".", ""))
        return ParsedNumber(whole + float("0." + m.group(2)) if m.group(2) else whole)
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?", s)
    if m:  # English grouping, or a Vietnamese decimal with three decimals
        whole = int(m.group(1).replace(",", ""))
        if m.group(2):
            return ParsedNumber(whole + float("0." + m.group(2)), ambiguous=True)
        if m.group(1).count(",") == 1 and not prefer_int:
            return ParsedNumber(float(s.replace(",", ".")), ambiguous=True)
        return ParsedNumber(whole, ambiguous=m.group(1).count(",") == 1)
    m = re.fullmatch(r"(\d+)([.,])(\d+)", s)
    if m:
        value = float(f"{m.group(1)}.{m.group(3)}")
        return ParsedNumber(value, ambiguous=m.group(2) == ".")
    return None


NUMBER_WORDS: dict[str, int] = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "nham": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
MULTIPLIERS: dict[str, int] = {
    "nghin": 1_000,
    "ngan": 1_000,
    "trieu": 1_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
_FILLERS = {"linh", "le", "chan", "dong", "va"}
WORD_TOKENS = set(NUMBER_WORDS) | set(MULTIPLIERS) | {"muoi", "tram", "linh", "le"}


def words_to_int(text: str) -> int | None:
    """Read a number written in Vietnamese words ("bốn tỷ hai trăm tám mươi bảy triệu").

    None when a word is not a number word or nothing numeric was said.
    """
    tokens = fold(text).replace(",", " ").split()
    total = 0
    hundreds = tens = pending = 0
    seen = False
    last_mult = 0
    group_said = False  # "nghìn" alone means one thousand; "không trăm nghìn" means zero
    for tok in tokens:
        group_said = group_said or tok in NUMBER_WORDS or tok in ("muoi", "tram")
        if tok in NUMBER_WORDS:
            pending = NUMBER_WORDS[tok]
            seen = True
        elif tok == "muoi":
            if pending == 0 and tens == 0 and tok == "muoi":
                tens = 1  # "mười" and "mươi" fold alike; a leading one means ten
            else:
                tens, pending = pending, 0
            seen = True
        elif tok == "tram":
            hundreds, pending = pending, 0
            seen = True
        elif tok in MULTIPLIERS:
            mult = MULTIPLIERS[tok]
            small = hundreds * 100 + tens * 10 + pending
            if last_mult and mult > last_mult:
                total = (total + small) * mult
            else:
                total += (small if group_said else 1) * mult
            last_mult = mult
            hundreds = tens = pending = 0
            group_said = False
            seen = True
        elif tok not in _FILLERS:
            return None
    if not seen:
        return None
    return total + hundreds * 100 + tens * 10 + pending
