"""Marks in the page text and boxes on the page image, from a record's spans."""

from __future__ import annotations

import html as htmllib
import re

from hypothesis import given
from hypothesis import strategies as st

from schemas import Box, Record, Span
from service import figures as figs
from service.ui import figures, marks

TEXT = st.text(alphabet=st.sampled_from("aăâđeêoôơưy ÁẠỦ\n<&>\"'0123456789"), max_size=80)


@st.composite
def text_and_marks(draw):
    text = draw(TEXT)
    n = len(text)
    pos = st.integers(-3, n + 3)
    spans = draw(st.lists(st.tuples(pos, pos, st.integers(1, 2)), max_size=6))
    refs = [
        marks.Ref(f"r.{i}", "x", "v", [Span(page=p, start=a, end=b)])
        for i, (a, b, p) in enumerate(spans)
    ]
    fixes = draw(st.lists(st.tuples(pos, pos), max_size=3))
    repairs = [{"start": a, "end": b, "original": f"o{i}"} for i, (a, b) in enumerate(fixes)]
    return text, refs, repairs


@given(text_and_marks())
def test_segments_rebuild_the_text_and_carry_exactly_their_marks(case) -> None:
    text, refs, repairs = case
    segs = marks.page_segments(text, 1, refs, repairs)
    assert "".join(s.text for s in segs) == text
    pos = 0
    for seg in segs:
        for i in range(pos, pos + len(seg.text)):
            want = {r.id for r in refs for s in r.spans if s.page == 1 and s.start <= i < s.end}
            assert set(seg.refs) == want
            covered = [e for e in repairs if e["start"] <= i < e["end"]]
            assert (seg.repaired_from is not None) == bool(covered)
        pos += len(seg.text)


@given(text_and_marks())
def test_rendered_text_is_escaped_and_keeps_every_character(case) -> None:
    text, refs, repairs = case
    html = str(marks.render_segments(marks.page_segments(text, 1, refs, repairs)))
    assert "<script" not in html
    # Stripping our own tags and unescaping gives the text back.
    assert htmllib.unescape(re.sub(r"<[^>]+>", "", html)) == text


def test_record_refs_cover_header_citations_and_figures() -> None:
    record = {
        "source": {"file": "46.pdf", "sha256": "a" * 64, "pages": 1, "kind": "scanned"},
        "doc": {
            "number": "46/TB-UBND",
            "detail": {
                "number": {
                    "spans": [{"page": 1, "start": 3, "end": 13}],
                    "confidence": 0.4,
                    "flags": ["uncertain_digits"],
                }
            },
        },
        "citations": [{"key": "677/QĐ-TTg", "partial": True, "spans": []}],
        "amounts": [{"vnd": 1_500_000, "checked": False, "spans": []}],
        "counts": [{"value": 12, "unit": "hội viên", "spans": []}],
    }
    refs = {r.id: r for r in marks.record_refs(Record.model_validate(record))}
    assert refs["doc.number"].value == "46/TB-UBND"
    assert refs["doc.number"].pages == [1]
    assert refs["doc.number"].flags == ["uncertain_digits"]
    assert refs["cit.0"].flags == ["partial"]
    assert refs["amt.0"].value == "1.500.000 đồng"
    assert refs["amt.0"].flags == ["words_disagree"]
    assert refs["cnt.0"].value == "12 hội viên"


def test_boxes_come_from_the_span_or_else_from_the_ocr_words_it_covers() -> None:
    text = "Số: 46/TB-UBND"
    words = [
        {"text": "Số:", "box": {"x0": 10, "y0": 10, "x1": 50, "y1": 30}, "start": 0},
        {"text": "46/TB-UBND", "box": {"x0": 60, "y0": 12, "x1": 200, "y1": 32}, "start": 4},
    ]
    with_box = marks.Ref(
        "a",
        "",
        "",
        [Span(page=1, start=0, end=3, box=Box(x0=1, y0=2, x1=3, y1=4))],
    )
    from_words = marks.Ref("b", "", "", [Span(page=1, start=4, end=len(text))])
    other_page = marks.Ref("c", "", "", [Span(page=2, start=0, end=3)])
    boxes = marks.page_boxes([with_box, from_words, other_page], 1, {"words": words})
    assert [(b.ref, b.x, b.y, b.w, b.h) for b in boxes] == [
        ("a", 1, 2, 2, 2),
        ("b", 60, 12, 140, 20),
    ]


def _fig(doc: int, date: str, kind: str, value: float, unit: str, **kw) -> figs.Figure:
    base = {"measure": "total", "of": None, "text": "", "page": 1, "copy_of": None}
    base.update(kw)
    return figs.Figure(doc, f"{doc}/QĐ", date, None, kind, value, unit, base.pop("of"),
                       base.pop("measure"), base.pop("text"), base.pop("page"), **base)  # fmt: skip


def test_yearly_totals_and_short_numbers() -> None:
    rows = [
        _fig(1, "2023-05-01", "amount", 2_000_000, "đồng"),
        _fig(2, "2023-07", "amount", 500_000, "đồng"),
        _fig(3, "2024-01-02", "amount", 1_000_000_000, "đồng"),
        _fig(3, "2024-01-02", "count", 40, "%"),
        _fig(4, "2024-03-02", "count", 60, "%"),
    ]
    assert figs.yearly(rows, "đồng") == [("2023", 2_500_000, 2), ("2024", 1_000_000_000, 1)]
    assert figs.yearly(rows, "%") == [("2024", 50.0, 2)]
    assert figures.short_number(2_500_000, "đồng") == "2,5 triệu"
    assert figures.short_number(12_345) == "12.345"
    svg = str(figures.bar_chart(figs.yearly(rows, "đồng"), "đồng", "Tổng <tiền>"))
    assert svg.count("<rect") == 2 and "Tổng &lt;tiền&gt;" in svg


def test_totals_add_only_like_quantities_of_distinct_documents() -> None:
    rows = [
        _fig(1, "2024-12-16", "count", 38_760, "hội viên"),
        _fig(1, "2024-12-16", "count", 1_125, "hội viên", measure="change"),
        _fig(1, "2024-12-16", "count", 1_500, "hội viên", measure="target"),
        _fig(1, "2024-12-16", "count", 500, "hội viên"),  # a breakdown of the first total
        _fig(2, "2024-12-16", "count", 38_760, "hội viên", copy_of=1),  # a copy of document 1
        _fig(3, "2024-05-02", "count", 4_215, "hội viên"),
    ]
    assert figs.yearly(rows, "hội viên") == [("2024", 38_760 + 4_215, 2)]
    assert figs.units(rows) == [("hội viên", 3)]


def test_the_text_as_written_is_shown_only_when_it_says_more_than_the_value() -> None:
    header = "UBND TỈNH SƠN LA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM HỘI KHUYẾN HỌC TỈNH"
    assert not marks.shows_more("Hội Khuyến học tỉnh", header)  # only its surroundings
    assert marks.shows_more("06/05/2025", "ngày 06 tháng 05 năm 2025")
    assert marks.shows_more("677/QĐ-TTg", "677/QD-TTG")  # a repaired key
    assert not marks.shows_more("08/QĐ-HKH", "08/QĐ-HKH")
    assert marks.vn_date("2021-10-18") == "18/10/2021" and marks.vn_date("2021-10") == "10/2021"
    assert marks.vn_date("không rõ") == "không rõ" and marks.vn_date(None) == ""
