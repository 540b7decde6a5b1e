"""Counts: a number with the noun it counts ("381.889 hội viên", "4069 Chi hội"),
percentages ("83,47%") and ratios ("244.713/293.169 gia đình").

Units come from a lexicon of what these reports count (people, bodies, classes,
awards ...), matched on the folded text so OCR-damaged words still count;
the unit is reported as written, in lowercase. Separators follow Vietnamese use
(dot thousands, comma decimals); a reading the separators leave open is flagged
``ambiguous`` rather than silently guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.numbers import parse_number

__all__ = ["UNITS", "CountHit", "find_counts"]

UNITS = frozenset(
    """
hoi vien|chi hoi|hoi|ban khuyen hoc|ban|lop|lop hoc|luot|luot nguoi|nguoi|hoc sinh|sinh vien|
hoc vien|giao vien|nha giao|can bo|dang vien|doan vien|cong chuc|vien chuc|gia dinh|
gia dinh hoc tap|dong ho|dong ho hoc tap|cong dong|cong dong hoc tap|don vi|don vi hoc tap|
cong dan hoc tap|to chuc|xa|phuong|thi tran|huyen|thanh pho|tinh|thon|ban|to dan pho|truong|
truong hoc|suat|suat hoc bong|hoc bong|cuon|quyen|cau lac bo|clb|ho|ho gia dinh|co so|
trung tam|trung tam hoc tap cong dong|tap the|ca nhan|em|chau|bang vang|giay khen|bang khen|
phan qua|mo hinh|chi bo|co quan|doanh nghiep|hoi nghi|buoi|lan|tin|bai|bai viet|
chuong trinh|van ban|thu vien|phong|diem|tiet|doan|thanh vien|uy vien|dai bieu|tre|
tre em|thay co|nha hao tam|lao dong|ho ngheo|hoc sinh gioi|sinh vien gioi|giai|huy chuong|
ky|cong dan|luot hoc sinh|hoi khuyen hoc|chi hoi khuyen hoc|ban dai dien|bao|trang
""".replace("\n", "").split("|")
)
_MAX_WORDS = max(len(u.split()) for u in UNITS)
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_COUNT = re.compile(
    rf"(?<![\w.,/])(?P<num>{_NUM})(?:[ \t]*/[ \t]*(?P<of>{_NUM}))?(?P<gap>[ \t]+)"
    rf"(?P<unit>[a-z]+(?:,?\s+[a-z]+){{0,{2 * _MAX_WORDS}}})"
)
_NOT_A_COUNT = re.compile(r"\b(?:nam|ngay|thang|khoan|dieu|thu|khoa|quy|doan|muc|diem)\s*:?\s*$")
_PERCENT = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})[ \t]*%")


@dataclass(frozen=True)
class CountHit:
    """A count in folded text: value, unit (or ``%``), optional denominator, span."""

    value: int | float
    unit: str
    start: int
    end: int
    num_end: int
    of: int | float | None = None
    ambiguous: bool = False


def _one_unit(parts: list[str]) -> int:
    for n in range(min(len(parts), _MAX_WORDS), 0, -1):
        if " ".join(parts[:n]) in UNITS and "," not in " ".join(parts[: n - 1]):
            return n
    return 0


def _unit(words: str) -> str | None:
    """The longest unit, or list of units ("xã, phường, thị trấn"), the words start with."""
    parts = [p.rstrip(",") for p in words.split()]
    commas = [p.endswith(",") for p in words.split()]
    n = _one_unit(parts)
    if not n:
        return None
    end = n
    while end < len(parts) and commas[end - 1]:  # "tin, bài": units joined by commas
        more = _one_unit(parts[end:])
        if not more:
            break
        end += more
    return " ".join(parts[:end])


def find_counts(folded: str, text: str, taken: list[tuple[int, int]]) -> list[CountHit]:
    """Counts and percentages not inside already-found spans (dates, money, keys)."""
    hits = []

    def free(s: int, e: int) -> bool:
        return not any(s < te and ts < e for ts, te in taken)

    for m in _COUNT.finditer(folded):
        unit = _unit(m.group("unit"))
        if unit is None or not free(m.start(), m.end("num")):
            continue
        if _NOT_A_COUNT.search(folded[max(0, m.start() - 12) : m.start()]):
            continue  # "năm 2023 các xã", "Điều 3 ban", "khóa 5 hội viên": labels, not counts
        num = parse_number(m.group("num"), prefer_int=True)
        if num is None:
            continue
        of = parse_number(m.group("of"), prefer_int=True) if m.group("of") else None
        u_start = m.start("unit")
        u_end = u_start + len(unit.split()[0])
        for word in unit.split()[1:]:
            u_end = folded.index(word, u_end) + len(word)
        written = re.sub(r"\s+", " ", text[u_start:u_end]).lower()
        if "," in unit or "," in written:
            written = re.sub(r"\s*,\s*", ", ", written)
        hits.append(
            CountHit(
                num.value,
                written,
                m.start(),
                u_end,
                m.end("of") if of else m.end("num"),
                of.value if of else None,
                num.ambiguous or bool(of and of.ambiguous),
            )
        )
    for m in _PERCENT.finditer(folded):
        num = parse_number(m.group("num"))
        if num is not None and free(m.start(), m.end()):
            hits.append(
                CountHit(num.value, "%", m.start(), m.end(), m.end("num"), ambiguous=num.ambiguous)
            )
    return sorted(hits, key=lambda h: h.start)
