"""Counts and entities: positive and negative examples per rule."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.counts import UNIT_NAMES, UNITS, canonical_unit, find_counts
from extract.entities import find_entities
from normalize.fold import fold


def counts(text: str) -> list[tuple]:
    return [(h.value, h.unit, h.of, h.ambiguous) for h in find_counts(fold(text), text, [])]


COUNT_POS = [
    ("có 381.889 hội viên", (381889, "hội viên", None, False)),
    ("4069 Chi hội", (4069, "chi hội", None, False)),
    ("mở 176 lớp", (176, "lớp", None, False)),
    ("1.070 lượt người", (1070, "lượt người", None, False)),
    ("244.713/293.169 gia đình", (244713, "gia đình", 293169, False)),
    ("chiếm 83,47%", (83.47, "%", None, False)),
    ("381,889 hội viên", (381889, "hội viên", None, True)),
    ("9.652 hội \n\nviên", (9652, "hội viên", None, False)),
    # thousands set off by a space: one number (it was "234 hội viên"), flagged
    ("có 1 234 hội viên", (1234, "hội viên", None, True)),
    ("có 12\u00a0000 hộ", (12000, "hộ", None, True)),
]
COUNT_NEG = [
    "năm 2023",
    "Điều 3 của Quyết định",
    "ngày 30 tháng 5",
    "Kỷ niệm 111 năm ngày sinh",
    "Điều 3 200 người",  # a label before the spaced number: still no count
]


@pytest.mark.parametrize(("text", "expected"), COUNT_POS)
def test_counts_positive(text: str, expected: tuple) -> None:
    assert counts(text) == [expected]


@pytest.mark.parametrize("text", COUNT_NEG)
def test_counts_negative(text: str) -> None:
    assert counts(text) == []


def test_counts_skip_taken_spans() -> None:
    text = "số tiền 5.000.000 đồng cho 40 suất học bổng"
    assert [h.unit for h in find_counts(fold(text), text, [(8, 22)])] == ["suất học bổng"]


def ents(text: str) -> list[tuple[str, str]]:
    return [(label, text[s:e]) for label, s, e in find_entities(text)]


ENT_POS = [
    ("Thực hiện chỉ đạo của UBND tỉnh Sơn La về", ("ORG", "UBND tỉnh Sơn La")),
    ("phối hợp với Sở Nội vụ và", ("ORG", "Sở Nội vụ")),
    ("Hội Khuyến học huyện Mai Sơn đã", ("ORG", "Hội Khuyến học huyện Mai Sơn")),
    ("Bộ Giáo dục và Đào tạo quy định", ("ORG", "Bộ Giáo dục và Đào tạo")),
    ("đồng chí Nguyễn Văn Bao, Phó Chủ tịch", ("PER", "Nguyễn Văn Bao")),
    ("bà Lê Thị Kim Yến, Chuyên viên", ("PER", "Lê Thị Kim Yến")),
    ("tại huyện Thuận Châu có", ("LOC", "huyện Thuận Châu")),
    ("đoàn đến Quảng Ngãi học tập", ("LOC", "Quảng Ngãi")),
]
ENT_NEG = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "BÁO CÁO kết quả",
    "ban chỉ đạo các cấp",  # lowercase: a common noun, not a named body
    "em Bảo Châu và học sinh",
]


@pytest.mark.parametrize(("text", "expected"), ENT_POS)
def test_entities_positive(text: str, expected: tuple[str, str]) -> None:
    assert expected in ents(text)


@pytest.mark.parametrize("text", ENT_NEG)
def test_entities_negative(text: str) -> None:
    assert [e for e in ents(text) if e[0] == "ORG"] == []


def test_record_entities_cover_every_label() -> None:
    from extract import build_record
    from schemas import Document, Page, PageRoute, Source, SourceKind

    text = (
        "UBND tỉnh Sơn La giao Sở Nội vụ; đồng chí Nguyễn Văn Bao nhận 5.000.000 đồng "
        "theo Quyết định số 677/QĐ-TTg ngày 03/6/2022, cho 40 hội viên, đạt 95%."
    )
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    d = Document(
        source=Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.TEXT), pages=[page]
    )
    ents = {(e.label, e.norm) for e in build_record(d).entities}
    assert {
        ("ORG", "UBND tỉnh Sơn La"),
        ("ORG", "Sở Nội vụ"),
        ("PER", "Nguyễn Văn Bao"),
        ("DOC", "677/QĐ-TTg"),
        ("DATE", "2022-06-03"),
        ("MONEY", "5000000"),
        ("QUANTITY", "40 hội viên"),
        ("PERCENT", "95 %"),
    } <= ents


def _counts(text: str) -> list[tuple]:
    return [(h.value, h.unit, h.measure) for h in find_counts(fold(text), text, [])]


def test_a_count_says_whether_it_is_a_total_a_change_or_a_target() -> None:
    text = (
        "tổng số 38.760 hội viên, tăng 1.125 hội viên so với năm 2023. "
        "Kết nạp 300 hội viên mới. Phấn đấu phát triển thêm 1.500 hội viên; có 22 chi hội."
    )
    assert _counts(text) == [
        (38760, "hội viên", "total"),
        (1125, "hội viên", "change"),
        (300, "hội viên", "change"),
        (1500, "hội viên", "target"),
        (22, "chi hội", "total"),
    ]


def test_a_number_naming_a_body_or_a_document_is_no_count() -> None:
    text = "Ban Chỉ đạo 138 tỉnh họp; Chỉ thị 40 xã; Kế hoạch 12 huyện; toàn tỉnh có 12 huyện."
    assert _counts(text) == [(12, "huyện", "total")]


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("chí hội", "chi hội"),  # the repair of English OCR: the lexicon's chi hội is meant
        ("Chi Hội", "chi hội"),
        ("hoi vien", "hội viên"),
        ("xã, phuong, Thị trấn", "xã, phường, thị trấn"),
        ("%", "%"),
        ("đồng chí", "đồng chí"),  # outside the lexicon: as written, lowercase
    ],
)
def test_units_are_spelled_as_the_lexicon_spells_them(written: str, canonical: str) -> None:
    assert canonical_unit(written) == canonical


@given(st.sampled_from(sorted(UNITS)), st.lists(st.booleans(), min_size=1, max_size=30))
def test_any_casing_or_marks_of_a_lexicon_unit_give_one_spelling(unit: str, upper: list) -> None:
    spelled = UNIT_NAMES[unit]
    damaged = "".join(c.upper() if upper[i % len(upper)] else c for i, c in enumerate(spelled))
    assert canonical_unit(damaged) == spelled == canonical_unit(unit)
    assert canonical_unit(canonical_unit(damaged)) == spelled
