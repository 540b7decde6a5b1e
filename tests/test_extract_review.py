"""``needs_review``: one rule for the record and the review queue (issue 15).

A silent error is a wrong value that nobody is asked to check; these tests pin that the
record flags exactly the values the queue lists, and that doubt (flags, low OCR
confidence) is what flags them.
"""

from __future__ import annotations

import pytest

from extract import build_record
from extract.review import LOW_CONFIDENCE, needs_review, review_reasons
from schemas import (
    Box,
    Document,
    FieldDetail,
    Page,
    PageRoute,
    RepairDoubt,
    RepairEdit,
    Source,
    SourceKind,
    Span,
    Word,
)
from service import readmodel, review
from service.storage.models import DocumentRow


def _doc(text: str, words: list[Word] | None = None) -> Document:
    route = PageRoute.OCR if words else PageRoute.TEXT_FILE
    kind = SourceKind.SCANNED if words else SourceKind.TEXT
    page = Page(number=1, text=text, route=route, words=words or [])
    return Document(source=Source(file="t", sha256="0" * 64, pages=1, kind=kind), pages=[page])


def _words(text: str, conf: float) -> list[Word]:
    """OCR words of a one-line text, every word read with confidence ``conf`` (0-100)."""
    out, pos = [], 0
    for i, tok in enumerate(text.split(" ")):
        box = Box(x0=i * 50, y0=0, x1=i * 50 + 40, y1=20)
        out.append(Word(text=tok, box=box, conf=conf, start=pos))
        pos += len(tok) + 1
    return out


@pytest.mark.parametrize(
    ("confidence", "flags", "expected"),
    [
        (None, [], []),
        (0.95, [], []),
        (None, ["partial"], []),  # a partial citation is the normal reading of a list
        (LOW_CONFIDENCE - 0.01, [], ["low_confidence"]),
        (0.9, ["handwritten"], ["handwritten"]),
        (0.2, ["key_repaired", "key_repaired"], ["key_repaired", "low_confidence"]),
    ],
)
def test_reasons(confidence: float | None, flags: list[str], expected: list[str]) -> None:
    assert review_reasons(confidence, flags) == expected
    assert needs_review(confidence, flags) is bool(expected)


def test_amount_words_disagree_needs_review() -> None:
    agree = build_record(_doc("là 4.287.000.000 đồng (Bốn tỷ hai trăm tám mươi bảy triệu đồng)."))
    disagree = build_record(_doc("là 4.287.000.000 đồng (Bốn tỷ đồng chẵn)."))
    assert [a.needs_review for a in agree.amounts] == [False]
    assert [a.needs_review for a in disagree.amounts] == [True]


def test_low_confidence_citation_needs_review() -> None:
    text = "Căn cứ Quyết định số 677/QĐ-TTg ngày 10/5/2011 của Thủ tướng"
    sure = build_record(_doc(text, _words(text, 96)))
    unsure = build_record(_doc(text, _words(text, 40)))
    assert [(c.key, c.needs_review) for c in sure.citations] == [("677/QĐ-TTg", False)]
    assert [(c.key, c.needs_review) for c in unsure.citations] == [("677/QĐ-TTg", True)]


def test_queue_lists_exactly_what_the_record_flags() -> None:
    text = (
        "Số: 12/BC-UBND\nCăn cứ Quyết định số 677/QĐ-TTg ngày 10/5/2011 của Thủ tướng, "
        "cấp 4.287.000.000 đồng (Bốn tỷ đồng chẵn) cho 12 xã."
    )
    rec = build_record(_doc(text, _words(text.replace("\n", " "), 50)))
    data = rec.model_dump(mode="json")
    row = DocumentRow(id=1, record=data, kind="scanned", filename="t.pdf", pages=1)
    view = readmodel.read(row)
    assert view is not None
    queued = {i.ref for i in review.items_of(view, boxes=False)}
    flagged = {f"doc.{k}" for k, d in rec.doc.detail.items() if d.needs_review}
    flagged |= {f"cit.{i}" for i, c in enumerate(rec.citations) if c.needs_review}
    flagged |= {f"date.{i}" for i, d in enumerate(rec.date_details) if d.needs_review}
    flagged |= {f"amt.{i}" for i, a in enumerate(rec.amounts) if a.needs_review}
    flagged |= {f"cnt.{i}" for i, c in enumerate(rec.counts) if c.needs_review}
    assert flagged and queued == flagged


def test_an_empty_date_place_or_signer_of_a_scan_is_queued_not_of_a_text_file() -> None:
    text = "Số: 12/BC-UBND\nBÁO CÁO\nKết quả công tác năm 2024"
    scan = build_record(_doc(text, _words(text.replace("\n", " "), 95)))
    typed = build_record(_doc(text))
    for name in ("date", "place", "signer"):
        assert getattr(scan.doc, name) is None
        assert scan.doc.detail[name].flags == ["missing"] and scan.doc.detail[name].needs_review
        assert name not in typed.doc.detail or not typed.doc.detail[name].needs_review
    row = DocumentRow(id=1, record=scan.model_dump(mode="json"), kind="scanned",
                      filename="t.pdf", pages=1)  # fmt: skip
    view = readmodel.read(row)
    assert view is not None
    missing = {i.ref: i.reasons for i in review.items_of(view) if "missing" in i.reasons}
    assert missing == {f"doc.{n}": ["missing"] for n in ("date", "place", "signer")}


def test_the_crop_of_a_handwritten_number_holds_its_digits() -> None:
    text = "Số: /QĐ-UBND"
    rec = build_record(_doc(text, _words(text, 95)))
    rec.doc.number = "125/QĐ-UBND"
    rec.doc.detail["number"] = FieldDetail(
        text="/QĐ-UBND",
        flags=["handwritten"],
        confidence=0.6,
        spans=[Span(page=1, start=5, end=13, box=Box(x0=400, y0=100, x1=700, y1=140))],
    )
    digits = {"field": "number", "text": "125", "confidence": 0.6, "model": "m",
              "box": {"x0": 250, "y0": 95, "x1": 390, "y1": 150}}  # fmt: skip
    info = {"number": 1, "width": 2480, "height": 3508, "hand_digits": [digits]}
    row = DocumentRow(id=1, record=rec.model_dump(mode="json"),
                      kind="scanned", filename="t.pdf", pages=1)  # fmt: skip
    view = readmodel.read(row, pages=[info])
    assert view is not None
    item = next(i for i in review.items_of(view) if i.ref == "doc.number")
    assert item.box is not None
    assert item.box.x <= 250 - 12 and item.box.x + item.box.w >= 700 + 12  # digits and symbol


def _repaired_doc(text: str, restored: list[str], doubts: dict[str, float]) -> Document:
    """A text file repaired by the diacritic repair: ``restored`` words were changed by it,
    ``doubts`` its unsure words with their posterior (first occurrence of each)."""
    page = Page(
        number=1,
        text=text,
        route=PageRoute.TEXT_FILE,
        original_text=text,
        repairs=[
            RepairEdit(start=text.index(w), end=text.index(w) + len(w), original=w)
            for w in restored
        ],
        repair_doubts=[
            RepairDoubt(start=text.index(w), end=text.index(w) + len(w), p=p)
            for w, p in doubts.items()
        ],
    )
    src = Source(file="t.txt", sha256="0" * 64, pages=1, kind=SourceKind.TEXT)
    return Document(source=src, pages=[page])


_REPAIRED = (
    "HỘI KHUYẾN HỌC TỈNH SƠN LA\nSố: 12/BC-HKH\nSơn La, ngày 05 tháng 4 năm 2025\n"
    "BÁO CÁO\nKết quả công tác khuyến học quý I năm 2025\n"
)


def test_a_title_restored_by_repair_is_checked_not_trusted() -> None:
    rec = build_record(_repaired_doc(_REPAIRED, ["Kết", "khuyến"], {}))
    title = rec.doc.detail["title"]
    assert rec.doc.title == "Kết quả công tác khuyến học quý I năm 2025"
    assert "repaired" in title.flags and title.needs_review
    for name in ("number", "date", "doc_type"):  # read by their fold: not doubted
        assert "repaired" not in rec.doc.detail[name].flags


def test_a_title_the_repair_did_not_touch_keeps_no_flag() -> None:
    rec = build_record(_repaired_doc(_REPAIRED, ["HỘI"], {}))
    assert rec.doc.title and "repaired" not in rec.doc.detail["title"].flags
    plain = build_record(_doc(_REPAIRED))
    assert not plain.doc.detail["title"].needs_review


def test_an_unsure_repaired_word_is_the_value_confidence() -> None:
    rec = build_record(_repaired_doc(_REPAIRED, [], {"quý": 0.55}))
    title = rec.doc.detail["title"]
    assert title.confidence == 0.55
    assert review_reasons(title.confidence, title.flags)[-1] == "low_confidence"
