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

from extract.numbers import SPACE_GROUPED, dotted_groups, parse_number
from normalize.fold import fold

__all__ = ["UNITS", "UNIT_NAMES", "CountHit", "canonical_unit", "find_counts", "measure_of"]

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
# How each unit of the lexicon is spelled: the unit a count reports, whatever the page's
# diacritics (OCR and the repair of English OCR write "chí hội" for "chi hội"). The lexicon
# entry is what the document means: its folded words matched the count's noun.
_SPELLED = """
bài|bài viết|ban|ban đại diện|ban khuyến học|bằng khen|bằng vàng|báo|buổi|cá nhân|
cán bộ|câu lạc bộ|cháu|chi bộ|chi hội|chi hội khuyến học|chương trình|CLB|cơ quan|
cơ sở|công chức|công dân|công dân học tập|cộng đồng|cộng đồng học tập|cuốn|đại biểu|
đảng viên|điểm|đoàn|đoàn viên|doanh nghiệp|đơn vị|đơn vị học tập|dòng họ|
dòng họ học tập|em|gia đình|gia đình học tập|giải|giáo viên|giấy khen|hộ|hộ gia đình|
hộ nghèo|học bổng|học sinh|học sinh giỏi|học viên|hội|hội khuyến học|hội nghị|hội viên|
huy chương|huyện|kỳ|lần|lao động|lớp|lớp học|lượt|lượt học sinh|lượt người|mô hình|
người|nhà giáo|nhà hảo tâm|phần quà|phòng|phường|quyển|sinh viên|sinh viên giỏi|suất|
suất học bổng|tập thể|thành phố|thành viên|thầy cô|thị trấn|thôn|thư viện|tiết|tin|
tỉnh|tổ chức|tổ dân phố|trang|trẻ|trẻ em|trung tâm|trung tâm học tập cộng đồng|trường|
trường học|ủy viên|văn bản|viên chức|xã
"""
UNIT_NAMES = {fold(n).lower(): n for n in _SPELLED.replace("\n", "").split("|")}
_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"
_COUNT = re.compile(
    rf"(?<![\w.,/])(?P<num>{_NUM})(?:[ \t]*/[ \t]*(?P<of>{_NUM}))?(?P<gap>[ \t]+)"
    rf"(?P<unit>[a-z]+(?:,?\s+[a-z]+){{0,{2 * _MAX_WORDS}}})"
)
_NOT_A_COUNT = re.compile(
    r"\b(?:nam|ngay|thang|khoan|dieu|thu|khoa|quy|doan|muc|diem"
    # a number naming a body or a document: "Ban Chỉ đạo 138 tỉnh", "Chỉ thị 138 ..."
    r"|chi dao|chi thi|nghi quyet|ket luan|quyet dinh|ke hoach|thong tu|nghi dinh|cong van)"
    r"\s*:?\s*$"
)
_PERCENT = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})[ \t]*%")
# thousands set off by spaces ("1 234 hội viên"): read as one number (it was "234 hội
# viên", silently), flagged ambiguous: "lớp 3 200 học sinh" may be two numbers
_SPACED = re.compile(rf"(?<![\w.,/]){SPACE_GROUPED}(?=[ \t]+[a-z])")


def canonical_unit(written: str) -> str:
    """A count's unit as the lexicon spells it ("chí hội" -> "chi hội", "Hội viên" ->
    "hội viên"); a list of units ("xã, phường") part by part; ``%`` and words outside the
    lexicon as written, in lowercase."""
    parts = [p.strip() for p in written.split(",")]
    return ", ".join(UNIT_NAMES.get(" ".join(fold(p).lower().split()), p.lower()) for p in parts)


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
    measure: str = "total"


# What a count measures, from the words around it: a stock ("tổng số 38.760 hội viên"), a
# change ("tăng 1.125 hội viên", "500 hội viên mới") or a target ("phấn đấu phát triển thêm
# 1.500 hội viên"). Only like quantities add up: totals of one unit, never a total and a
# change of it.
_TARGET = re.compile(r"\b(?:phan dau|chi tieu|muc tieu|du kien|ke hoach)\b[^.;:\n]{0,40}$")
_CHANGE = re.compile(r"\b(?:tang|giam|them|ket nap|bo sung|moi|tang them)\s*:?\s*$")
_CHANGE_AFTER = re.compile(r"^\s*(?:moi|tang them|tang)\b")


def measure_of(folded: str, start: int, end: int) -> str:
    """total, change or target: how a count at ``folded[start:end]`` is to be read."""
    before = folded[max(0, start - 60) : start]
    if _TARGET.search(before):
        return "target"
    if _CHANGE.search(before) or _CHANGE_AFTER.match(folded[end : end + 12]):
        return "change"
    return "total"


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

    folded, spaced = dotted_groups(folded, _SPACED)
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
                num.ambiguous
                or bool(of and of.ambiguous)
                or any(s <= m.start() < e for s, e in spaced),
                measure_of(folded, m.start(), u_end),
            )
        )
    for m in _PERCENT.finditer(folded):
        num = parse_number(m.group("num"))
        if num is not None and free(m.start(), m.end()):
            hits.append(
                CountHit(
                    num.value,
                    "%",
                    m.start(),
                    m.end(),
                    m.end("num"),
                    ambiguous=num.ambiguous,
                    measure=measure_of(folded, m.start(), m.end()),
                )
            )
    return sorted(hits, key=lambda h: h.start)
