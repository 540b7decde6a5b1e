"""``fields_disagree``: header fields read apart that contradict one another are flagged,
both of them; fields that agree carry no such flag."""

from __future__ import annotations

import pytest

from extract import build_record
from extract.header.checks import FIELDS_DISAGREE, SIGNER_TITLE_SUSPECT
from extract.record import CITED_AFTER, NUMBER_ORDER
from schemas import Box, Document, Page, PageRoute, Source, SourceKind, Word

TOP = """ỦY BAN NHÂN DÂN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI    Độc lập - Tự do - Hạnh phúc
Số: {number}    Quảng Ngãi, ngày 05 tháng 3 năm {year}
{heading}
Về việc giao chỉ tiêu biên chế năm 2024
"""


def _header(number: str, year: int, heading: str) -> dict[str, list[str]]:
    text = TOP.format(number=number, year=year, heading=heading)
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    doc = Document(
        source=Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.TEXT), pages=[page]
    )
    h = build_record(doc).doc
    return {k: d.flags for k, d in h.detail.items()}


@pytest.mark.parametrize(
    ("number", "year", "heading", "disagree"),
    [
        ("12/QĐ-UBND", 2024, "QUYẾT ĐỊNH", set()),
        ("12/TTr-UBND", 2024, "TỜ TRÌNH", set()),
        ("12/2024/QĐ-UBND", 2024, "QUYẾT ĐỊNH", set()),
        ("12/UBND-KT", 2024, "", set()),  # a công văn: no type code to compare
        ("12/TTr-UBND", 2024, "QUYẾT ĐỊNH", {"number", "doc_type"}),
        ("12/2023/QĐ-UBND", 2024, "QUYẾT ĐỊNH", {"number", "date"}),
    ],
)
def test_fields_disagree(number: str, year: int, heading: str, disagree: set[str]) -> None:
    flags = _header(number, year, heading)
    assert {k for k, f in flags.items() if FIELDS_DISAGREE in f} == disagree


END = """Nơi nhận:    {title}
- Lưu: VT.    {name}
"""


@pytest.mark.parametrize(
    ("title", "name", "suspect"),
    [
        ("KT. CHỦ TỊCH\n    PHÓ CHỦ TỊCH", "Nguyễn Văn Tuấn", False),
        ("CHỦ TỊCH", "Nguyễn Văn Tuấn", False),
        ("TM. ỦY BAN NHÂN DÂN\n    CHỦ TỊCH", "Nguyễn Văn Tuấn", False),
        ("TM BCH HỘI KHUYẾN HỌC TỈNH", "", False),  # an unsigned draft
        ("KT. CHỦ TỊCH", "Nguyễn Văn Tuấn", True),  # the deputy's line lost
        ("KT. CHỦ TỊCH\n    CHÁNH VĂN PHÒNG", "Nguyễn Văn Tuấn", True),  # not a deputy
    ],
)
def test_signer_title_structure(title: str, name: str, suspect: bool) -> None:
    text = TOP.format(number="12/QĐ-UBND", year=2024, heading="QUYẾT ĐỊNH")
    page = Page(number=1, text=text + END.format(title=title, name=name), route=PageRoute.OCR)
    doc = Document(
        source=Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.TEXT), pages=[page]
    )
    detail = build_record(doc).doc.detail["signer_title"]
    assert (SIGNER_TITLE_SUSPECT in detail.flags) is suspect


def test_a_scan_whose_block_ends_on_the_delegation_is_suspect_without_its_name() -> None:
    """A scan is of an issued paper: a block ending on "KT. CHỦ TỊCH" lost the deputy's line
    even where OCR lost the name too (a draft's text may end there: see above)."""
    text = TOP.format(number="12/QĐ-UBND", year=2024, heading="QUYẾT ĐỊNH")
    end = END.format(title="KT. CHỦ TỊCH", name="")
    start = len(text) + end.index("KT.")
    words = [
        Word(
            text=w,
            box=Box(x0=1500 + 150 * k, y0=2000, x1=1640 + 150 * k, y1=2040),
            conf=95,
            start=start + off,
        )
        for k, (w, off) in enumerate((("KT.", 0), ("CHỦ", 4), ("TỊCH", 8)))
    ]
    page = Page(number=1, text=text + end, route=PageRoute.OCR, words=words)
    doc = Document(
        source=Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )
    assert SIGNER_TITLE_SUSPECT in build_record(doc).doc.detail["signer_title"].flags


@pytest.mark.parametrize(
    ("number", "issuer", "disagree"),
    [
        ("12/QĐ-UBND", "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", False),
        ("12/QĐ-SNV", "UBND TỈNH QUẢNG NGÃI\nSỞ NỘI VỤ", False),
        ("12/QĐ-KTTH", "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", False),  # a code the lexicon lacks
        ("12/QĐ-SNV", "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", True),
    ],
)
def test_issuer_named_by_the_symbol(number: str, issuer: str, disagree: bool) -> None:
    lines = issuer.split("\n")
    text = TOP.format(number=number, year=2024, heading="QUYẾT ĐỊNH")
    text = text.replace("ỦY BAN NHÂN DÂN", lines[0]).replace("TỈNH QUẢNG NGÃI", lines[1])
    flags = _flags(text)
    assert (FIELDS_DISAGREE in flags.get("issuer", [])) is disagree


def _flags(text: str) -> dict[str, list[str]]:
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    doc = Document(
        source=Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.TEXT), pages=[page]
    )
    return {k: d.flags for k, d in build_record(doc).doc.detail.items()}


@pytest.mark.parametrize(
    ("issuer", "place", "disagree"),
    [
        ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", "Quảng Ngãi", False),
        ("UBND TỈNH QUẢNG NGÃI\nSỞ NỘI VỤ", "Quảng Ngãi", False),  # a Sở: its province
        ("ỦY BAN NHÂN DÂN\nHUYỆN MỘ ĐỨC", "Mộ Đức", False),
        ("BỘ NỘI VỤ\n", "Hà Nội", False),  # a central body names no locality
        ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI", "Cao Bằng", True),
    ],
)
def test_place_is_the_issuers_locality(issuer: str, place: str, disagree: bool) -> None:
    lines = issuer.split("\n")
    text = TOP.format(number="12/QĐ-UBND", year=2024, heading="QUYẾT ĐỊNH")
    text = text.replace("ỦY BAN NHÂN DÂN", lines[0]).replace("TỈNH QUẢNG NGÃI", lines[1])
    flags = _flags(text.replace("Quảng Ngãi, ngày", f"{place}, ngày"))
    assert (FIELDS_DISAGREE in flags.get("place", [])) is disagree


@pytest.mark.parametrize(
    ("cited", "late"),
    [
        ("Quyết định số 12/QĐ-UBND ngày 10/01/2024", False),
        ("Nghị định số 15/2023/NĐ-CP ngày 10/01/2023", False),
        ("Quyết định số 12/QĐ-UBND ngày 10/5/2024", True),  # after the document's own date
        ("Nghị định số 15/2025/NĐ-CP", True),  # a key year after it
    ],
)
def test_a_document_cites_only_what_came_before(cited: str, late: bool) -> None:
    text = TOP.format(number="20/QĐ-UBND", year=2024, heading="QUYẾT ĐỊNH") + f"Căn cứ {cited};\n"
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    doc = Document(
        source=Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.TEXT), pages=[page]
    )
    cites = build_record(doc).citations
    assert [(CITED_AFTER in c.flags, c.needs_review) for c in cites] == [(late, late)]


@pytest.mark.parametrize(
    ("cited", "out_of_order"),
    [
        ("Quyết định số 12/QĐ-UBND ngày 10/01/2024", False),  # lower number, earlier
        ("Quyết định số 35/QĐ-UBND ngày 10/5/2023", False),  # last year's numbering
        ("Quyết định số 35/QĐ-UBND ngày 01/02/2024", True),  # higher number, earlier this year
        ("Quyết định số 35/QĐ-SNV ngày 01/02/2024", False),  # another issuer
        ("Kế hoạch số 35/KH-UBND ngày 01/02/2024", False),  # another type
    ],
)
def test_numbers_grow_through_the_year(cited: str, out_of_order: bool) -> None:
    text = TOP.format(number="20/QĐ-UBND", year=2024, heading="QUYẾT ĐỊNH") + f"Căn cứ {cited};\n"
    flags = _flags(text)
    assert (NUMBER_ORDER in flags["number"]) is out_of_order


@pytest.mark.parametrize(
    ("number", "heading", "flagged"),
    [
        ("12/QĐ1-UBND", "QUYẾT ĐỊNH", True),  # a stray stroke after the type
        ("12/QĐ-UBNĐ1", "QUYẾT ĐỊNH", True),
        ("12/TTr-SIP", "TỜ TRÌNH", True),  # one confusion off the Sở Tư pháp's STP
        ("12/QĐ-UBND", "QUYẾT ĐỊNH", False),
        ("12/TTr-SNV", "TỜ TRÌNH", False),
        ("12/UBND-KTTH", "", False),  # a unit of the office: an open set
        ("119/KH-BCĐ389QNg", "KẾ HOẠCH", False),  # a numbered steering board with its place
    ],
)
def test_number_codes_checked(number: str, heading: str, flagged: bool) -> None:
    """The number's code parts are checked against the key lexicon as citations are:
    flagged, never changed; a valid code (however rare) is not flagged."""
    flags = _header(number, 2024, heading)
    assert ("unknown_code" in flags["number"]) is flagged


@pytest.mark.parametrize(
    ("number", "heading", "read", "flags"),
    [
        # a stroke read for the T of a type code: the one type the issuer issues, flagged
        ("12/TIr-UBND", "TỜ TRÌNH", "12/TTr-UBND", ["key_repaired"]),
        ("12/TTr-UBND", "TỜ TRÌNH", "12/TTr-UBND", []),
        # an issuer nobody knows: the type heading under the number names the code
        ("12/TIr-XYZ", "TỜ TRÌNH", "12/TTr-XYZ", ["key_repaired", "unknown_code"]),
        # ... and without it no type is guessed; the digits' reading stays unsure
        ("12/TIr-XYZ", "BÁO CÁO", None, ["uncertain_digits"]),
    ],
)
def test_a_numbers_damaged_type_code(
    number: str, heading: str, read: str | None, flags: list[str]
) -> None:
    text = TOP.format(number=number, year=2024, heading=heading)
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    doc = Document(
        source=Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.TEXT), pages=[page]
    )
    head = build_record(doc).doc
    assert (head.number, head.detail["number"].flags) == (read, flags)
