"""The archive's numbering prior: one issuer numbers a series in order through the year, so
the numbers stored surely bound a new document's number; a handwritten reading is taken
within the bounds, a number outside them is flagged (each rule with a case it must not
touch)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from extract import build_record
from extract.header import numbering
from schemas import DigitAlternative, DigitReading, Document, Page, PageRoute, Source, SourceKind
from schemas.document import Box

ISSUER = "ỦY BAN NHÂN DÂN TỈNH LÀO CAI"
TEXT = (
    "ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI\nSố: 4{ /TB-UBND    Lào Cai, ngày 20 tháng 03 năm 2025\n"
    "THÔNG BÁO\nVề việc tổ chức hội nghị"
)


@pytest.fixture(autouse=True)
def _empty_archive() -> Iterator[None]:
    numbering.set_archive_numbers([])
    yield
    numbering.set_archive_numbers([])


def _archive(*rows: tuple[str, int]) -> None:
    name = numbering.series("1/TB-UBND", ISSUER)
    assert name is not None
    numbering.set_archive_numbers((name, date, n) for date, n in rows)


def _doc(alts: list[tuple[str, float]], text: str = TEXT) -> Document:
    hand = [
        DigitReading(
            field="number",
            text=alts[0][0],
            confidence=alts[0][1],
            alternatives=[DigitAlternative(text=t, p=p) for t, p in alts],
            box=Box(x0=0, y0=0, x1=10, y1=10),
            model="test",
        )
        for _ in alts[:1]
    ]
    page = Page(number=1, text=text, route=PageRoute.OCR, hand_digits=hand)
    return Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED), pages=[page]
    )


def _number(d: Document) -> tuple[str | None, list[str]]:
    h = build_record(d).doc
    return h.number, h.detail["number"].flags


def test_series_is_the_symbol_and_the_issuer() -> None:
    a = numbering.series("45/TB-UBND", ISSUER)
    assert a == numbering.series("12/TB-UBND", " ".join(ISSUER.split()))
    assert a != numbering.series("45/QĐ-UBND", ISSUER)  # another register
    assert a != numbering.series("45/TB-UBND", "ỦY BAN NHÂN DÂN TỈNH SƠN LA")
    assert numbering.series("45/TB-UBND", None) is None


def test_bounds_from_the_same_year_only() -> None:
    _archive(("2025-03-10", 40), ("2025-03-27", 52), ("2024-12-30", 900), ("2025-03-20", 47))
    name = numbering.series("1/TB-UBND", ISSUER)
    b = numbering.bounds(name, "2025-03-20")
    assert b == numbering.Bounds(40, 52)  # the same day says nothing; last year neither
    assert b.allows(46) and b.allows(41) and not b.allows(40) and not b.allows(55)
    assert numbering.bounds(name, "2025-03") is None  # the whole month is "the same time"
    assert numbering.bounds(name, "2025-02") == numbering.Bounds(None, 40)
    assert numbering.bounds(name, "2026-01-05") is None  # nothing of that year
    assert numbering.bounds(numbering.series("1/QĐ-UBND", ISSUER), "2025-03-20") is None


def test_an_unsure_reading_is_settled_by_the_bounds() -> None:
    _archive(("2025-03-18", 45), ("2025-03-24", 50))
    alts = [("45", 0.5), ("46", 0.3), ("95", 0.15)]
    assert _number(_doc(alts)) == ("46/TB-UBND", ["handwritten", "doubtful"])
    # without the archive nothing settles it: left unread
    numbering.set_archive_numbers([])
    value, flags = _number(_doc(alts))
    assert value is None and "uncertain_digits" in flags


def test_a_sure_reading_the_bounds_refuse_is_kept_and_flagged() -> None:
    """The archive's numbering is soft (a number taken days before the document is
    dated): it flags a sure reading, never replaces it."""
    _archive(("2025-03-18", 45), ("2025-03-24", 50))
    alts = [("45", 0.84), ("46", 0.10), ("95", 0.05)]
    assert _number(_doc(alts)) == ("45/TB-UBND", ["handwritten", "number_order"])
    numbering.set_archive_numbers([])
    assert _number(_doc(alts)) == ("45/TB-UBND", ["handwritten"])


def test_a_sure_reading_within_the_bounds_is_taken_as_read() -> None:
    _archive(("2025-03-18", 45), ("2025-03-24", 50))
    assert _number(_doc([("47", 0.8), ("41", 0.1)])) == ("47/TB-UBND", ["handwritten"])


def test_two_readings_within_the_bounds_leave_the_number_unread() -> None:
    _archive(("2025-03-18", 45), ("2025-03-24", 50))
    value, flags = _number(_doc([("47", 0.45), ("46", 0.2), ("48", 0.18)]))
    assert value is None and "uncertain_digits" in flags


def test_printed_number_out_of_the_series_order_is_flagged() -> None:
    text = TEXT.replace("4{ /", "46/")
    _archive(("2025-03-10", 60))
    assert _number(_doc([], text)) == ("46/TB-UBND", ["number_order"])
    _archive(("2025-03-10", 30), ("2025-04-02", 70))
    assert _number(_doc([], text)) == ("46/TB-UBND", [])


def test_learned_numbers_are_read_back_once(tmp_path: Path) -> None:
    numbering.learn_number(tmp_path, "40/TB-UBND", ISSUER, "2025-03-10")
    numbering.learn_number(tmp_path, "40/TB-UBND", ISSUER, "2025-03-10")  # stored twice
    numbering.learn_number(tmp_path, "52/TB-UBND", ISSUER, "2025-03")  # no day: not kept
    numbering.learn_number(tmp_path, "52/TB-UBND", None, "2025-03-27")  # no issuer: not kept
    lines = (tmp_path / numbering.ARCHIVE_NUMBERS_FILE).read_text().splitlines()
    assert len(lines) == 1
    numbering.set_archive_numbers([])
    numbering.load_archive_numbers(tmp_path)
    name = numbering.series("1/TB-UBND", ISSUER)
    assert numbering.bounds(name, "2025-03-20") == numbering.Bounds(40, None)
