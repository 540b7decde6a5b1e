"""``doubtful`` on the issuer and the signer: a name matched only fuzzily, a name read less
surely than print; the same names read cleanly carry no flag."""

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
