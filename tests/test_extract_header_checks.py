"""``fields_disagree``: header fields read apart that contradict one another are flagged,
both of them; fields that agree carry no such flag."""

from __future__ import annotations

import pytest

from extract import build_record
from extract.header.checks import FIELDS_DISAGREE
from schemas import Document, Page, PageRoute, Source, SourceKind

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
