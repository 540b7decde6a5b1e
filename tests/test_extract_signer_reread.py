"""The signer's name read a second time on its own line (``pages[].line_readings``): a
syllable spelt with other marks and read at least as surely replaces the page reading's,
flagged ``name_reread``; other letters, a less sure reading or another line change nothing."""

from extract import build_record
from schemas import Box, Document, LineReading, Word
from tests.header_support import scan_doc

TEXT = """HỘI KHUYẾN HỌC    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH SƠN LA    Độc lập - Tự do - Hạnh phúc
Số: 12/BC-HKH    Sơn La, ngày 05 tháng 3 năm 2024
BÁO CÁO
Kết quả công tác khuyến học năm 2023
Nơi nhận:    CHỦ TỊCH
- Lưu: VT.    Trần Phước Hiên
"""
LINE = Box(x0=1400, y0=1950, x1=2200, y1=2090)


def _box(k: int, y0: int = 2000) -> Box:
    return Box(x0=1500 + 200 * k, y0=y0, x1=1680 + 200 * k, y1=y0 + 40)


def _doc(again: list[tuple[str, float]], conf: float = 95, line: Box = LINE) -> Document:
    start = TEXT.index("Trần")
    words = [
        Word(text=w, box=_box(k), conf=conf, start=start + off)
        for k, (w, off) in enumerate((("Trần", 0), ("Phước", 5), ("Hiên", 11)))
    ]
    reread = [Word(text=t, box=_box(k), conf=c) for k, (t, c) in enumerate(again)]
    doc = scan_doc(TEXT, words)
    doc.pages[0].line_readings = [LineReading(box=line, words=reread, model="lines-test")]
    return doc


def _signer(d: Document) -> tuple[str | None, list[str]]:
    h = build_record(d).doc
    return h.signer, h.detail["signer"].flags


def test_marks_of_the_second_reading_are_taken_and_flagged() -> None:
    d = _doc([("Trần", 96), ("Phước", 96), ("Hiền", 96)])
    assert _signer(d) == ("Trần Phước Hiền", ["name_reread"])


def test_seal_noise_around_the_second_reading_is_not_the_name() -> None:
    """A seal's ring read as "bến" over "Trần" and a stray mark: other letters, kept."""
    d = _doc([("_—t", 20), ("bến", 40), ("Phước", 96), ("Hiền.", 95)])
    assert _signer(d) == ("Trần Phước Hiền", ["name_reread"])


def test_a_less_sure_second_reading_is_not_taken() -> None:
    name, flags = _signer(_doc([("Trần", 96), ("Phước", 96), ("Hiền", 60)]))
    assert name == "Trần Phước Hiên" and "name_reread" not in flags


def test_the_same_reading_twice_changes_nothing() -> None:
    name, flags = _signer(_doc([("Trần", 96), ("Phước", 96), ("Hiên", 96)]))
    assert name == "Trần Phước Hiên" and "name_reread" not in flags


def test_a_reading_of_another_line_is_not_this_name() -> None:
    elsewhere = Box(x0=1400, y0=600, x1=2200, y1=700)
    name, flags = _signer(_doc([("Trần", 96), ("Phước", 96), ("Hiền", 96)], line=elsewhere))
    assert name == "Trần Phước Hiên" and "name_reread" not in flags
