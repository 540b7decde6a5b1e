"""A cited document's printed date as OCR leaves it: look-alike digits, a date shared by a
list of keys, a date that opens the next clause, a year one confusion off the key's.
Positive and negative examples per rule (issue #15: citations+date on unseen scans)."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import build_record
from extract.dates import date_at, find_dates
from normalize.fold import fold
from schemas import Citation, Document, Page, PageRoute, Source, SourceKind


def doc(*pages: str) -> Document:
    ps = [Page(number=i + 1, text=t, route=PageRoute.TEXT_FILE) for i, t in enumerate(pages)]
    return Document(
        source=Source(file="t.txt", sha256="0" * 64, pages=len(ps), kind=SourceKind.TEXT), pages=ps
    )


def cited(text: str) -> dict[str, Citation]:
    return {c.key: c for c in build_record(doc(text)).citations}


def dates(text: str) -> dict[str, str | None]:
    return {k: c.date for k, c in cited(text).items()}


# --- look-alike digits inside a date after "ngày" --------------------------------
LOOKALIKE_POS = [
    ("ngày 1S/3/2024", "2024-03-15"),  # S for 5
    ("ngày 20/0B/2011", "2011-08-20"),  # B for 8
    ("ngày 21 tháng 12 năm Z006", "2006-12-21"),  # Z for 2
    ("ngày 3/0g/2012", "2012-09-03"),  # g for 9
    ("ngày 09/10/202Z", "2022-10-09"),
    ("ngày Z tháng 10 năm 2006", "2006-10-02"),  # a one-letter day between the words
    ("ngày 1Z thảng 11 nâm 2023", "2023-11-12"),  # and the words' marks misread
    ("ngay 0S.11.2006", "2006-11-05"),
    ("ngày ]7 tháng 5 năm\n2010", "2010-05-17"),  # a 1 that lost its foot: "]"
    ("ngày 22 tháng 1] năm 2006", "2006-11-22"),
    ("ngày 1|/3/2024", "2024-03-11"),
    ("ngày 1§ tháng 01 năm 1999", "1999-01-18"),  # a faded 8 read "§"
]


@pytest.mark.parametrize(("text", "value"), LOOKALIKE_POS)
def test_lookalike_digits_read_back_and_marked(text: str, value: str) -> None:
    [hit] = find_dates(fold(text))
    assert (hit.value, hit.confused) == (value, True)


LOOKALIKE_NEG = [
    "ngày bb/12/2024",  # no real digit in the day: letters, not a date
    "ngày sau 12/3",
    "1S/3/2024",  # without "ngày" a look-alike is not read
    "ngày 1S/3/ZOZ4",  # a year needs two real digits
    "ngày 3l/02/2024",  # 31 February: no such day
    "ngày 15/3/2b24",  # 2824: no year of these documents
    "ngày ]]/3/2024",  # marks only, no digit: no day
    "số ]2 ngày 5",  # a bracket outside a date after "ngày" is no digit
]


@pytest.mark.parametrize("text", LOOKALIKE_NEG)
def test_lookalike_not_read_without_a_date_shape(text: str) -> None:
    assert [h for h in find_dates(fold(text)) if h.confused] == []


def test_a_clean_date_is_not_marked() -> None:
    [hit] = find_dates(fold("ngày 15/3/2024"))
    assert (hit.value, hit.confused) == ("2024-03-15", False)


_LOOK = {"0": "O", "1": "l", "2": "Z", "5": "S", "8": "B", "9": "g"}


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.sampled_from(["/", ".", "-", "text"]),
    st.integers(min_value=0, max_value=7),
)
def test_one_lookalike_in_any_date_reads_back(day: datetime.date, sep: str, spot: int) -> None:
    """Any date after "ngày" with one digit of its day or month (or the year's last two)
    read as its look-alike gives the same date back, marked."""
    d, m, y = str(day.day), str(day.month), str(day.year)
    parts = [d, m, y]
    slots = [(0, i) for i in range(len(d))] + [(1, i) for i in range(len(m))]
    slots += [(2, 2), (2, 3)]
    p, i = slots[spot % len(slots)]
    if parts[p][i] not in _LOOK:
        return
    parts[p] = parts[p][:i] + _LOOK[parts[p][i]] + parts[p][i + 1 :]
    if sep == "text":
        text = f"ngày {parts[0]} tháng {parts[1]} năm {parts[2]}"
    else:
        text = f"ngày {sep.join(parts)}"
    hits = find_dates(fold(text))
    assert [h.value for h in hits] == [day.isoformat()]


# --- the date of a key, and whose it is ----------------------------------------------
def test_lookalike_date_of_a_key_is_kept_and_flagged() -> None:
    c = cited("Căn cứ Thông tư số 44/2017/TT-BTC ngày 2B tháng 10 năm 2017 của Bộ Tài chính;")
    got = c["44/2017/TT-BTC"]
    assert got.date == "2017-10-28" and "uncertain_digits" in got.flags and got.needs_review


def test_a_clean_key_date_is_not_flagged() -> None:
    got = cited("Căn cứ Thông tư số 44/2017/TT-BTC ngày 28 tháng 10 năm 2017 của Bộ Tài chính;")
    assert got["44/2017/TT-BTC"].date == "2017-10-28"
    assert not got["44/2017/TT-BTC"].needs_review


SHARED_POS = [
    # "các": several documents, one day after the last
    "thực hiện các Quyết định số 728/QĐ-UBND và 734/QĐ-UBND ngày 14/11/2024 của UBND tỉnh",
    "thực hiện các Quyết định số 728/QĐ-UBND, 734/QĐ-UBND ngày 14/11/2024 của UBND tỉnh",
    # the first number shares the second's suffix, and its day
    "thực hiện các Quyết định số 728 và 734/QĐ-UBND ngày 14/11/2024 của UBND tỉnh",
    # "cùng ngày": the same day said outright
    "theo Quyết định số 728/QĐ-UBND và Quyết định số 734/QĐ-UBND cùng ngày 14/11/2024",
]


@pytest.mark.parametrize("text", SHARED_POS)
def test_a_date_shared_by_a_list(text: str) -> None:
    assert dates(text) == {"728/QĐ-UBND": "2024-11-14", "734/QĐ-UBND": "2024-11-14"}


SHARED_NEG = [
    # no "các", no "cùng": the day is the last key's only
    (
        "theo Quyết định số 728/QĐ-UBND và Quyết định số 734/QĐ-UBND ngày 14/11/2024",
        {"728/QĐ-UBND": None, "734/QĐ-UBND": "2024-11-14"},
    ),
    # each dated on its own: nothing moves
    (
        "các Quyết định số 728/QĐ-UBND ngày 13/11/2024 và 734/QĐ-UBND ngày 14/11/2024",
        {"728/QĐ-UBND": "2024-11-13", "734/QĐ-UBND": "2024-11-14"},
    ),
    # "các" before a list with no date: none invented
    (
        "các Quyết định số 728/QĐ-UBND và 734/QĐ-UBND của UBND tỉnh",
        {"728/QĐ-UBND": None, "734/QĐ-UBND": None},
    ),
]


@pytest.mark.parametrize(("text", "want"), SHARED_NEG)
def test_a_list_date_not_shared(text: str, want: dict[str, str | None]) -> None:
    assert dates(text) == want


NEXT_CLAUSE = [
    # a semicolon: the day is the next clause's
    "theo Công văn số 12/UBND-NC; ngày 05/3/2024 Ban Chỉ đạo đã họp",
    # a full stop and a sentence that opens with its day
    "theo Công văn số 12/UBND-NC. Ngày 05/3/2024, Sở Nội vụ tổ chức hội nghị",
]


@pytest.mark.parametrize("text", NEXT_CLAUSE)
def test_a_date_that_opens_the_next_clause_is_not_the_keys(text: str) -> None:
    assert dates(text) == {"12/UBND-NC": None}


KEY_DATE_KEPT = [
    "Nghị định dưới luật số 60/CP. ngày 05/7/2024 về quyền sở hữu nhà ở",  # a stray full stop
    "theo Công văn số 12/UBND-NC, ngày 05/3/2024, của UBND tỉnh",  # commas round the date
    "theo Công văn số 12/UBND-NC (ngày 05/3/2024) của UBND tỉnh",
    # a comma OCR read as a semicolon: the issuer after the date says it is the key's
    "theo Công văn số 12/UBND-NC; ngày 05/3/2024 của UBND tỉnh",
    "theo Công văn số 12/UBND-NC; ngày 05/3/2024 về việc tổ chức hội nghị",
]


@pytest.mark.parametrize("text", KEY_DATE_KEPT)
def test_the_keys_own_date_after_marks(text: str) -> None:
    assert list(dates(text).values()) == ["2024-03-05" if "12/" in text else "2024-07-05"]


def test_date_at_refuses_the_next_clause_and_takes_a_comma() -> None:
    folded = fold("12/UBND-NC; ngày 05/3/2024 Ban Chỉ đạo đã họp")
    assert date_at(folded, len("12/UBND-NC")) is None
    folded = fold("12/UBND-NC, ngày 05/3/2024")
    hit = date_at(folded, len("12/UBND-NC"))
    assert hit is not None and hit.value == "2024-03-05"


# --- a year one confusion off the key's ------------------------------------------
def test_a_date_year_one_confusion_off_takes_the_keys_year() -> None:
    got = cited("Căn cứ Quyết định số 12/2021/QĐ-TTg ngày 15/3/2027 của Thủ tướng;")
    c = got["12/2021/QĐ-TTg"]
    assert c.date == "2021-03-15" and "year_mismatch" in c.flags and c.needs_review


def test_a_key_year_after_the_citing_document_takes_the_dates() -> None:
    text = (
        "UBND TỈNH QUẢNG NGÃI\nSố: 15/QĐ-UBND\nQuảng Ngãi, ngày 10 tháng 5 năm 2024\n"
        "Căn cứ Quyết định số 12/2027/QĐ-TTg ngày 15/3/2021 của Thủ tướng;"
    )
    c = cited(text)["12/2021/QĐ-TTg"]
    assert c.date == "2021-03-15" and {"year_mismatch", "key_repaired"} <= set(c.flags)


def test_years_no_one_confusion_explains_are_kept_and_flagged() -> None:
    c = cited("Căn cứ Quyết định số 12/2021/QĐ-TTg ngày 15/3/2023 của Thủ tướng;")["12/2021/QĐ-TTg"]
    assert c.date == "2023-03-15" and "year_mismatch" in c.flags and c.needs_review


def test_agreeing_years_untouched() -> None:
    c = cited("Căn cứ Quyết định số 12/2021/QĐ-TTg ngày 15/3/2021 của Thủ tướng;")["12/2021/QĐ-TTg"]
    assert c.date == "2021-03-15" and c.flags == [] and not c.needs_review


def test_a_29_february_is_not_moved_to_a_year_without_one() -> None:
    # 2028 printed for the key's 2023 (3 and 8 a confusion pair): 29/02/2023 is no day,
    # so the date is kept as read, flagged
    c = cited("Căn cứ Quyết định số 12/2023/QĐ-TTg ngày 29/02/2028 của Thủ tướng;")
    got = c["12/2023/QĐ-TTg"]
    assert got.date == "2028-02-29" and "year_mismatch" in got.flags and got.needs_review


# --- a date over a page break ----------------------------------------------------------
def test_a_keys_date_at_the_next_pages_head() -> None:
    got = build_record(
        doc(
            "theo Kế hoạch số 172/KH-UBND ngày",
            "\n6\n\n15/12/2021 của UBND tỉnh về bảo đảm trật tự",
        )
    ).citations
    assert [(c.key, c.date) for c in got] == [("172/KH-UBND", "2021-12-15")]


def test_a_key_at_a_pages_foot_with_ngay_on_the_next() -> None:
    got = build_record(
        doc("theo Kế hoạch số 172/KH-UBND", "- 2 -\nngày 15/12/2021 của UBND tỉnh")
    ).citations
    assert [(c.key, c.date) for c in got] == [("172/KH-UBND", "2021-12-15")]


OVER_BREAK_NEG = [
    # more text after the key on its page: the next page's date is not its
    ("theo Kế hoạch số 172/KH-UBND của UBND tỉnh về an toàn giao thông", "15/12/2021 Sở họp"),
    # the next page opens with other text, a date further on
    ("theo Kế hoạch số 172/KH-UBND", "2\nBan Chỉ đạo họp ngày 15/12/2021"),
]


@pytest.mark.parametrize(("first", "second"), OVER_BREAK_NEG)
def test_no_date_over_a_break_that_is_not_the_keys(first: str, second: str) -> None:
    got = build_record(doc(first, second)).citations
    assert [(c.key, c.date) for c in got] == [("172/KH-UBND", None)]
