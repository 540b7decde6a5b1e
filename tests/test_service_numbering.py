"""Storing a document teaches the archive its number when neither the number nor the date
needs review; a handwritten (flagged) number teaches nothing."""

from pathlib import Path

from extract import build_record
from extract.header import numbering
from service.outcome import learn_sure_number
from tests.test_extract_header_numbering import TEXT, _doc


def _lines(models: Path) -> list[str]:
    path = models / numbering.ARCHIVE_NUMBERS_FILE
    return path.read_text().splitlines() if path.exists() else []


def test_a_sure_number_is_learned(tmp_path: Path) -> None:
    record = build_record(_doc([], TEXT.replace("4{ /", "46/")))
    assert not record.doc.detail["number"].needs_review
    learn_sure_number(tmp_path, record)
    assert [line.split("\t")[1:] for line in _lines(tmp_path)] == [["2025-03-20", "46"]]
    numbering.set_archive_numbers([])


def test_a_number_to_review_is_not_learned(tmp_path: Path) -> None:
    record = build_record(_doc([("46", 0.9)]))
    assert record.doc.number == "46/TB-UBND" and record.doc.detail["number"].needs_review
    learn_sure_number(tmp_path, record)
    no_day = build_record(_doc([], TEXT.replace("4{ /", "46/").replace("ngày 20", "ngày")))
    learn_sure_number(tmp_path, no_day)
    assert _lines(tmp_path) == []
