"""``doubtful`` on the issuer and the signer: a name matched only fuzzily, a name read less
surely than print; the same names read cleanly carry no flag."""

import re

import pytest

from extract import build_record
from schemas import Box, Document, Page, PageRoute, Source, SourceKind, Word

HEADER = """HỘI KHUYẾN HỌC    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH SƠN LA    Độc lập - Tự do - Hạnh phúc
Số: 12/BC-HKH    Sơn La, ngày 05 tháng 3 năm 2024
BÁO CÁO
Kết quả công tác khuyến học năm 2023
"""
END = """Nơi nhận:    CHỦ TỊCH
- Lưu: VT.    Nguyễn Văn Tuấn
"""


def doc(text: str, words: list[Word] | None = None) -> Document:
    page = Page(number=1, text=text, route=PageRoute.OCR, words=words or [])
    return Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )


def test_issuer_matched_only_fuzzily_is_doubtful() -> None:
    h = build_record(doc(HEADER.replace("KHUYẾN HỌC", "KHUYÊN HOÓC") + END)).doc
    assert (h.issuer, h.detail["issuer"].flags) == ("Hội Khuyến học tỉnh Sơn La", ["doubtful"])
    h = build_record(doc(HEADER.replace("SƠN LA    Độc", "SƠN LAA    Độc") + END)).doc
    assert (h.issuer, h.detail["issuer"].flags) == ("Hội Khuyến học tỉnh Sơn La", ["doubtful"])
    h = build_record(doc(HEADER + END)).doc
    assert (h.issuer, h.detail["issuer"].flags) == ("Hội Khuyến học tỉnh Sơn La", [])


def _signed(conf: float) -> Document:
    text = HEADER + END
    start = text.index("Nguyễn")
    words = [
        Word(
            text=w,
            box=Box(x0=1500 + 200 * k, y0=2000, x1=1680 + 200 * k, y1=2040),
            conf=conf if w == "Tuấn" else 96,
            start=start + off,
        )
        for k, (w, off) in enumerate((("Nguyễn", 0), ("Văn", 7), ("Tuấn", 11)))
    ]
    return doc(text, words)


def test_signer_read_less_surely_than_print_is_doubtful() -> None:
    h = build_record(_signed(39)).doc
    assert (h.signer, h.detail["signer"].flags) == ("Nguyễn Văn Tuấn", ["doubtful"])
    h = build_record(_signed(96)).doc
    assert (h.signer, h.detail["signer"].flags) == ("Nguyễn Văn Tuấn", [])


TWO_BODIES = """UBND TỈNH SƠN LA    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
HỘI KHUYẾN HỌC    Độc lập - Tự do - Hạnh phúc
Số: 12/BC-HKH    Sơn La, ngày 05 tháng 3 năm 2024
BÁO CÁO
Kết quả công tác khuyến học năm 2023
"""


def _read(text: str, unsure: set[str]) -> Document:
    """Every token of ``text`` an OCR word at 96, those in ``unsure`` at 30."""
    words, pos = [], 0
    for n, line in enumerate(text.split("\n")):
        for k, m in enumerate(re.finditer(r"\S+", line)):
            box = Box(x0=60 * k, y0=40 * n, x1=60 * k + 50, y1=40 * n + 30)
            conf = 30 if m.group() in unsure else 96
            words.append(Word(text=m.group(), box=box, conf=conf, start=pos + m.start()))
        pos += len(line) + 1
    return doc(text, words)


def test_an_unsure_word_of_either_body_makes_both_bodies_unsure() -> None:
    """Where the parent ends and the issuer begins is one reading of the block: a doubtful
    word of the parent's line puts the issuer in review too, and the other way round."""
    for unsure in ({"SƠN"}, {"KHUYẾN"}):
        h = build_record(_read(TWO_BODIES + END, unsure)).doc
        assert (h.parent_issuer, h.issuer) == ("UBND tỉnh Sơn La", "Hội Khuyến học")
        assert h.detail["issuer"].needs_review and h.detail["parent_issuer"].needs_review
        assert len(h.detail["issuer"].spans) == 1  # its own line only, as before


def test_the_motto_beside_the_bodies_is_not_their_evidence() -> None:
    """An unsure word of the national motto (another column) flags neither body."""
    h = build_record(_read(TWO_BODIES + END, {"CỘNG", "Độc"})).doc
    assert not h.detail["issuer"].needs_review
    assert not h.detail["parent_issuer"].needs_review
    h = build_record(_read(HEADER + END, {"CỘNG"})).doc
    assert not h.detail["issuer"].needs_review


@pytest.mark.parametrize(
    "heading",
    [
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI",
        "UBND TỈNH SƠN LA\nSỞ NỘI VỤ",
        "TỈNH ỦY SƠN LA\nBAN TUYÊN GIÁO",
        "UBND HUYỆN MAI SƠN\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "BỘ CHỈ HUY QUÂN SỰ\nTỈNH SƠN LA",
        "UBND TỈNH QUẢNG NGÃI\nBAN CHỈ ĐẠO 138",
    ],
)
def test_a_body_named_by_its_kind_is_not_suspect(heading: str) -> None:
    h = build_record(doc(_heading(heading) + END)).doc
    assert h.issuer and h.parent_issuer != h.issuer
    for name in ("issuer", "parent_issuer"):
        assert "issuer_suspect" not in (h.detail[name].flags if name in h.detail else [])


@pytest.mark.parametrize(
    ("heading", "suspect"),
    [
        ("KHẨN\nSỞ NỘI VỤ", "parent_issuer"),  # a mark above the block taken for a body
        ("CỦA UỶ BAN NHÂN DÂN\nTỈNH CAO BẰNG", "issuer"),  # the 1990s "Của ..." heading
        ("UBND TỈNH SƠN LA\nỨC Ĩ ÊÊ Ô", "issuer"),  # seal ink read as a line
    ],
)
def test_a_heading_line_not_named_like_a_body_is_suspect(heading: str, suspect: str) -> None:
    h = build_record(doc(_heading(heading) + END)).doc
    assert "issuer_suspect" in h.detail[suspect].flags
    assert h.detail[suspect].needs_review


def _heading(bodies: str) -> str:
    """A header whose left block is ``bodies`` (one body a line), the motto on the right."""
    right = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    lines = bodies.split("\n")
    rows = [f"{b}    {right[i]}" if i < 2 else b for i, b in enumerate(lines)]
    return (
        "\n".join(rows)
        + "\nSố: 12/BC-SNV    Sơn La, ngày 05 tháng 3 năm 2024\nBÁO CÁO\n"
        + ("Kết quả công tác năm 2023\n")
    )


@pytest.mark.parametrize(
    ("written", "place", "flags"),
    [
        ("Sơn La", "Sơn La", []),
        ("SON LA", "Sơn La", []),  # marks fold away: the gazetteer's spelling, sure
        ("Sơn Laa", "Sơn La", ["doubtful"]),  # one slip from a held name
        ("Đoàn Các", "Đoàn Các", ["doubtful"]),  # no unit's name: a misreading
    ],
)
def test_a_place_the_gazetteer_does_not_hold_is_doubtful(
    written: str, place: str, flags: list[str]
) -> None:
    h = build_record(doc(HEADER.replace("Sơn La, ngày", f"{written}, ngày") + END)).doc
    assert h.place == place
    assert ("doubtful" in h.detail["place"].flags) is bool(flags)
    assert h.detail["place"].needs_review is bool(flags)


@pytest.mark.parametrize("line", ["Số: 1337 7C1-5N", "Số: 05 CT-UBND", "Số: 12 BC HKH"])
def test_a_number_line_read_past_parsing_leaves_the_number_flagged_missing(line: str) -> None:
    """A seal or stamp over the symbol: the page shows a number, none was read. Empty and
    unflagged would pass for a document without a number."""
    h = build_record(doc(HEADER.replace("Số: 12/BC-HKH", line) + END)).doc
    assert h.number is None
    assert h.detail["number"].flags == ["missing"] and h.detail["number"].needs_review


def test_a_header_without_a_number_line_or_with_its_number_read_flags_nothing() -> None:
    h = build_record(doc(HEADER.replace("Số: 12/BC-HKH", "") + END)).doc
    assert h.number is None and "number" not in h.detail  # no line: nothing failed
    h = build_record(doc(HEADER + END)).doc
    assert (h.number, h.detail["number"].flags) == ("12/BC-HKH", [])


@pytest.mark.parametrize("title", [".CHÁNH VĂN PHÒNG", "_—— TRƯỞNG BAN", "'KT. CHỦ TỊCH"])
def test_marks_before_the_signers_title_are_specks_not_its(title: str) -> None:
    """A speck or a seal's stroke read as marks before the title ('.CHÁNH VĂN PHÒNG'): the
    title was not recognised, and the name under it, alone on its line, was lost with it."""
    end = f"Nơi nhận:    {title}\n- Như trên;\n- Lưu: VT.\n\nLê Xuân Hải\n"
    h = build_record(doc(HEADER + end)).doc
    assert (h.signer_title, h.signer) == (title.lstrip(".'_— "), "Lê Xuân Hải")


def test_a_recipients_bullet_line_in_capitals_is_no_signers_title() -> None:
    end = "Nơi nhận:\n- CHỦ TỊCH UBND TỈNH;\n- Lưu: VT.\n"
    h = build_record(doc(HEADER + end)).doc
    assert h.signer_title is None and "CHỦ TỊCH UBND TỈNH" in (h.recipients or [])


def test_a_known_bodys_name_wrapped_after_its_dash_is_one_body() -> None:
    """The column cut drops a dash that ends a wrapped heading line: "SỞ LAO ĐỘNG -" /
    "THƯƠNG BINH VÀ XÃ" / "HỘI" is one known body (not "Hội" under a parent named
    "Sở Lao động thương binh và xã", silently). Known names match with or without dashes."""
    head = (
        "UBND TỈNH HÀ GIANG    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ LAO ĐỘNG -    Độc lập - Tự do - Hạnh phúc\nTHƯƠNG BINH VÀ XÃ\nHỘI\n"
        "Số: 27/BC-SLĐTBXH    Hà Giang, ngày 24 tháng 7 năm 2018\nBÁO CÁO\nKết quả năm 2018\n"
    )
    h = build_record(doc(head + END)).doc
    assert (h.issuer, h.parent_issuer) == (
        "Sở Lao động - Thương binh và Xã hội",
        "UBND tỉnh Hà Giang",
    )
    other = head.replace("SỞ LAO ĐỘNG -    Độc", "TRUNG TÂM DỊCH VỤ    Độc").replace(
        "THƯƠNG BINH VÀ XÃ\nHỘI\n", "VIỆC LÀM\n"
    )
    h = build_record(doc(other + END)).doc  # a name the lexicon lacks is read as printed
    assert (h.issuer, h.parent_issuer) == ("Trung tâm dịch vụ việc làm", "UBND tỉnh Hà Giang")


@pytest.mark.parametrize(
    ("line", "heading", "number", "flags"),
    [
        ("Số: 793/TTTr-PTK", "TỜ TRÌNH", "793/TTr-PTK", ["key_repaired", "unknown_code"]),
        ("Số: 1/TIr-SNP", "TỜ TRÌNH", "1/TTr-SNP", ["key_repaired", "unknown_code"]),
        ("Số: 793/TTTr-PTK", "BÁO CÁO", None, ["uncertain_digits"]),  # not BC's code: unread
        ("Số: 12/KH-PTK", "TỜ TRÌNH", "12/KH-PTK", ["unknown_code", "fields_disagree"]),
    ],
)
def test_a_refused_symbol_one_confusion_from_its_headings_code_takes_it(
    line: str, heading: str, number: str | None, flags: list[str]
) -> None:
    """The type heading, read apart in larger print, names the type code the number's
    symbol should carry: "793/TTTr-PTK" under TỜ TRÌNH is 793/TTr-PTK, flagged."""
    text = HEADER.replace("Số: 12/BC-HKH", line).replace("BÁO CÁO", heading)
    h = build_record(doc(text + END)).doc
    assert (h.number, h.detail["number"].flags) == (number, flags)
