"""Layouts the extended headers bench (bench/extract/headers.py, session 11) showed read
wrong: a name cut right after its locality word, a parent above the motto's line, title
lines whose words reach below the line (descenders, dots below), a công văn's "V/v" title
ending on a year range. Each rule with a case it must leave alone."""

import pytest

from extract import build_record
from extract.header.lines import is_word
from schemas import Box, Document, Word
from tests.header_support import centred, laid_out, scan_doc
from tests.test_extract_header_layouts import bodies


@pytest.mark.parametrize(
    ("heading", "parent", "issuer"),
    [
        # the locality word ends the line, its place is the next line: one body, even where
        # OCR reads the place in no Vietnamese syllable ("LẮK") or it opens like a body
        ("ỦY BAN NHÂN DÂN TỈNH\nĐẮK LẮK", None, "Ủy ban nhân dân tỉnh Đắk Lắk"),
        ("ỦY BAN NHÂN DÂN HUYỆN\nKRÔNG PẮC", None, "Ủy ban nhân dân huyện Krông Pắc"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ\nHỘI AN", None, "Ủy ban nhân dân thành phố Hội An"),
        (
            "ỦY BAN NHÂN DÂN TỈNH\nĐẮK LẮK\nSỞ Y TẾ",
            "Ủy ban nhân dân tỉnh Đắk Lắk",
            "Sở Y tế",
        ),
        # a body under it, its name folding like a place ("Vạn Phong"): not the place
        ("ỦY BAN NHÂN DÂN TỈNH\nVĂN PHÒNG", "Ủy ban nhân dân tỉnh", "Văn phòng"),
        ("UBND TỈNH\nSỞ Y TẾ", "UBND tỉnh", "Sở Y tế"),
    ],
)
def test_a_name_cut_after_its_locality_word_is_one_body(
    heading: str, parent: str | None, issuer: str
) -> None:
    assert bodies(heading) == (parent, issuer)


def _motto_one_line_down(first: str) -> tuple[str | None, str | None]:
    """(parent, issuer) where the motto (damaged by OCR) starts on the block's second line."""
    text = (
        f"{first}\nVĂN PHÒNG    CỌNG HOA XA HỌI CHU NGHIA VIẸT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nSố: 12/TB-VP\nTrà Vinh, ngày 05 tháng 3 năm 2024\n"
        "THÔNG BÁO\nKết quả công tác năm 2023\n"
    )
    h = build_record(scan_doc(text)).doc
    return h.parent_issuer, h.issuer


def test_a_parent_above_the_mottos_line_is_kept() -> None:
    assert _motto_one_line_down("UBND TỈNH TRÀ VINH") == ("UBND tỉnh Trà Vinh", "Văn phòng")
    assert _motto_one_line_down("ỦY BAN NHÂN DÂN\nTỈNH TRÀ VINH") == (
        "Ủy ban nhân dân tỉnh Trà Vinh",
        "Văn phòng",
    )


@pytest.mark.parametrize("first", ["DỰ THẢO", "KHẨN", "MẪU SỐ 01"])
def test_a_mark_above_the_mottos_line_is_no_parent(first: str) -> None:
    assert _motto_one_line_down(first) == (None, "Văn phòng")


HEAD = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH AN GIANG    Độc lập - Tự do - Hạnh phúc
Số: 76/CT-UBND    An Giang, ngày 08 tháng 3 năm 2012
"""
# words that reach below the line in the rows below (g, p, q, y, a dot below, a comma)
_LOW = {"vị,", "địa", "phương", "trong", "gian"}


def _title_rows(rows: list[tuple[str, int]]) -> Document:
    """HEAD, then one centred line per (text, top): words 40 px tall, those of ``_LOW``
    reaching 16 px lower."""
    return laid_out(
        HEAD, [centred(line, y0) for line, y0 in rows], lambda w, k, r: (0, 16 * (w in _LOW))
    )


def test_a_title_line_of_low_words_goes_on_with_the_title() -> None:
    first = "Về việc chuyển đổi số cho các cơ quan nhà nước năm 2025 của các cơ quan,"
    last = "đơn vị, địa phương trong thời gian tới"
    rows = [("CHỈ THỊ", 500), (first, 560), (last, 618)]
    # most of its words reach lower: their middle bottom sank 72 px under the line above,
    # past one and a half line heights; the line's baseline sank 58
    assert build_record(_title_rows(rows)).doc.title == first + " " + last


def test_a_line_of_low_words_after_a_blank_lines_gap_is_not_the_title() -> None:
    first = "Về việc chuyển đổi số cho các cơ quan nhà nước năm 2025"
    rows = [("CHỈ THỊ", 500), (first, 560), ("đơn vị, địa phương trong thời gian tới", 680)]
    assert build_record(_title_rows(rows)).doc.title == first


def test_a_vv_title_ending_on_a_year_range_is_whole() -> None:
    text = (
        "HỘI NÔNG DÂN TỈNH    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SƠN LA    Độc lập - Tự do - Hạnh phúc\n"
        "Số: 949/HND-TH    Sơn La, ngày 23 tháng 10 năm 2012\n"
        "V/v kết luận về phát triển\nkinh tế - xã hội giai đoạn\n2021-2025\n\n"
        "Kính gửi: Các cơ quan, đơn vị\n"
    )
    h = build_record(scan_doc(text)).doc
    assert (h.doc_type, h.title) == (
        "Công văn",
        "V/v kết luận về phát triển kinh tế - xã hội giai đoạn 2021-2025",
    )


@pytest.mark.parametrize(
    ("token", "word"),
    [
        ("2021-2025", True),
        ("2021–2025", True),
        ("1-2-3", True),
        ("2021", True),
        # letters among the digits, or a dash with nothing after it: not a range
        ("202l-2025", False),
        ("2021-", False),
        ("-2025", False),
        ("k4-5", False),
    ],
)
def test_a_range_of_numbers_is_a_word(token: str, word: bool) -> None:
    assert is_word(token) is word


def _dated(day_width: int) -> Document:
    """A header whose date line has word boxes: "ngày 2 tháng 5 năm 2016", the day's box
    ``day_width`` px wide (the year's digits 26 px each)."""
    head = (
        "ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "PHƯỜNG TRUNG LƯƠNG    Độc lập - Tự do - Hạnh phúc\n"
        "Số: 12/BC-UBND    "
    )
    text, words, x0 = head, [], 1300
    for w in ["Trung", "Lương,", "ngày", "2", "tháng", "5", "năm", "2016"]:
        width = day_width if w == "2" else 104 if w == "2016" else 23 if w == "5" else 24 * len(w)
        words.append(
            Word(text=w, box=Box(x0=x0, y0=400, x1=x0 + width, y1=450), conf=96, start=len(text))
        )
        text += w + " "
        x0 += width + 16
    text = text[:-1] + "\nBÁO CÁO\nTình hình công tác năm 2016\n"
    return scan_doc(text, words)


def test_a_day_too_wide_for_its_digits_is_doubtful() -> None:
    h = build_record(_dated(52)).doc  # two digits' width read as one: "28" read "2"
    assert h.date == "2016-05-02"
    assert h.detail["date"].needs_review


@pytest.mark.parametrize("width", [26, 30, 40])
def test_a_day_as_wide_as_its_digits_is_not_doubtful(width: int) -> None:
    h = build_record(_dated(width)).doc
    assert h.date == "2016-05-02"
    assert not h.detail["date"].needs_review


STAMPED_BELOW = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc

Số: 01/TTr-UBND    Quảng Ngãi, ngày 06 tháng 01 năm 2025
TỜ TRÌNH
Về việc miễn nhiệm
"""


def test_a_printed_signing_stamp_above_the_header_is_no_parent_body() -> None:
    """A printout of a signed file, scanned: the signing system's stamp stands above the
    header, its organisation's name in capitals over two lines; "BÁO VÀ TIN HỌC" (a
    "báo" opens a body's name) was the parent issuer, unflagged. The capitals of a stamp
    line's block are the stamp's."""
    for stamp in (
        "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nTRUNG TÂM CÔNG    Thời gan ký: 07/01/2025\n"
        "BẢO VÀ TIN HỌC\n01012005 101:\n+07:00\n\n",
        "TRUNG TÂM CÔNG\nBÁO VÀ TIN HỌC\nttcbth@quangngai.gov.vn\n06.11.2024 09:27:05\n+07:00\n",
    ):
        h = build_record(scan_doc(stamp + STAMPED_BELOW)).doc
        assert (h.parent_issuer, h.issuer, h.number) == (
            None,
            "Ủy ban nhân dân tỉnh Quảng Ngãi",
            "01/TTr-UBND",
        )


def test_a_header_block_before_a_stamp_block_is_kept() -> None:
    """Negative: the issuer's own block, a blank line before the stamp's (the left column
    read before the right one), stays the issuer and its parent."""
    h = build_record(
        scan_doc(
            "UBND TỈNH QUẢNG NGÃI\nSỞ NỘI VỤ\n\nKý bởi: Sở Nội vụ\nThời gian ký: 07/01/2025\n\n"
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
            "Số: 01/TTr-SNV    Quảng Ngãi, ngày 06 tháng 01 năm 2025\nTỜ TRÌNH\nVề việc A\n"
        )
    ).doc
    assert (h.parent_issuer, h.issuer, h.number) == (
        "UBND tỉnh Quảng Ngãi",
        "Sở Nội vụ",
        "01/TTr-SNV",
    )
