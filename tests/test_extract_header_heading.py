"""The issuer and parent from the better of the heading block's two readings: the page's
(300 dpi) and the block's own closer one (``Page.heading``). The closer reading replaces
the first only where it checks out better; two readings that differ and check out alike
keep the first, flagged for review; never a worse second reading for a right first one."""

from __future__ import annotations

from extract import build_record
from extract.header.heading import READINGS_DISAGREE
from schemas import Box, Document, HeadingReading, Record
from tests.header_support import laid_out


def _rows(lines: list[str], number: str) -> list[tuple[str, int, int]]:
    """The block's lines stacked from the top, the number line under them."""
    return [(t, 200, 150 + 60 * i) for i, t in enumerate(lines)] + [
        (number, 260, 150 + 60 * len(lines))
    ]


def _doc(first: list[str], second: list[str] | None, number: str = "Số: 22/BC-UBND") -> Document:
    """A first page whose heading block read as ``first`` at 300 dpi and as ``second`` in
    its closer reading (the same places on the page: the same word boxes)."""
    doc = laid_out("", _rows(first, number))
    if second is not None:
        again = laid_out("", _rows(second, number)).pages[0]
        box = Box(x0=0, y0=0, x1=1200, y1=210 + 60 * len(second))
        doc.pages[0].heading = HeadingReading(box=box, dpi=400, text=again.text, words=again.words)
    return doc


def _bodies(record: Record) -> tuple[str | None, str | None]:
    return record.doc.parent_issuer, record.doc.issuer


UBND = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI"]


def test_a_damaged_first_reading_takes_the_closer_reading() -> None:
    record = build_record(_doc(["ỦY BAN NHÂN DÂN", "T1NH QUẢNG N@I"], UBND))
    assert record.doc.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    detail = record.doc.detail["issuer"]
    assert detail.text == "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI"  # the reading the value is of
    assert [(s.start, s.end) for s in detail.spans] == [(0, 15), (16, 30)]  # where, on the page
    assert READINGS_DISAGREE not in detail.flags and not detail.needs_review


def test_the_body_the_symbol_names_decides_between_two_clean_readings() -> None:
    first = ["UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ"]
    second = ["UBND TỈNH QUẢNG NGÃI", "SỞ TƯ PHÁP"]
    record = build_record(_doc(first, second, "Số: 22/BC-STP"))
    assert _bodies(record) == ("UBND tỉnh Quảng Ngãi", "Sở Tư pháp")
    assert not record.doc.detail["issuer"].needs_review
    # and the other way round: the first reading is the body the symbol names, it stays
    record = build_record(_doc(second, first, "Số: 22/BC-STP"))
    assert _bodies(record) == ("UBND tỉnh Quảng Ngãi", "Sở Tư pháp")
    assert not record.doc.detail["issuer"].needs_review


def test_a_right_first_reading_is_not_replaced_by_a_worse_one() -> None:
    record = build_record(_doc(UBND, ["ỦY BAN NHÂN DÂN", "T1NH QUẢNG N@I"]))
    assert record.doc.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    detail = record.doc.detail["issuer"]
    assert detail.text == "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI"
    assert not detail.needs_review
    # a closer reading with no body at all changes nothing either
    record = build_record(_doc(UBND, ["~ ."]))
    assert record.doc.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert not record.doc.detail["issuer"].needs_review


def test_readings_that_differ_only_by_marks_agree() -> None:
    record = build_record(_doc(UBND, ["ỦY BAN NHÂN DẦN", "TÍNH QUẢNG NGAI"]))
    assert record.doc.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    detail = record.doc.detail["issuer"]
    assert detail.text == "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI" and not detail.needs_review


def test_two_readings_that_check_out_alike_and_differ_are_flagged() -> None:
    record = build_record(_doc(UBND, ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM"]))
    assert record.doc.issuer == "Ủy ban nhân dân tỉnh Quảng Ngãi"  # the first kept ...
    detail = record.doc.detail["issuer"]
    assert READINGS_DISAGREE in detail.flags and detail.needs_review  # ... for a person


def test_a_parent_read_differently_flags_the_parent_and_the_issuer() -> None:
    first = ["UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ"]
    record = build_record(_doc(first, ["UBND TỈNH QUẢNG NAM", "SỞ NỘI VỤ"], "Số: 22/BC-SNV"))
    assert _bodies(record) == ("UBND tỉnh Quảng Ngãi", "Sở Nội vụ")
    assert READINGS_DISAGREE in record.doc.detail["parent_issuer"].flags
    assert READINGS_DISAGREE in record.doc.detail["issuer"].flags


def test_a_page_without_a_second_reading_reads_as_before() -> None:
    record = build_record(_doc(["ỦY BAN NHÂN DÂN", "T1NH QUẢNG N@I"], None))
    assert record.doc.issuer != "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert READINGS_DISAGREE not in record.doc.detail["issuer"].flags
