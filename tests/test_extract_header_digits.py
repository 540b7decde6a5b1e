"""Priors on handwritten digits and the ``doubtful`` flag: a document is signed on the day
it is dated or a few days later; a reading that only that window supports is given but
flagged, one that nothing supports stays empty (each rule with a case it must not touch)."""

from extract import build_record
from schemas import (
    Box,
    DigitAlternative,
    DigitReading,
    Document,
    Page,
    PageRoute,
    Source,
    SourceKind,
    Word,
)

TEXT = (
    "UBND TỈNH LÀO CAI\nSố: 0{ /TTr-UBND    Lào Cai, ngày @6 tháng 01 năm 2025\n"
    "TỜ TRÌNH\nVề việc miễn nhiệm chức danh"
)


def _doc(
    readings: dict[str, list[tuple[str, float]]],
    signed: str | None,
    text: str = TEXT,
    words: list[Word] | None = None,
) -> Document:
    hand = [
        DigitReading(
            field=f,
            text=alts[0][0],
            confidence=alts[0][1],
            alternatives=[DigitAlternative(text=t, p=p) for t, p in alts],
            box=Box(x0=0, y0=0, x1=10, y1=10),
            model="test",
        )
        for f, alts in readings.items()
    ]
    page = Page(number=1, text=text, route=PageRoute.OCR, hand_digits=hand, words=words or [])
    return Document(
        source=Source(file="d", sha256="0" * 64, pages=1, kind=SourceKind.SCANNED),
        pages=[page],
        metadata={"signed_at": signed} if signed else {},
    )


def _date(d: Document) -> tuple[str | None, list[str]]:
    h = build_record(d).doc
    return h.date, h.detail["date"].flags


def test_reading_after_signing_gives_way_to_the_signing_window() -> None:
    alts = [("29", 0.79), ("27", 0.10), ("79", 0.09)]
    assert _date(_doc({"day": alts}, "2025-01-27T17:22:11")) == (
        "2025-01-27",
        ["handwritten", "doubtful"],
    )
    # unsigned: nothing bounds the reading, and the fallback is too unlikely on its own
    assert _date(_doc({"day": alts}, None)) == ("2025-01-29", ["handwritten"])
    # the fallback is far before the signing: not in the window, left empty and flagged
    far = [("29", 0.79), ("12", 0.15)]
    assert _date(_doc({"day": far}, "2025-01-27T17:22:11")) == ("2025-01", ["uncertain_digits"])
    # two readings share the window: neither is taken
    split = [("29", 0.6), ("26", 0.2), ("25", 0.2)]
    assert _date(_doc({"day": split}, "2025-01-27T17:22:11")) == ("2025-01", ["uncertain_digits"])


def test_three_digit_day_keeps_the_two_digits_the_window_allows() -> None:
    alts = [("211", 0.91), ("214", 0.04)]
    assert _date(_doc({"day": alts}, "2025-01-11T11:26:39")) == (
        "2025-01-11",
        ["handwritten", "doubtful"],
    )
    assert _date(_doc({"day": alts}, None)) == ("2025-01", ["uncertain_digits"])


def test_a_sure_reading_far_before_the_signing_is_doubtful() -> None:
    assert _date(_doc({"day": [("06", 0.9)]}, "2025-01-30T08:00:00")) == (
        "2025-01-06",
        ["handwritten", "doubtful"],
    )
    assert _date(_doc({"day": [("06", 0.9)]}, "2025-01-07T08:00:00")) == (
        "2025-01-06",
        ["handwritten"],
    )


def test_blank_month_from_the_signing_month() -> None:
    text = TEXT.replace("tháng 01 năm 2025", "tháng năm 2024")
    d = _doc({"day": [("22", 0.66), ("12", 0.24)]}, "2024-11-26T10:40:48", text)
    assert _date(d) == ("2024-11-22", ["handwritten", "doubtful"])
    h = build_record(_doc({"day": [("22", 0.66)]}, None, text)).doc
    assert (h.date, h.detail["date"].precision, h.place) == ("2024", "year", "Lào Cai")
    assert h.detail["date"].flags == ["uncertain_digits"]


def test_month_written_with_a_letter_for_a_digit() -> None:
    text = TEXT.replace("ngày @6 tháng 01", "ngày 16 tháng 0I")
    assert _date(_doc({}, None, text)) == ("2025-01-16", [])


def test_ink_in_the_day_blank_that_nothing_reads_is_flagged() -> None:
    text = TEXT.replace("ngày @6", "ngày")
    assert _date(_doc({"day": [("68", 0.87), ("63", 0.09)]}, "2025-01-07", text)) == (
        "2025-01",
        ["uncertain_digits"],
    )
    # an empty blank (no ink): not an unread digit, but the day is still missing, so the
    # record asks for a look (extract.record adds day_missing)
    assert _date(_doc({}, "2025-01-07", text)) == ("2025-01", ["day_missing"])


def _worded(text: str, conf: dict[str, float]) -> list[Word]:
    """Words of the text with a box each (as wide as the word is long, at the word's
    offset), confidence 96 unless given."""
    out, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        for w in line.split():
            start = text.index(w, pos)
            out.append(
                Word(
                    text=w,
                    box=Box(x0=start, y0=50 * i, x1=start + len(w), y1=50 * i + 40),
                    conf=conf.get(w, 96.0),
                    start=start,
                )
            )
            pos = start + len(w)
    return out


def test_printed_number_read_less_surely_than_print_is_doubtful() -> None:
    text = TEXT.replace("0{ /", "22 /").replace("@6", "06")
    h = build_record(_doc({}, None, text, _worded(text, {"22": 80.0}))).doc
    assert (h.number, h.detail["number"].flags) == ("22/TTr-UBND", ["doubtful"])
    h = build_record(_doc({}, None, text, _worded(text, {}))).doc
    assert (h.number, h.detail["number"].flags) == ("22/TTr-UBND", [])
    assert h.detail["date"].flags == []


def test_letter_read_for_a_digit_in_the_number() -> None:
    text = TEXT.replace("0{ /TTr-UBND", "I57/TTr-NĐ-UB")
    h = build_record(_doc({}, None, text)).doc
    assert (h.number, h.detail["number"].flags) == ("157/TTr-NĐ-UB", ["doubtful"])
    h = build_record(_doc({}, None, text.replace("I57", "157"))).doc
    assert (h.number, h.detail["number"].flags) == ("157/TTr-NĐ-UB", [])


def test_printed_date_after_the_signing_is_doubtful() -> None:
    text = TEXT.replace("@6", "06")
    assert _date(_doc({}, "2025-01-05T08:00:00", text)) == ("2025-01-06", ["doubtful"])
    # an archive copy signed on scanning, months later: a sure printed date is no doubt
    words = _worded(text, {})
    assert _date(_doc({}, "2025-06-05T08:00:00", text, words)) == ("2025-01-06", [])
    # the same read less surely than print is
    words = _worded(text, {"06": 85.0})
    assert _date(_doc({}, "2025-06-05T08:00:00", text, words)) == ("2025-01-06", ["doubtful"])


def test_unsigned_day_from_the_one_valid_reading_that_stands_out() -> None:
    # a printout of a signed file, degraded: "06" read "45" (no day), "06" the next reading
    alts = [("45", 0.61), ("06", 0.21), ("16", 0.08), ("48", 0.05)]
    assert _date(_doc({"day": alts}, None)) == ("2025-01-06", ["handwritten", "doubtful"])
    # a valid top reading under the bar, twice as likely as the other valid days together
    alts = [("08", 0.45), ("18", 0.17), ("05", 0.04)]
    assert _date(_doc({"day": alts}, None)) == ("2025-01-08", ["handwritten", "doubtful"])


def test_unsigned_day_left_unread_when_no_valid_reading_stands_out() -> None:
    month = ("2025-01", ["uncertain_digits"])
    # the only valid reading is too unlikely to be more than noise
    assert _date(_doc({"day": [("68", 0.87), ("65", 0.05), ("08", 0.04)]}, None)) == month
    # two valid readings share the probability
    assert _date(_doc({"day": [("45", 0.5), ("06", 0.25), ("16", 0.2)]}, None)) == month
    assert _date(_doc({"day": [("08", 0.45), ("18", 0.25)]}, None)) == month
    # no valid reading at all
    assert _date(_doc({"day": [("77", 0.55), ("73", 0.06), ("37", 0.05)]}, None)) == month
    # a three-digit reading is not cut without a signing window to say which digit is
    # stray, but its cuts ("11", "21") outweigh the valid reading beside it
    assert _date(_doc({"day": [("211", 0.6), ("06", 0.3)]}, None)) == month
    assert _date(_doc({"day": [("211", 0.91), ("214", 0.04)]}, None)) == month
    # a reading of another count of digits than the likeliest comes from another cut of
    # the blank ("81" read where "4" is a printed letter's tail glued to "1" or not)
    assert _date(_doc({"day": [("81", 0.31), ("4", 0.29), ("1", 0.02)]}, None)) == month
    assert _date(_doc({"day": [("118", 0.5), ("06", 0.3)]}, None)) == month
    # a day the month does not have is no candidate ("31" in February)
    text = TEXT.replace("tháng 01", "tháng 02")
    feb = ("2025-02", ["uncertain_digits"])
    assert _date(_doc({"day": [("31", 0.45), ("71", 0.3)]}, None, text)) == feb


def test_a_sure_unsigned_reading_is_not_made_doubtful() -> None:
    assert _date(_doc({"day": [("06", 0.9), ("08", 0.05)]}, None)) == (
        "2025-01-06",
        ["handwritten"],
    )


def test_signed_documents_keep_the_signing_window_not_the_unsigned_rule() -> None:
    # the valid reading stands out but falls outside the signing window: left unread
    alts = [("45", 0.61), ("06", 0.21), ("16", 0.08)]
    assert _date(_doc({"day": alts}, "2025-01-27T08:00:00")) == ("2025-01", ["uncertain_digits"])
