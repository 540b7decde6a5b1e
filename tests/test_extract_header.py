"""Header and signature block on OCR-like layouts: interleaved columns, stamps, slips."""

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import build_record
from schemas import (
    Box,
    Document,
    Page,
    PageRoute,
    Source,
    SourceKind,
    Word,
)
from tests.test_extract_header_digits import _doc as hand_doc

# An invented decision laid out as Tesseract prints a two-column header: both columns on
# one line, separated by a wide gap, with a signature stamp above and OCR slips inside.
PAGE1 = """Ký bởi: Ủy ban nhân dân tỉnh Lào Cai
Thời gian ký: 02/03/2024 10:00:00
ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TĨNH LAO CAI    Độc lập - Tự do - Hạnh phúc
Số: 215 /QĐÐ-UBND    Lào Cai, ngày 0} tháng 3 năm 2024
QUYÉT ĐỊNH
và việc phê duyệt kế hoạch đào tạo
năm 2024 của tỉnh Lào Cai
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÀO CAI
Căn cứ Quyết định số 12/QĐ-TTg ngày 05/01/2024 của Thủ tướng Chính phủ;
"""
PAGE2 = """Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.
Nơi nhận:    KT. CHỦ TỊCH
- Như Điều 2;    PHÓ CHỦ TỊC
- Lưu: VT.    Hoàng Văn Nam  `
"""


def doc(*pages: str) -> Document:
    ps = [Page(number=i + 1, text=t, route=PageRoute.OCR) for i, t in enumerate(pages)]
    return Document(
        source=Source(file="d.pdf", sha256="0" * 64, pages=len(ps), kind=SourceKind.SCANNED),
        pages=ps,
    )


def test_interleaved_header() -> None:
    h = build_record(doc(PAGE1, PAGE2)).doc
    assert h.issuer == "Ủy ban nhân dân tỉnh Lào Cai"
    assert h.parent_issuer is None
    assert h.number == "215/QĐ-UBND"
    assert h.doc_type == "Quyết định"
    assert (h.date, h.detail["date"].precision) == ("2024-03", "month")
    assert "uncertain_digits" in h.detail["date"].flags
    assert h.place == "Lào Cai"
    assert h.title == "Về việc phê duyệt kế hoạch đào tạo năm 2024 của tỉnh Lào Cai"


def test_signature_block_by_columns() -> None:
    h = build_record(doc(PAGE1, PAGE2)).doc
    assert h.signer_title == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert h.signer == "Hoàng Văn Nam"
    assert h.recipients == ["Như Điều 2", "Lưu: VT"]


def test_stamp_lines_are_not_the_issuer() -> None:
    text = "TRUNG TÂM CÔNG BÁO\nVÀ TIN HỌC\n" + PAGE1
    h = build_record(doc(text)).doc
    assert h.issuer == "Ủy ban nhân dân tỉnh Lào Cai" and h.parent_issuer is None


def test_no_header_block_gives_no_issuer() -> None:
    h = build_record(doc("BÁO CÁO\nKết quả học tập năm 2023\n\nThực hiện kế hoạch...")).doc
    assert (h.issuer, h.number, h.date, h.doc_type) == (None, None, None, "Báo cáo")


def test_spans_carry_ocr_boxes() -> None:
    text = "Căn cứ Quyết định số 12/QĐ-TTg ngày 05/01/2024"
    words, pos = [], 0
    for k, w in enumerate(text.split(" ")):
        words.append(
            Word(text=w, box=Box(x0=100 * k, y0=10, x1=100 * k + 90, y1=40), conf=90 - k, start=pos)
        )
        pos += len(w) + 1
    page = Page(number=1, text=text, route=PageRoute.OCR, words=words)
    d = Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )
    (c,) = build_record(d).citations
    span = c.spans[0]
    assert text[span.start : span.end] == "12/QĐ-TTg"
    assert span.box == Box(x0=500, y0=10, x1=590, y1=40)  # the sixth word
    assert span.confidence == 0.85


def _two_columns(number: int, text: str) -> Page:
    """An OCR page whose words stand where Tesseract saw them: a line's left column from
    x=100, the column after a wide gap from x=1300, one row of 60 px per line."""
    words, line_start = [], 0
    for row, line in enumerate(text.split("\n")):
        at = 0
        for col, piece in enumerate(line.split("    ")):
            at = line.index(piece, at)
            x, p = (100 if col == 0 else 1300), 0
            for w in piece.split():
                p = piece.index(w, p)
                box = Box(x0=x + 20 * p, y0=60 * row, x1=x + 20 * (p + len(w)), y1=60 * row + 40)
                words.append(Word(text=w, box=box, conf=90, start=line_start + at + p))
                p += len(w)
            at += len(piece)
        line_start += len(line) + 1
    return Page(number=number, text=text, route=PageRoute.OCR, words=words)


def test_header_boxes_keep_to_their_own_column() -> None:
    """The issuer's lines stand beside the national motto and the signer's title beside the
    "Nơi nhận" list: each value's spans (and boxes) cover its own lines only."""
    source = Source(file="d.pdf", sha256="0" * 64, pages=2, kind=SourceKind.SCANNED)
    pages = [_two_columns(1, PAGE1), _two_columns(2, PAGE2)]
    head = build_record(Document(source=source, pages=pages)).doc
    issuer = head.detail["issuer"]
    assert issuer.text == "ỦY BAN NHÂN DÂN\nTĨNH LAO CAI"
    assert [s.box.x1 < 1300 for s in issuer.spans if s.box] == [True, True]
    title = head.detail["signer_title"]
    assert title.text == "KT. CHỦ TỊCH\nPHÓ CHỦ TỊC"
    assert [s.box.x0 >= 1300 for s in title.spans if s.box] == [True, True]


def test_low_confidence_digits_are_not_given() -> None:
    text = (
        "UBND TỈNH LÀO CAI\nSố: 04 /TTr-UBND    Lào Cai, ngày 06 tháng 01 năm 2025\n"
        "TỜ TRÌNH\nVề việc"
    )
    words, pos = [], 0
    for line in text.split("\n"):
        for w in line.split():
            start = text.index(w, pos)
            conf = 50.0 if w in ("04", "06") else 95.0  # handwritten digits, read badly
            words.append(Word(text=w, box=Box(x0=0, y0=0, x1=10, y1=10), conf=conf, start=start))
            pos = start + len(w)
    page = Page(number=1, text=text, route=PageRoute.OCR, words=words)
    d = Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )
    rec = build_record(d)
    assert rec.doc.number is None and "uncertain_digits" in rec.doc.detail["number"].flags
    assert rec.doc.detail["number"].text.startswith("04 /TTr-UBND")
    assert (rec.doc.date, rec.doc.detail["date"].precision) == ("2025-01", "month")
    assert {w.code for w in rec.warnings} == {"uncertain_digits"}


@settings(max_examples=60, deadline=None)
@given(
    st.text(max_size=200),
    st.lists(st.tuples(st.text(max_size=8), st.integers(-5, 300), st.floats(-1, 101)), max_size=20),
)
def test_never_crashes_with_any_words(text: str, raw_words: list) -> None:
    words = [
        Word(text=w, box=Box(x0=0, y0=0, x1=1, y1=1), conf=c, start=s) for w, s, c in raw_words
    ]
    page = Page(number=1, text=text, route=PageRoute.OCR, words=words)
    d = Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )
    rec = build_record(d)
    assert all(s.page == 1 for c in rec.citations for s in c.spans)


LETTER = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH LÀO CAI    Độc lập - Tự do - Hạnh phúc
Số: 123/UBND-KT
V/v triển khai kế hoạch    Lào Cai, ngày 05 tháng 3 năm 2024
đào tạo năm 2024
    Kính gửi: Sở Nội vụ
"""


def test_letter_vv_title_and_type() -> None:
    h = build_record(doc(LETTER)).doc
    assert (h.number, h.doc_type, h.date) == ("123/UBND-KT", "Công văn", "2024-03-05")
    assert h.title == "V/v triển khai kế hoạch đào tạo năm 2024"


def test_title_marks_follow_the_document() -> None:
    from extract.header import consensus_marks
    from extract.text import PageText

    body = (
        "công nhận địa bàn chuyển hóa đạt; địa bàn chuyển hóa năm nay; "
        "kết quả chuyển hóa tốt; Về việc công nhận"
    )
    pages = [PageText.from_page(Page(number=1, text=body, route=PageRoute.OCR))]
    assert consensus_marks("Về việc công nhận địa bàn chuyên hóa đạt", pages) == (
        "Về việc công nhận địa bàn chuyển hóa đạt"
    )
    # a form the body uses no more often than the title is left alone
    assert consensus_marks("Về chuyên môn hóa", pages) == "Về chuyên môn hóa"


PARTY = """ĐẢNG BỘ TỈNH YÊN BÁI    ĐẢNG CỘNG SẢN VIỆT NAM
TỈNH ỦY
Số 215-KH/TU    Yên Bái, ngày 12 tháng 4 năm 2023
KẾ HOẠCH
thực hiện Kết luận số 49-KL/TW của Ban Bí thư

Thực hiện Kết luận số 49-KL/TW ngày 10/5/2019 của Ban Bí thư ...
Nơi nhận:    T/M BAN THƯỜNG VỤ
- Các đồng chí Tỉnh ủy viên,    PHÓ BÍ THƯ THƯỜNG TRỰC
- Lưu Văn phòng Tỉnh ủy.    Nguyễn Thị Lan
"""


def test_party_document_header() -> None:
    rec = build_record(doc(PARTY))
    h = rec.doc
    assert (h.parent_issuer, h.issuer) == ("Đảng bộ tỉnh Yên Bái", "Tỉnh ủy")
    assert (h.number, h.doc_type, h.date, h.place) == (
        "215-KH/TU",
        "Kế hoạch",
        "2023-04-12",
        "Yên Bái",
    )
    assert h.title == "Thực hiện Kết luận số 49-KL/TW của Ban Bí thư"
    assert h.signer_title == "T/M BAN THƯỜNG VỤ / PHÓ BÍ THƯ THƯỜNG TRỰC"
    assert h.signer == "Nguyễn Thị Lan"
    assert [c.key for c in rec.citations] == ["49-KL/TW"]


def test_ministry_issuer_spelling() -> None:
    text = (
        "BỘ GIÁO DỤC VÀ ĐÀO TẠO    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 22/2020/TT-BGDĐT    Hà Nội, ngày 06 tháng 8 năm 2020\nTHÔNG TƯ\nQuy định"
    )
    h = build_record(doc(text)).doc
    assert (h.issuer, h.number, h.doc_type, h.place) == (
        "Bộ Giáo dục và Đào tạo",
        "22/2020/TT-BGDĐT",
        "Thông tư",
        "Hà Nội",
    )


def test_numeric_header_date() -> None:
    text = (
        "UBND TỈNH HÀ GIANG    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 15/BC-UBND    Hà Giang, ngày 05/3/2024\nBÁO CÁO\nKết quả năm 2023"
    )
    h = build_record(doc(text)).doc
    assert (h.date, h.place, h.number) == ("2024-03-05", "Hà Giang", "15/BC-UBND")


# Handwritten number and day: the OCR stage's digit readings are used only where
# Tesseract's own digits were unsure, only above the probability bar, and a day only
# when it makes a real date not after the signing day.
HAND_TEXT = (
    "UBND TỈNH LÀO CAI\nSố: 0{ /TTr-UBND    Lào Cai, ngày @6 tháng 01 năm 2025\nTỜ TRÌNH\nVề việc"
)


def _hand_doc(readings: list[tuple[str, list[tuple[str, float]]]], signed: str | None) -> Document:
    return hand_doc(dict(readings), signed, HAND_TEXT)


def test_handwriting_readings_fill_unsure_digits() -> None:
    rec = build_record(
        _hand_doc([("number", [("01", 0.9)]), ("day", [("06", 0.8)])], "2025-01-07T10:09:57")
    )
    assert rec.doc.number == "01/TTr-UBND" and rec.doc.detail["number"].flags == ["handwritten"]
    assert rec.doc.detail["number"].confidence == 0.9
    assert (rec.doc.date, rec.doc.detail["date"].precision) == ("2025-01-06", "day")
    assert {w.code for w in rec.warnings} == {"handwritten_digits"}


def test_unsure_handwriting_readings_are_not_used() -> None:
    rec = build_record(_hand_doc([("number", [("01", 0.5)]), ("day", [("06", 0.15)])], None))
    assert rec.doc.number is None and "uncertain_digits" in rec.doc.detail["number"].flags
    assert rec.doc.date == "2025-01"
    # an unsure day that is the one real day read is given, but never as sure
    rec = build_record(_hand_doc([("day", [("06", 0.4)])], None))
    assert rec.doc.date == "2025-01-06"
    assert rec.doc.detail["date"].flags == ["handwritten", "doubtful"]


def test_day_reading_must_be_a_date_not_after_signing() -> None:
    after = build_record(_hand_doc([("day", [("09", 0.9)])], "2025-01-07T10:00:00"))
    assert after.doc.date == "2025-01"  # signed on the 7th: cannot be dated the 9th
    invalid = build_record(_hand_doc([("day", [("66", 0.7), ("06", 0.65)])], None))
    assert invalid.doc.date == "2025-01-06"  # no 66th: the next reading above the bar
    below = build_record(_hand_doc([("day", [("66", 0.7), ("06", 0.15)])], None))
    assert below.doc.date == "2025-01"
    # unsigned, the one real day read beside "66" stands when likely enough: doubtful
    unsure = build_record(_hand_doc([("day", [("66", 0.7), ("06", 0.25)])], None))
    assert unsure.doc.date == "2025-01-06"
    assert unsure.doc.detail["date"].flags == ["handwritten", "doubtful"]


def test_sure_ocr_digits_win_over_readings() -> None:
    text = HAND_TEXT.replace("0{", "04")
    d = _hand_doc([("number", [("01", 0.99)])], None)
    d.pages[0].text = text
    assert build_record(d).doc.number == "04/TTr-UBND"


def test_handwriting_reading_overrides_an_unsure_ocr_number() -> None:
    text = HAND_TEXT.replace("0{", "22")
    d = _hand_doc([("number", [("23", 0.8)])], None)
    d.pages[0].text = text
    start = text.index("22")
    d.pages[0].words = [Word(text="22", box=Box(x0=0, y0=0, x1=10, y1=10), conf=75, start=start)]
    assert build_record(d).doc.number == "23/TTr-UBND"
    d.pages[0].words[0].conf = 96  # printed digits, read surely: the OCR stands
    assert build_record(d).doc.number == "22/TTr-UBND"


def test_signer_name_without_a_readable_title_block() -> None:
    """The seal can hide 'KT. CHỦ TỊCH': a name across the column gap is still the signer;
    a name inside a recipient line (no gap) is not."""
    last = (
        "Điều 3. Chỉ thị này có hiệu lực kể từ ngày ký./.\nNơi nhận:\n"
        "- Phó Thủ tướng Trương Hòa Bình (báo cáo);\n- Bộ Tư pháp;\n"
        "- CT, các PCT UBND tỉnh;    Phạm Trường Thọ\n- Lưu: VT.\n"
    )
    assert build_record(doc(PAGE1, last)).doc.signer == "Phạm Trường Thọ"
    no_gap = last.replace(";    Phạm Trường Thọ", ";")
    assert build_record(doc(PAGE1, no_gap)).doc.signer is None


def test_reading_from_another_line_is_not_the_headers() -> None:
    d = _hand_doc([("day", [("16", 0.9)])], None)
    start = HAND_TEXT.index("@6")
    d.pages[0].words = [
        Word(text="@6", box=Box(x0=900, y0=100, x1=960, y1=140), conf=40, start=start)
    ]
    d.pages[0].hand_digits[0].box = Box(x0=900, y0=600, x1=960, y1=640)  # a body line
    assert build_record(d).doc.date == "2025-01"
    d.pages[0].hand_digits[0].box = Box(x0=900, y0=95, x1=960, y1=150)
    assert build_record(d).doc.date == "2025-01-16"


def _laid_out(head: str, rows: list[list[tuple[str, int, int]]]) -> Document:
    """A page: ``head`` text lines without boxes, then OCR lines of (word, x0, y0) in the
    order Tesseract wrote them (40 px tall words, 24 px per letter)."""
    text, words = head, []
    for row in rows:
        parts = []
        for w, x0, y0 in row:
            start = len(text) + sum(len(p) + 1 for p in parts)
            words.append(
                Word(
                    text=w,
                    box=Box(x0=x0, y0=y0, x1=x0 + 24 * len(w), y1=y0 + 40),
                    conf=95,
                    start=start,
                )
            )
            parts.append(w)
        text += " ".join(parts) + "\n"
    page = Page(number=1, text=text, route=PageRoute.OCR, words=words)
    return Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )


HEAD = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc
Số: 07/CT-UBND    Quảng Ngãi, ngày 20 tháng 3 năm 2018
CHỈ THỊ
"""


def _line(text: str, x0: int, y0: int) -> list[tuple[str, int, int]]:
    out = []
    for w in text.split():
        out.append((w, x0, y0))
        x0 += 24 * len(w) + 20
    return out


STAMP = "lpệ :42⁄4.. L4Ÿ T56: 7T? |"  # a receipt stamp's junk, as OCR reads it


def test_title_line_read_after_a_stamp_is_found_by_its_boxes() -> None:
    rows = [
        _line("Về việc tăng cường công tác thi hành án", 700, 550),
        # a receipt stamp on the left read first, then the title's second line
        _line(STAMP, 30, 605) + _line("trên địa bàn tỉnh Quảng Ngãi", 900, 600),
        _line("Trong thời gian qua, công tác triển khai thi hành Luật tố tụng", 230, 700),
    ]
    h = build_record(_laid_out(HEAD, rows)).doc
    assert h.title == "Về việc tăng cường công tác thi hành án trên địa bàn tỉnh Quảng Ngãi"


def test_body_line_under_the_title_is_not_taken_by_boxes() -> None:
    rows = [
        _line("Về việc tăng cường công tác thi hành án", 700, 550),
        # the body's first line sits right under the title but runs the full width
        _line(STAMP, 30, 630) + _line("Trong thời gian qua, công tác triển khai thi", 250, 600),
    ]
    h = build_record(_laid_out(HEAD, rows)).doc
    assert h.title == "Về việc tăng cường công tác thi hành án"


def test_line_in_reading_order_is_left_to_the_text_rules() -> None:
    rows = [
        _line("Về việc tăng cường công tác thi hành án.", 700, 550),
        # under the title and no wider, but the text has it next and its rules said no
        _line("trên địa bàn tỉnh", 800, 600),
    ]
    h = build_record(_laid_out(HEAD, rows)).doc
    assert h.title == "Về việc tăng cường công tác thi hành án."


def test_signer_surname_takes_its_one_spelling() -> None:
    """OCR slips tones in the bold name: a surname with one spelling is put right."""
    slipped = build_record(doc(PAGE1, PAGE2.replace("Hoàng Văn Nam", "Trân Văn Nam"))).doc
    assert slipped.signer == "Trần Văn Nam"
    for name in ("Lò Văn Nam", "Hoàng Văn Nam"):  # Lò/Lô both surnames; already right
        assert build_record(doc(PAGE1, PAGE2.replace("Hoàng Văn Nam", name))).doc.signer == name
