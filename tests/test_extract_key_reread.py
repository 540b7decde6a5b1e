"""A cited key whose line OCR read again alone (``pages[].line_readings``): another key
read more surely there is taken, flagged ``key_reread``; the same key, a less sure reading,
a reading of another line or one that is no key change nothing."""

from extract import build_record
from schemas import Box, Document, LineReading, Word
from tests.header_support import scan_doc

TEXT = "Xét đề nghị của Sở Nội vụ tại Tờ trình số 373/TTr-SNY ngày 30/12/2024.\n"
ROW = Box(x0=100, y0=950, x1=2300, y1=1060)


def _doc(
    again: str,
    conf: float,
    first: float = 40,
    row: Box = ROW,
    text: str = TEXT,
    unsure: str = "373/TTr-SNY",
) -> Document:
    """``text`` read on one line, ``unsure`` at ``first``, the rest at 95; the line read
    again gives ``again`` at ``conf`` where ``unsure`` stands."""
    words, x = [], 150
    for token in text.split():
        width = 30 * len(token)
        box = Box(x0=x, y0=1000, x1=x + width, y1=1040)
        c = first if token == unsure else 95
        words.append(Word(text=token, box=box, conf=c, start=text.index(token)))
        x += width + 20
    key = next(w for w in words if w.text == unsure)
    reread = [Word(text=again, box=key.box, conf=conf)] if again else []
    doc = scan_doc(text, words)
    doc.pages[0].line_readings = [LineReading(box=row, words=reread, model="lines-test")]
    return doc


def _cites(d: Document) -> dict[str, list[str]]:
    return {c.key: c.flags for c in build_record(d).citations}


def test_a_key_read_more_surely_alone_is_taken_and_flagged() -> None:
    cites = _cites(_doc("573/TTr-SNV", 69))
    assert list(cites) == ["573/TTr-SNV"] and "key_reread" in cites["573/TTr-SNV"]


def test_a_second_reading_not_clearly_surer_is_not_taken() -> None:
    for conf in (35, 55):  # less sure; surer by less than the margin
        cites = _cites(_doc("573/TTr-SNV", conf))
        assert "573/TTr-SNV" not in cites
        assert all("key_reread" not in f for f in cites.values())


def test_a_digit_lost_by_the_second_reading_is_not_taken() -> None:
    """The crop lost the lead digit ("I3/UB-TP" at 73, "3/UB-TP" at 80 alone)."""
    text = "căn cứ Quyết định số I3/UB-TP ngày 05/01/1999 của UBND tỉnh.\n"
    cites = _cites(_doc("3/UB-TP", 80, first=73, text=text, unsure="I3/UB-TP"))
    assert "13/UB-TP" in cites and "key_reread" not in cites["13/UB-TP"]


def test_the_same_key_read_again_changes_nothing() -> None:
    cites = _cites(_doc("373/TTr-SNY", 90))
    assert "573/TTr-SNV" not in cites
    assert all("key_reread" not in f for f in cites.values())


def test_a_second_reading_that_is_no_key_changes_nothing() -> None:
    cites = _cites(_doc("ngày", 96))
    assert all("key_reread" not in f for f in cites.values()) and cites


def test_a_reading_of_another_line_changes_nothing() -> None:
    other = Box(x0=100, y0=200, x1=2300, y1=300)
    cites = _cites(_doc("573/TTr-SNV", 69, row=other))
    assert "573/TTr-SNV" not in cites
