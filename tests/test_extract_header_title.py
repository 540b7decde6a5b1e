"""Title bounds and clean-up: junk tails, damaged openings, wrapped lines, 1990s headings,
and the layout of the title's lines (each rule with a case it must leave alone)."""

from extract import build_record
from schemas import Box, Document, Page, PageRoute, Source, SourceKind, Word

HEAD = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc
Số: 280/BC-UBND    Quảng Ngãi, ngày 22 tháng 11 năm 2024
"""


def doc(text: str, words: list[Word] | None = None) -> Document:
    page = Page(number=1, text=text, route=PageRoute.OCR, words=words or [])
    return Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )


def title(body: str) -> tuple[str | None, list[str]]:
    h = build_record(doc(HEAD + body)).doc
    return h.title, h.detail["title"].flags if "title" in h.detail else []


def test_junk_tail_from_a_seal_is_cut_and_flagged() -> None:
    got = title(
        "BÁO CÁO\nVề việc điều chỉnh dự toán ngân sách năm 2024 À .^A .À k4\n\n"
        "Kính gửi: Hội đồng nhân dân tỉnh\n"
    )
    assert got == ("Về việc điều chỉnh dự toán ngân sách năm 2024", ["title_trimmed"])


def test_codes_numerals_and_place_names_at_the_end_are_kept() -> None:
    for text in (
        "Về việc phòng, chống dịch COVID-19",
        "Kết quả công tác quý I",
        "Về việc hỗ trợ các huyện của tỉnh Đắk Lắk",
        "Về việc giao đất ở",
        "Về kế hoạch giai đoạn 2021 - 2025",
    ):
        assert title(f"BÁO CÁO\n{text}\n\nKính gửi: Hội đồng nhân dân tỉnh\n") == (text, [])


def test_comma_and_merged_words_at_the_start() -> None:
    assert title("BÁO CÁO\n,Vêviệc điều chỉnh dự toán ngân sách năm 2024\n")[0] == (
        "Về việc điều chỉnh dự toán ngân sách năm 2024"
    )
    # a title that only starts like it is left as written
    assert title("BÁO CÁO\nVề công tác điều chỉnh dự toán năm 2024\n")[0] == (
        "Về công tác điều chỉnh dự toán năm 2024"
    )


def test_a_wrapped_line_in_lowercase_continues_the_title() -> None:
    got = title(
        "KẾ HOẠCH\nTriển khai\nthực hiện Nghị quyết số 12/NQ-HĐND của HĐND tỉnh\n"
        "Thực hiện Nghị quyết số 12/NQ-HĐND ngày 05/3/2024, UBND tỉnh ban hành\n"
    )
    assert got == ("Triển khai thực hiện Nghị quyết số 12/NQ-HĐND của HĐND tỉnh", [])
    # capitalised, the same words open the body
    got = title("KẾ HOẠCH\nTriển khai công tác năm 2024\nThực hiện Nghị quyết số 12/NQ-HĐND\n")
    assert got == ("Triển khai công tác năm 2024", [])


def test_title_cut_before_its_end_is_suspect() -> None:
    got = title("BÁO CÁO\nVề việc hỗ trợ kinh phí cho các xã và\n\nKính gửi: Sở Tài chính\n")
    assert got == ("Về việc hỗ trợ kinh phí cho các xã và", ["title_suspect"])


def test_1990s_heading_naming_the_issuer_is_not_the_title() -> None:
    body = (
        "QUYẾT ĐỊNH CỦA UỶ BAN NHÂN DÂN TỈNH\nVề việc : Giao quyền sử dụng đất ở dân cư\n\n"
        "UỶ BAN NHÂN DÂN TỈNH CAO BẰNG\n- Căn cứ Luật đất đai ngày 24/7/1993\n"
    )
    h = build_record(doc(HEAD + body)).doc
    assert (h.doc_type, h.title) == ("Quyết định", "Về việc: Giao quyền sử dụng đất ở dân cư")
    split = body.replace("QUYẾT ĐỊNH CỦA", "QUYẾT ĐỊNH\nCỦA")
    assert build_record(doc(HEAD + split)).doc.title == "Về việc: Giao quyền sử dụng đất ở dân cư"
    # a capital title after the type on its line is still the title
    h = build_record(doc(HEAD + "KẾ HOẠCH TUYÊN TRUYỀN NĂM 2025\nThực hiện ...\n")).doc
    assert (h.doc_type, h.title) == ("Kế hoạch", "Tuyên truyền năm 2025")


def _laid_out(rows: list[tuple[str, int, int]]) -> Document:
    """HEAD without boxes, then one text line per (text, x0, y0): 40 px tall words."""
    text, words = HEAD, []
    for line, x0, y0 in rows:
        for w in line.split():
            words.append(
                Word(
                    text=w,
                    box=Box(x0=x0, y0=y0, x1=x0 + 24 * len(w), y1=y0 + 40),
                    conf=95,
                    start=len(text),
                )
            )
            text += w + " "
            x0 += 24 * len(w) + 20
        text = text[:-1] + "\n"
    return doc(text, words)


def _centred(line: str, y0: int, centre: int = 1200) -> tuple[str, int, int]:
    width = sum(24 * len(w) + 20 for w in line.split()) - 20
    return line, centre - width // 2, y0


def test_layout_takes_a_long_centred_line_right_under_the_title() -> None:
    second = (
        "trên địa bàn các huyện miền núi, hải đảo và các xã có điều kiện kinh tế - xã hội "
        "đặc biệt khó khăn"
    )
    assert len(second) > 85  # too long for the text rules alone
    rows = [
        ("BÁO CÁO", 1100, 500),
        _centred("Về việc hỗ trợ kinh phí năm 2024", 560),
        _centred(second, 605),
        ("Kính gửi: Sở Tài chính", 900, 720),
    ]
    h = build_record(_laid_out(rows)).doc
    assert h.title == "Về việc hỗ trợ kinh phí năm 2024 " + second


def test_layout_ends_the_title_at_a_blank_lines_gap() -> None:
    rows = [
        ("BÁO CÁO", 1100, 500),
        _centred("Về việc hỗ trợ kinh phí năm 2024", 560),
        _centred("cho các xã đặc biệt khó khăn", 700),
    ]  # a blank line's gap above it
    assert build_record(_laid_out(rows)).doc.title == "Về việc hỗ trợ kinh phí năm 2024"
    rows[2] = _centred("cho các xã đặc biệt khó khăn", 605)
    assert build_record(_laid_out(rows)).doc.title == (
        "Về việc hỗ trợ kinh phí năm 2024 cho các xã đặc biệt khó khăn"
    )


def test_marks_the_body_disputes_make_the_title_suspect() -> None:
    body = (
        "QUYẾT ĐỊNH\nVề việc xếp lương đôi với bà Lê Thị Lan\n"
        "Căn cứ hồ sơ; xếp lương đối với bà Lê Thị Lan từ ngày 01/01/2025.\n"
    )
    assert title(body) == ("Về việc xếp lương đôi với bà Lê Thị Lan", ["title_suspect"])
    # the body agrees with the title, or outvotes it: no doubt left
    agreed = body.replace("lương đối với", "lương đôi với")
    assert title(agreed) == ("Về việc xếp lương đôi với bà Lê Thị Lan", [])
    outvoted = body + "Xếp lương đối với bà Lê Thị Lan.\n"
    assert title(outvoted) == ("Về việc xếp lương đối với bà Lê Thị Lan", [])
