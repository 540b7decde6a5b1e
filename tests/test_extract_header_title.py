"""Title bounds and clean-up: junk tails, damaged openings, wrapped lines, 1990s headings,
and the layout of the title's lines (each rule with a case it must leave alone)."""

from extract import build_record
from tests.header_support import centred, laid_out, scan_doc

HEAD = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc
Số: 280/BC-UBND    Quảng Ngãi, ngày 22 tháng 11 năm 2024
"""


def title(body: str) -> tuple[str | None, list[str]]:
    h = build_record(scan_doc(HEAD + body)).doc
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
    h = build_record(scan_doc(HEAD + body)).doc
    assert (h.doc_type, h.title) == ("Quyết định", "Về việc: Giao quyền sử dụng đất ở dân cư")
    split = body.replace("QUYẾT ĐỊNH CỦA", "QUYẾT ĐỊNH\nCỦA")
    assert (
        build_record(scan_doc(HEAD + split)).doc.title == "Về việc: Giao quyền sử dụng đất ở dân cư"
    )
    # a capital title after the type on its line is still the title
    h = build_record(scan_doc(HEAD + "KẾ HOẠCH TUYÊN TRUYỀN NĂM 2025\nThực hiện ...\n")).doc
    assert (h.doc_type, h.title) == ("Kế hoạch", "Tuyên truyền năm 2025")


def test_layout_takes_a_long_centred_line_right_under_the_title() -> None:
    second = (
        "trên địa bàn các huyện miền núi, hải đảo và các xã có điều kiện kinh tế - xã hội "
        "đặc biệt khó khăn"
    )
    assert len(second) > 85  # too long for the text rules alone
    rows = [
        ("BÁO CÁO", 1100, 500),
        centred("Về việc hỗ trợ kinh phí năm 2024", 560),
        centred(second, 605),
        ("Kính gửi: Sở Tài chính", 900, 720),
    ]
    h = build_record(laid_out(HEAD, rows)).doc
    assert h.title == "Về việc hỗ trợ kinh phí năm 2024 " + second


def test_layout_ends_the_title_at_a_blank_lines_gap() -> None:
    rows = [
        ("BÁO CÁO", 1100, 500),
        centred("Về việc hỗ trợ kinh phí năm 2024", 560),
        centred("cho các xã đặc biệt khó khăn", 700),
    ]  # a blank line's gap above it
    assert build_record(laid_out(HEAD, rows)).doc.title == "Về việc hỗ trợ kinh phí năm 2024"
    rows[2] = centred("cho các xã đặc biệt khó khăn", 605)
    assert build_record(laid_out(HEAD, rows)).doc.title == (
        "Về việc hỗ trợ kinh phí năm 2024 cho các xã đặc biệt khó khăn"
    )


def test_layout_keeps_a_title_set_at_a_looser_line_spacing() -> None:
    """Line spacing varies (single, 1.15, an exact 17 pt): a word box is the letters, not
    the line, so a title line 1.7 of its words' height under the other still continues it
    (a synthetic công văn's "V/v … Ban Chỉ / đạo" was cut at 1.65). A blank line at single
    spacing (2.4 heights) still ends it."""
    rows = [
        ("BÁO CÁO", 1100, 500),
        centred("Về việc kiện toàn Ban Chỉ", 560),
        centred("đạo", 628),
    ]
    assert build_record(laid_out(HEAD, rows)).doc.title == "Về việc kiện toàn Ban Chỉ đạo"
    rows[2] = centred("đạo", 656)
    assert build_record(laid_out(HEAD, rows)).doc.title == "Về việc kiện toàn Ban Chỉ"


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


# --- synthetic damage of bench/extract/titles.py: each rule with a case it must leave --


def test_a_wrapped_line_with_stamp_junk_is_kept_without_it() -> None:
    got = title(
        "BÁO CÁO\nCông tác quý I, nhiệm vụ công tác khuyến học quý II năm\n"
        "2023 Ĩ. À .À k4\nCăn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;\n"
    )
    assert got == (
        "Công tác quý I, nhiệm vụ công tác khuyến học quý II năm 2023",
        ["title_trimmed"],
    )


def test_letters_without_a_vowel_are_junk_but_acronyms_are_not() -> None:
    got = title("BÁO CÁO\nVề việc bổ nhiệm ông Nguyễn Văn Yến ˆ Jf\n\nKính gửi: Sở Nội vụ\n")
    assert got == ("Về việc bổ nhiệm ông Nguyễn Văn Yến", ["title_trimmed"])
    kept = "Về việc thanh toán kinh phí cho BTC"
    assert title(f"BÁO CÁO\n{kept}\n\nKính gửi: Sở Nội vụ\n") == (kept, [])


def test_words_run_together_are_split_where_one_split_fits() -> None:
    got = title(
        "BÁO CÁO\nVề việc tăng cường công tác khuyếnhọc trên địa bàntỉnh\n\nKính gửi: UBND\n"
    )
    assert got == ("Về việc tăng cường công tác khuyến học trên địa bàn tỉnh", [])


def test_words_run_together_two_ways_are_kept_and_flagged() -> None:
    # "hànhán": "hành án" or "hàn hán"; the letters cannot tell
    got = title("BÁO CÁO\nVề việc tăng cường công tác thi hànhán dân sự\n\nKính gửi: UBND\n")
    assert got == ("Về việc tăng cường công tác thi hànhán dân sự", ["title_suspect"])


def test_words_run_together_two_ways_are_split_as_the_page_writes_them() -> None:
    body = "\nKính gửi: UBND\nCông tác thi {} dân sự năm 2024 đạt kết quả tốt.\n"
    got = title("BÁO CÁO\nVề việc tăng cường công tác thi hànhán dân sự" + body.format("hành án"))
    assert got == ("Về việc tăng cường công tác thi hành án dân sự", [])
    # the page writing both ways (or the other one) settles nothing it does not write
    both = body.format("hành án") + "Hạn hán, hàn hán kéo dài.\n"
    got = title("BÁO CÁO\nVề việc tăng cường công tác thi hànhán dân sự" + both)
    assert got == ("Về việc tăng cường công tác thi hànhán dân sự", ["title_suspect"])


def test_words_without_marks_are_not_split() -> None:
    # English-OCR text (no marks) and foreign words are not syllables run together
    kept = "Về việc triển khai dịch vụ công online"
    assert title(f"BÁO CÁO\n{kept}\n\nKính gửi: UBND\n") == (kept, [])


def test_a_count_word_without_its_number_is_a_cut() -> None:
    assert title("BÁO CÁO\nKết quả công tác khuyến học quý II năm\n\nKính gửi: UBND\n")[1] == [
        "title_suspect"
    ]
    assert title("BÁO CÁO\nKế hoạch phát triển kinh tế 5 năm\n\nKính gửi: UBND\n")[1] == []


def test_a_body_line_ending_in_a_colon_is_not_the_title() -> None:
    got = title(
        "BÁO CÁO\nVề việc thụ lý giải quyết khiếu nại lần hai\n"
        "Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện như sau:\n"
    )
    assert got == ("Về việc thụ lý giải quyết khiếu nại lần hai", [])
    # a title line that needs what follows goes on, colon or not
    got = title("BÁO CÁO\nVề việc thực hiện chế độ đối với\nCán bộ, công chức như sau:\n")
    assert got[0] == "Về việc thực hiện chế độ đối với Cán bộ, công chức như sau:"


def test_a_body_opening_with_its_date_is_not_the_title() -> None:
    got = title(
        "THÔNG BÁO\nKết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp\n"
        "Ngày 03/01/2025, Phó Chủ tịch UBND tỉnh chủ trì họp nghe\n"
    )
    assert got == ("Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp", [])
    got = title("QUYẾT ĐỊNH\nVề việc thi hành Luật Đất đai\nngày 18/01/2024 trên địa bàn tỉnh\n")
    assert got[0] == "Về việc thi hành Luật Đất đai ngày 18/01/2024 trên địa bàn tỉnh"


LONG = (
    "Về việc tham dự Hội nghị đánh giá Chương trình mục tiêu quốc gia phát triển kinh tế - "
    "xã hội vùng đồng bào dân tộc thiểu số và miền núi giai đoạn 2021 – 2030 khu vực miền "
    "Trung, Tây Nguyên"
)


def _wrapped(text: str, width: int) -> str:
    lines: list[str] = []
    for w in text.split():
        if lines and len(lines[-1]) + 1 + len(w) <= width:
            lines[-1] += " " + w
        else:
            lines.append(w)
    return "\n".join(lines)


def test_a_long_title_wrapped_short_is_whole_or_flagged() -> None:
    # six short lines, each running on in lower case: all of it
    got = title(f"THÔNG BÁO\n{_wrapped(LONG, 34)}\n\nKính gửi: Sở Nội vụ\n")
    assert got == (LONG, [])
    # past the bound (four lines), a line in capitals ends it: flagged, never silent
    text = (
        "Về việc tổng kết\nĐánh giá công tác\nTổng kết phong trào\nKhen thưởng tập thể\nTây Nguyên"
    )
    assert title(f"THÔNG BÁO\n{text}\n\nKính gửi: Sở Nội vụ\n")[1] == ["title_suspect"]


def test_a_low_quote_or_a_dash_before_the_title_is_dropped() -> None:
    for lead in ("„", "-", "‚ ", "~"):
        got = title(f"BÁO CÁO\n{lead}Về việc điều chỉnh dự toán ngân sách năm 2024\n")
        assert got == ("Về việc điều chỉnh dự toán ngân sách năm 2024", [])
    # a quote the title closes is the title's own
    got = title("KẾ HOẠCH\n“Tháng hành động vì trẻ em” năm 2024\n\nKính gửi: Sở Nội vụ\n")
    assert got == ("“Tháng hành động vì trẻ em” năm 2024", [])


def test_past_the_bound_a_line_after_an_unfinished_one_is_the_titles() -> None:
    """A title line ending on a comma or on "và" cannot end the title: the next line is
    its own even capitalised and past four lines (a long title wrapped short)."""
    for end in (",", " và"):
        text = (
            "Về việc tổ chức hội nghị\nđánh giá chương trình\nmục tiêu quốc gia giai đoạn\n"
            f"2021 - 2030 khu vực miền Trung{end}\nTây Nguyên"
        )
        got = title(f"THÔNG BÁO\n{text}\n\nKính gửi: Sở Nội vụ\n")
        assert got == (" ".join(text.split()), [])
    # an unfinished line does not take the body's opening
    text = "Về việc tổ chức hội nghị\nđánh giá chương trình\nmục tiêu quốc gia\nkhu vực miền Trung,"
    got = title(f"THÔNG BÁO\n{text}\nKính gửi: Sở Nội vụ\n")
    assert got[0] == " ".join(text.split()) and got[1] == ["title_suspect"]


TOP = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc
"""
NUMBER_LINE = "Số: 01/TTr-UBND    Quảng Ngãi, ngày 06 tháng 01 năm 2025\n"


def test_a_speck_before_a_column_gap_is_not_a_column() -> None:
    """A degraded scan's speck read as a mark at a line's start, then the gap OCR leaves
    before the text: the title was cut to the mark (empty), and "Số:" after a mark was
    taken for the issuer's line (the issuer "Số: 01/TTr-UBND", no number, unflagged)."""
    for speck in (":", "'", ".", "_", "¬", "`,"):
        h = build_record(
            scan_doc(TOP + NUMBER_LINE + f"TỜ TRÌNH\n{speck}    Về việc miễn nhiệm\n")
        ).doc
        assert h.title == "Về việc miễn nhiệm"
        h = build_record(scan_doc(TOP + f"{speck}    {NUMBER_LINE}TỜ TRÌNH\nVề việc A\n")).doc
        assert (h.issuer, h.number) == ("Ủy ban nhân dân tỉnh Quảng Ngãi", "01/TTr-UBND")


def test_a_word_digit_or_star_before_a_gap_stays() -> None:
    """Negative: only a lone mark or two is a speck; a word, a numbered item, a bracket or
    the Party's star under its committee are text, and the column gap after them stays."""
    from extract.header.lines import page_lines
    from extract.text import PageText

    text = "1.    Nội dung\na)    Mục\n(    x\n*    Quảng Ngãi\nLA    Số\n..:    y\n"
    page = PageText.from_page(scan_doc(text).pages[0])
    lines = [ln.text for ln in page_lines(page)]
    assert lines[:6] == text.split("\n")[:6]
    party = build_record(
        scan_doc(
            "TỈNH ỦY QUẢNG NGÃI    ĐẢNG CỘNG SẢN VIỆT NAM\n*    Quảng Ngãi, ngày 06 tháng 01 "
            "năm 2025\nSố 49-KL/TU\nKẾT LUẬN\nVề việc miễn nhiệm\n"
        )
    ).doc
    assert (party.issuer, party.number, party.title) == (
        "Tỉnh ủy Quảng Ngãi",
        "49-KL/TU",
        "Về việc miễn nhiệm",
    )


def test_a_letter_read_before_the_word_it_begins_is_suspect() -> None:
    """A speck read as the next word's first letter ("ô ông"); "đất ở ổn định" is words."""
    got = title("QUYẾT ĐỊNH\nVề việc xếp lương đối với ô ông Bạch Đăng Ngọc\n\nCăn cứ\n")
    assert got == ("Về việc xếp lương đối với ô ông Bạch Đăng Ngọc", ["title_suspect"])
    got = title("QUYẾT ĐỊNH\nVề việc giao đất ở cho hộ ông Nông Văn Bình\n\nCăn cứ\n")
    assert got == ("Về việc giao đất ở cho hộ ông Nông Văn Bình", [])
