"""Issuer layouts the design scans do not show (found by bench/extract/headers.py): a
body's name wrapped over lines, a body under a parent of two lines, Party committees and
known bodies spelt as named, and a title opening like a body paragraph. Each rule with a
case it must leave alone."""

import pytest

from extract import build_record
from schemas import DocHeader, Document
from tests.header_support import centred, laid_out, scan_doc

RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def headed(heading: str, symbol: str = "BC-UBND", tail: str = "") -> DocHeader:
    """The header read from a scan whose left block is ``heading``'s lines, the motto beside
    its first two, then a report's number ``12/<symbol>``, date and type word."""
    lines = heading.split("\n")
    rows = [f"{b}    {RIGHT[i]}" if i < 2 else b for i, b in enumerate(lines)]
    text = "\n".join(rows) + f"\nSố: 12/{symbol}    Sơn La, ngày 05 tháng 3 năm 2024\nBÁO CÁO\n"
    return build_record(scan_doc(text + tail)).doc


def bodies(heading: str) -> tuple[str | None, str | None]:
    """(parent, issuer) read from a header whose left block is ``heading``'s lines."""
    h = headed(heading, tail="Kết quả công tác năm 2023\n")
    return h.parent_issuer, h.issuer


@pytest.mark.parametrize(
    ("heading", "parent", "issuer"),
    [
        # a long name wrapped: the second line opens with no kind of body
        (
            "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT\nNAM TỈNH THÁI BÌNH",
            None,
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Thái Bình",
        ),
        (
            "UBND TỈNH SƠN LA\nSỞ NÔNG NGHIỆP VÀ PHÁT\nTRIỂN NÔNG THÔN",
            "UBND tỉnh Sơn La",
            "Sở Nông nghiệp và Phát triển nông thôn",
        ),
        # "TRƯỜNG" opens like a body (a school) but ends a known name
        (
            "UBND HUYỆN MAI SƠN\nPHÒNG TÀI NGUYÊN VÀ MÔI\nTRƯỜNG",
            "UBND huyện Mai Sơn",
            "Phòng Tài nguyên và Môi trường",
        ),
        # a parent over two lines above an issuer over two lines
        (
            "ỦY BAN NHÂN DÂN\nTỈNH NINH BÌNH\nSỞ NÔNG NGHIỆP VÀ PHÁT\nTRIỂN NÔNG THÔN",
            "Ủy ban nhân dân tỉnh Ninh Bình",
            "Sở Nông nghiệp và Phát triển nông thôn",
        ),
    ],
)
def test_a_name_wrapped_over_lines_is_one_body(heading: str, parent: str, issuer: str) -> None:
    assert bodies(heading) == (parent, issuer)


@pytest.mark.parametrize(
    ("heading", "parent", "issuer"),
    [
        # a short line opening with a kind of body is a body, not a wrapped place name
        ("UBND TỈNH BẠC LIÊU\nVĂN PHÒNG", "UBND tỉnh Bạc Liêu", "Văn phòng"),
        ("ĐẢNG BỘ TỈNH YÊN BÁI\nTỈNH ỦY", "Đảng bộ tỉnh Yên Bái", "Tỉnh ủy"),
        ("UBND TỈNH QUẢNG NGÃI\nBAN CHỈ ĐẠO 138", "UBND tỉnh Quảng Ngãi", "Ban Chỉ đạo 138"),
        # a wrapped place name still continues its body
        ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", None, "Ủy ban nhân dân tỉnh Quảng Ngãi"),
        ("HỘI KHUYẾN HỌC HUYỆN MAI\nSƠN", None, "Hội Khuyến học huyện Mai Sơn"),
    ],
)
def test_a_line_opening_with_a_kind_of_body_starts_one(
    heading: str, parent: str | None, issuer: str
) -> None:
    assert bodies(heading) == (parent, issuer)


def test_a_line_of_seal_ink_does_not_continue_a_body() -> None:
    parent, issuer = bodies("UBND TỈNH SƠN LA\nỨC Ĩ ÊÊ Ô")
    assert parent == "UBND tỉnh Sơn La"
    assert issuer is not None and "Sơn La" not in issuer


@pytest.mark.parametrize(
    ("heading", "issuer"),
    [
        # a locality word that is also a word of the name ("XÃ HỘI", "QUẢN LÝ", "QUÂN SỰ")
        (
            "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG TỈNH SƠN LA",
            "Ban Quản lý dự án đầu tư xây dựng tỉnh Sơn La",
        ),
        ("BỘ CHỈ HUY QUÂN SỰ TỈNH SƠN LA", "Bộ Chỉ huy quân sự tỉnh Sơn La"),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Sở Lao động - Thương binh và Xã hội"),
        # ... and a locality where a place follows it
        ("ỦY BAN NHÂN DÂN XÃ CHIỀNG MUNG", "Ủy ban nhân dân xã Chiềng Mung"),
        ("UBND QUẬN KIẾN AN", "UBND quận Kiến An"),
    ],
)
def test_a_locality_word_needs_a_place_after_it(heading: str, issuer: str) -> None:
    assert bodies(heading)[1] == issuer


@pytest.mark.parametrize(
    ("heading", "issuer"),
    [
        ("TỈNH ỦY QUẢNG NGÃI", "Tỉnh ủy Quảng Ngãi"),  # a committee and its place
        ("HUYỆN ỦY MAI SƠN", "Huyện ủy Mai Sơn"),
        ("HỘI LIÊN HIỆP PHỤ NỮ TỈNH SƠN LA", "Hội Liên hiệp Phụ nữ tỉnh Sơn La"),  # known head
        ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Phòng Giáo dục và Đào tạo"),
        ("BAN TUYÊN GIÁO TỈNH ỦY", "Ban Tuyên giáo Tỉnh ủy"),
        # left alone: a committee without a place, a name the lexicon does not hold
        ("TỈNH ỦY", "Tỉnh ủy"),
        ("TRUNG TÂM Y TẾ HUYỆN MAI SƠN", "Trung tâm y tế huyện Mai Sơn"),
    ],
)
def test_known_bodies_and_committees_are_spelt_as_named(heading: str, issuer: str) -> None:
    assert bodies(heading)[1] == issuer


HEAD = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc
Số: 28/KH-UBND    Quảng Ngãi, ngày 22 tháng 11 năm 2024
"""


def test_a_title_opening_like_a_body_centred_under_the_type_is_the_title() -> None:
    rows = [
        centred("KẾ HOẠCH", 500),  # the heading set apart: 1.9 line heights above
        centred("Thực hiện Nghị quyết số 12-NQ/TU của Tỉnh ủy", 575),
        ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", 300, 700),
    ]
    assert build_record(laid_out(HEAD, rows)).doc.title == (
        "Thực hiện Nghị quyết số 12-NQ/TU của Tỉnh ủy"
    )


def test_a_body_paragraph_from_the_margin_under_the_type_is_not_the_title() -> None:
    rows = [
        centred("KẾ HOẠCH", 500),
        ("Thực hiện Nghị quyết số 12-NQ/TU của Tỉnh ủy, Ủy ban nhân dân tỉnh", 300, 560),
    ]
    assert build_record(laid_out(HEAD, rows)).doc.title is None
    # without boxes to tell, a capitalised body opening stays no title, as before
    text = HEAD + "KẾ HOẠCH\nThực hiện Nghị quyết số 12-NQ/TU của Tỉnh ủy\n"
    assert build_record(scan_doc(text)).doc.title is None


@pytest.mark.parametrize(
    ("number_line", "place"),
    [
        # the Party's number with its type code misread: no number, and not the place's
        ("Số 120-TTIr/HU    Tam Bình, ngày 26 tháng 11 năm 2025", "Tam Bình"),
        # a place of several words on its own side of the gap stays whole
        ("Số 120-TTr/HU    Tam Bình, ngày 26 tháng 11 năm 2025", "Tam Bình"),
        ("Số 15-KH/ThU    Hồ Chí Minh, ngày 26 tháng 11 năm 2025", "Hồ Chí Minh"),
    ],
)
def test_the_place_never_spans_a_columns_gap(number_line: str, place: str) -> None:
    text = (
        "ĐẢNG BỘ HUYỆN TAM BÌNH    ĐẢNG CỘNG SẢN VIỆT NAM\nHUYỆN ỦY\n*\n"
        + number_line
        + "\nTỜ TRÌNH\nVề việc kiện toàn Ban Chỉ đạo\n"
    )
    h = build_record(scan_doc(text)).doc
    assert (h.place, h.date) == (place, "2025-11-26")


def _slanted(rows: list[tuple[str, int, int, int]]) -> Document:
    """HEAD, then one line per (text, x0, y0, rise): each word ``rise`` px higher than the
    one before it (a page scanned a little askew); a word without ascenders 10 px shorter."""

    def askew(w: str, k: int, r: int) -> tuple[int, int]:
        rise = rows[r][3] * k
        return -rise + (10 if w in ("nạn", "ra") else 0), -rise

    return laid_out(HEAD, [(line, x0, y0) for line, x0, y0, _ in rows], askew)


def test_a_lone_word_wrapped_under_a_slanted_title_line_goes_on_with_it() -> None:
    first = "Thực hiện công tác phòng, chống thiên tai và tìm kiếm cứu"
    width = sum(24 * len(w) + 20 for w in first.split()) - 20
    rows = [
        ("KẾ HOẠCH", 1200 - 100, 500, 0),
        (first, 1200 - width // 2, 575, 2),  # 22 px higher at its end than at its start
        ("nạn", 1200 - 36, 620, 0),
    ]
    assert build_record(_slanted(rows)).doc.title == first + " nạn"
    rows[2] = ("nạn", 1200 - 36, 700, 0)  # a blank line's gap above it: the body's
    assert build_record(_slanted(rows)).doc.title == first


@pytest.mark.parametrize(
    ("heading", "parent", "issuer"),
    [
        # words OCR ran together in a heading: two syllables split apart
        (
            "ỦY BAN NHÂN DÂNTỈNH\nNINH BÌNH\nVĂN PHÒNG",
            "Ủy ban nhân dân tỉnh Ninh Bình",
            "Văn phòng",
        ),
        # an acronym in capitals has no two syllables to split
        ("HĐND HUYỆN MAI SƠN\nVĂN PHÒNG", "HĐND huyện Mai Sơn", "Văn phòng"),
        # marks alone at a line's end (an underline's ink) are no part of a body
        ("ỦY BAN NHÂN DÂN TỈNH\n_—_ GIA LAI\nSỞ Y TẾ", "Ủy ban nhân dân tỉnh Gia Lai", "Sở Y tế"),
        (
            "UBND TỈNH SƠN LA -\nSỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI",
            "UBND tỉnh Sơn La",
            "Sở Lao động - Thương binh và Xã hội",
        ),
        # a place name wrapped after its locality word, its rest a kind word ("PHÒNG")
        ("ĐẢNG BỘ THÀNH PHỐ HẢI\nPHÒNG\nTHÀNH ỦY", "Đảng bộ thành phố Hải Phòng", "Thành ủy"),
        # ... but a Phòng under a district that is named whole is a body of its own
        ("UBND HUYỆN MAI SƠN\nPHÒNG NỘI VỤ", "UBND huyện Mai Sơn", "Phòng Nội vụ"),
    ],
)
def test_heading_lines_damaged_by_ocr(heading: str, parent: str, issuer: str) -> None:
    assert bodies(heading) == (parent, issuer)


@pytest.mark.parametrize(
    ("heading", "field", "doubtful"),
    [
        ("ỦY BAN NHÂN DÂNTỈNH\nNINH BÌNH\nVĂN PHÒNG", "parent_issuer", True),  # space put back
        ("ỦY BAN NHÂN DÂN TỈNH\n_—_ GIA LAI\nSỞ Y TẾ", "parent_issuer", True),  # ink blanked
        ("ỦY BAN NHÂN DÂN TỈNH\n_—_ GIA LAI\nSỞ Y TẾ", "issuer", False),
        ("ỦY BAN NHÂN DÂN TỈNH\nNINH BÌNH\nVĂN PHÒNG", "parent_issuer", False),
    ],
)
def test_a_body_read_through_ocr_damage_is_doubtful(
    heading: str, field: str, doubtful: bool
) -> None:
    h = headed(heading)
    assert ("doubtful" in h.detail[field].flags) is doubtful


@pytest.mark.parametrize(
    ("heading", "parent", "issuer"),
    [
        # "PHÒNG, CHỐNG": what a Ban does, wrapped onto its own line
        (
            "UBND TỈNH SƠN LA\nBAN CHỈ ĐẠO\nPHÒNG, CHỐNG THAM NHŨNG",
            "UBND tỉnh Sơn La",
            "Ban Chỉ đạo phòng, chống tham nhũng",
        ),
        (
            "UBND TỈNH SƠN LA\nBAN CHỈ ĐẠO\nPHÒNG CHỐNG THIÊN TAI",
            "UBND tỉnh Sơn La",
            "Ban Chỉ đạo phòng chống thiên tai",
        ),
        # a Phòng of a district's UBND stays a body
        ("UBND HUYỆN MAI SƠN\nPHÒNG TƯ PHÁP", "UBND huyện Mai Sơn", "Phòng Tư pháp"),
    ],
)
def test_prevention_is_no_phong(heading: str, parent: str, issuer: str) -> None:
    assert bodies(heading) == (parent, issuer)


@pytest.mark.parametrize(
    ("heading", "parent", "doubtful"),
    [
        # a place, then seal ink read as letters: the place, doubtful
        ("ĐẢNG BỘ THÀNH PHỐ HẢI\nPHÒNG    mm.\nTHÀNH ỦY", "Đảng bộ thành phố Hải Phòng", True),
        ("UBND TỈNH SƠN LA Mm\nSỞ Y TẾ", "UBND tỉnh Sơn La", True),
        # a place alone is sure
        ("UBND TỈNH SƠN LA\nSỞ Y TẾ", "UBND tỉnh Sơn La", False),
    ],
)
def test_a_place_followed_by_ink_is_the_place_doubtful(
    heading: str, parent: str, doubtful: bool
) -> None:
    h = headed(heading, "BC-SYT")
    assert h.parent_issuer == parent
    assert ("doubtful" in h.detail["parent_issuer"].flags) is doubtful


@pytest.mark.parametrize(
    ("heading", "parent", "issuer"),
    [
        # a place's last word of two letters wrapped alone
        ("UBND HUYỆN TRƯỜNG\nSA\nPHÒNG NỘI VỤ", "UBND huyện Trường Sa", "Phòng Nội vụ"),
        ("ỦY BAN NHÂN DÂN TỈNH SƠN\nLA\nSỞ Y TẾ", "Ủy ban nhân dân tỉnh Sơn La", "Sở Y tế"),
        # two letters that end no place name no body
        ("UBND TỈNH SƠN LA\nII\nSỞ Y TẾ", "UBND tỉnh Sơn La", "Sở Y tế"),
    ],
)
def test_two_letters_alone_end_a_place_or_nothing(heading: str, parent: str, issuer: str) -> None:
    assert bodies(heading) == (parent, issuer)


@pytest.mark.parametrize(
    ("number_line", "parent", "issuer", "number"),
    [
        # a number line OCR left unread (its slash lost) is no body under the issuer
        ("Số: 05 CT-UBND", None, "Ủy ban nhân dân tỉnh Quảng Ngãi", None),
        ("Số:O5ICT-UBND", None, "Ủy ban nhân dân tỉnh Quảng Ngãi", None),
        # read as before
        ("Số: 05/CT-UBND", None, "Ủy ban nhân dân tỉnh Quảng Ngãi", "05/CT-UBND"),
    ],
)
def test_an_unread_number_line_is_no_body(
    number_line: str, parent: str | None, issuer: str, number: str | None
) -> None:
    text = (
        f"ỦY BAN NHÂN DÂN    {RIGHT[0]}\nTỈNH QUẢNG NGÃI    {RIGHT[1]}\n"
        f"{number_line}    Quảng Ngãi, ngày 17 tháng 5 năm 2025\nCHỈ THỊ\nVề việc tăng cường\n"
    )
    h = build_record(scan_doc(text)).doc
    assert (h.parent_issuer, h.issuer, h.number, h.place) == (
        parent,
        issuer,
        number,
        "Quảng Ngãi",
    )
    # the line under the issuer was damaged past reading: the issuer is doubtful
    assert ("doubtful" in h.detail["issuer"].flags) is (number is None)


def test_a_so_heading_line_is_still_a_body() -> None:
    assert bodies("UBND TỈNH SƠN LA\nSỞ Y TẾ") == ("UBND tỉnh Sơn La", "Sở Y tế")
