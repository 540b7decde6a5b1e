"""Extraction rules, Duckling style: positive and negative examples per rule."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import EXTRACTOR_VERSION, build_record
from extract.dates import find_dates
from extract.money import find_money
from extract.numbers import parse_number, words_to_int
from normalize.fold import fold
from schemas import Document, Page, PageRoute, Source, SourceKind


def doc(*pages: str) -> Document:
    ps = [Page(number=i + 1, text=t, route=PageRoute.TEXT_FILE) for i, t in enumerate(pages)]
    return Document(
        source=Source(file="t.txt", sha256="0" * 64, pages=len(ps), kind=SourceKind.TEXT), pages=ps
    )


def keys(text: str) -> list[str]:
    return [c.key for c in build_record(doc(text)).citations]


# --- citations -------------------------------------------------------------
CITE_POS = [
    ("Quyết định số 677/QĐ-TTg ngày 03/6/2022 của Thủ tướng", ["677/QĐ-TTg"]),
    ("Quyét dinh sb 387/Qb-\nTTg ngay 25/3/2022", ["387/QĐ-TTg"]),
    ("Nghi quyét s 57- -NQ/TW ngay 22/12/2024", ["57-NQ/TW"]),
    ("Thông tư số 22/2020/TT-BGDĐT ngày 06/8/2020", ["22/2020/TT-BGDĐT"]),
    ("Công văn số 5633/VPCP-KSTT ngày 25/7/2023", ["5633/VPCP-KSTT"]),
    ("Quyết định số 242 và 244/QĐ- KHVN của TW Hội", ["242/QĐ-KHVN", "244/QĐ-KHVN"]),
    (
        "các Quyết định 1373, 387 và 677 của Thủ tướng Chính phủ",
        ["1373/QĐ-TTg", "387/QĐ-TTg", "677/QĐ-TTg"],
    ),
    ("Nghị quyết 57, 59 của Bộ Chính trị", ["57-NQ/TW", "59-NQ/TW"]),
    ("Công điện số 131 ngày 11/12/2024 của Thủ tướng Chính phủ", ["131/CĐ-TTg"]),
    ("Công điện số 131/CĐ-\nngày 11/12/2024 của Thủ tướng Chính phủ", ["131/CĐ-TTg"]),
    ("Căn cứ Luật Đất đai năm 2013;", ["Luật Đất đai 2013"]),
    # the other type names of Phụ lục III list numbers too
    ("các Bản ghi nhớ số 58 và 60/2005/BGN-STNMT", ["58/2005/BGN-STNMT", "60/2005/BGN-STNMT"]),
    ("Phiếu gửi số 12 và 14/PG-VP", ["12/PG-VP", "14/PG-VP"]),
    (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
        ["Luật Tổ chức chính quyền địa phương 2015"],
    ),
]
CITE_NEG = [
    "ngày 30/5/2025 có 30/38 Ban khuyến học báo cáo",
    "giai đoạn 2021-2030 và (1912 - 2023)",
    "Quyết định 677 đã được triển khai",  # no issuer, no full key in the text: not guessed
    "COVID-19 và F0/F1",
    "Công điện số 131/CĐ-\nngày 11/12/2024 về phòng, chống bão",  # symbol lost, no issuer
    "Quyết định số 15 ngày 02/3/2024 về việc giao chỉ tiêu",  # a date but no issuer
    "Bản ghi nhớ số 58 ngày 02/3/2024 về hợp tác",  # a type word, a number: no issuer
    "đã nhận phiếu gửi 3 bộ hồ sơ",
]


@pytest.mark.parametrize(("text", "expected"), CITE_POS)
def test_citations_positive(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


@pytest.mark.parametrize("text", CITE_NEG)
def test_citations_negative(text: str) -> None:
    assert keys(text) == []


def test_citation_date_partial_and_text_as_written() -> None:
    rec = build_record(doc("theo Quyết định số 677/QD-TTg ngày 03/6/2022; Quyết định 677 nữa"))
    (c,) = rec.citations
    assert (c.key, c.date, c.partial, c.text) == ("677/QĐ-TTg", "2022-06-03", False, "677/QD-TTg")
    assert len(c.spans) == 2 and c.spans[0].page == 1


@pytest.mark.parametrize(
    ("text", "key", "date"),
    [
        # the issuer between the key and its date
        (
            "Công văn số 4039/STC-HCSN của Sở Tài chính ngày 20/11/2024 đề nghị",
            "4039/STC-HCSN",
            "2024-11-20",
        ),
        # a key whose issuer was lost at a line break keeps the date after it
        (
            "Công điện số 131/CĐ-\nngày 11/12/2024 của Thủ tướng Chính phủ",
            "131/CĐ-TTg",
            "2024-12-11",
        ),
        # OCR's I for the 1 of a day after "ngày"
        (
            "Quyết định số: 350 /UB-QĐ-NĐ ngày I8 tháng 9 năm 1986\ncủa UBND tỉnh",
            "350/UB-QĐ-NĐ",
            "1986-09-18",
        ),
        ("theo Quyết định số 12/QĐ-UBND (ngày 05/3/2024)", "12/QĐ-UBND", "2024-03-05"),
        # OCR's spaces inside "ngày" and inside the date's numbers
        ("Quyết định số 12/QĐ-UBND ngà y 05/3/2024 của UBND tỉnh", "12/QĐ-UBND", "2024-03-05"),
        ("Quyết định số 12/QĐ-UBND ngày 0 5/3/20 24 của UBND tỉnh", "12/QĐ-UBND", "2024-03-05"),
        # a full date right after the key without "ngày" (a table's columns, a comma)
        ("Quyết định số 12/QĐ-UBND, 05/3/2024 của UBND tỉnh", "12/QĐ-UBND", "2024-03-05"),
        ("1 12/QĐ-UBND 05/3/2024 Về việc giao chỉ tiêu", "12/QĐ-UBND", "2024-03-05"),
        # the sentence opens with the day the body issued it ("ban hành", "có", "gửi")
        (
            "Ngày 05/3/2024, Sở Nội vụ có Công văn số 12/SNV-TCBC đề nghị các địa phương",
            "12/SNV-TCBC",
            "2024-03-05",
        ),
        (
            "Ngày 05 tháng 3 năm 2024, Ủy ban nhân dân tỉnh đã ban hành Kế hoạch số 12/KH-UBND",
            "12/KH-UBND",
            "2024-03-05",
        ),
        # ... but a date written after the key is the key's own
        (
            "Ngày 06/3/2024, UBND tỉnh ban hành Quyết định số 12/QĐ-UBND ngày 05/3/2024",
            "12/QĐ-UBND",
            "2024-03-05",
        ),
        # an issuer's name with commas or a dash before the date
        (
            "Thông cáo số 770/TC-SVHTTTDL của Sở Văn hóa, Thông tin, Thể thao và Du lịch "
            "ngày 8/4/2006;",
            "770/TC-SVHTTTDL",
            "2006-04-08",
        ),
        (
            "Kế hoạch số 15/KH-SLĐTBXH của Sở Lao động - Thương binh và Xã hội ban hành "
            "ngày 12 tháng 3 năm 2021",
            "15/KH-SLĐTBXH",
            "2021-03-12",
        ),
    ],
)
def test_citation_date_positive(text: str, key: str, date: str) -> None:
    assert [(c.key, c.date) for c in build_record(doc(text)).citations] == [(key, date)]


@pytest.mark.parametrize(
    "text",
    [
        # a date of something else, after a sentence ends
        "theo Quyết định số 12/QĐ-UBND. Hội nghị ngày 05/3/2024 đã",
        # the issuer phrase is too long to be one: another clause's date
        "Quyết định số 12/QĐ-UBND của tỉnh về việc thành lập các tổ công tác liên ngành "
        "kiểm tra ngày 05/3/2024",
        # commas let the issuer's name run on, but not through a whole clause
        "Quyết định số 12/QĐ-UBND của tỉnh, các sở, ban, ngành về việc thành lập các tổ "
        "công tác liên ngành kiểm tra ngày 05/3/2024",
        # a letter before a day not after "ngày" is no digit
        "Quyết định số 12/QĐ-UBND, I8 tháng 9 năm 1986",
        # a day opening the sentence is not the key's unless the verb says it was issued
        "Ngày 05/3/2024, UBND tỉnh tổ chức hội nghị triển khai Quyết định số 12/QĐ-UBND.",
        "Ngày 05/3/2024, đoàn kiểm tra có ý kiến về Quyết định số 12/QĐ-UBND",
        "Hội nghị ngày 05/3/2024, UBND tỉnh có Công văn số 12/QĐ-UBND",  # not the opening
        "Ngày 05/3, UBND tỉnh có Quyết định số 12/QĐ-UBND",  # no year: no day of a document
        # the look back (160 characters) stops mid-sentence right on this "ngày", words OCR
        # glued making the stretch long: the sentence opens with "Hội nghị", not with it
        "Hội nghị ngày 05/3/2024, UBND tỉnh có Côngvăn" + "x" * 120 + " số 12/UBND-KT",
        # a bare date after a key is the key's only when whole
        "Quyết định số 12/QĐ-UBND 05/3 về việc",
    ],
)
def test_citation_date_negative(text: str) -> None:
    assert [c.date for c in build_record(doc(text)).citations] == [None]


def test_own_number_is_not_a_citation() -> None:
    text = (
        "UBND TỈNH SƠN LA\nHỘI KHUYẾN HỌC\nSố: 60 /BC-HKH\n"
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Sơn La, ngày 24 tháng 4 năm 2023\nBÁO CÁO\nCông tác quý I\n\n"
        "Thực hiện Kết luận số 49-KL/TW ngày 10/5/2019 của Ban Bí thư"
    )
    rec = build_record(doc(text))
    assert rec.doc.number == "60/BC-HKH"
    assert [c.key for c in rec.citations] == ["49-KL/TW"]
    assert (rec.doc.issuer, rec.doc.parent_issuer) == ("Hội Khuyến học", "UBND tỉnh Sơn La")
    assert (rec.doc.date, rec.doc.place, rec.doc.doc_type) == ("2023-04-24", "Sơn La", "Báo cáo")
    assert rec.doc.detail["number"].spans[0].page == 1
    assert rec.provenance.extractor_version == EXTRACTOR_VERSION


def test_blank_day_gives_month_precision() -> None:
    text = (
        "HỘI KHUYẾN HỌC\nSố 04 /KH-HKH\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Sơn La, ngày  tháng 01 năm 2024\nKẾ HOẠCH\nThi đua"
    )
    rec = build_record(doc(text))
    assert rec.doc.date == "2024-01"
    assert rec.doc.detail["date"].precision == "month"
    # the day may be blank in print or lost to OCR: a person looks
    assert rec.doc.detail["date"].flags == ["day_missing"]
    assert rec.doc.detail["date"].needs_review
    full = build_record(doc(text.replace("ngày  tháng", "ngày 12 tháng")))
    assert (full.doc.date, full.doc.detail["date"].needs_review) == ("2024-01-12", False)


# --- dates -----------------------------------------------------------------
DATE_POS = [
    ("ngày 30/5/2025", "2025-05-30"),
    ("ngày 03/6/2022", "2022-06-03"),
    ("(07.3.1944 - x)", "1944-03-07"),
    ("ngày 24 tháng 4 năm 2023", "2023-04-24"),
    ("ngay 25 thang 10nam 2023", "2023-10-25"),
    ("tháng 01/2025", "2025-01"),
    ("ngày 04/10/ \n2019", "2019-10-04"),
    # a date wrapped over two lines, as a cited document's date often is at a line end
    ("ngày 15 tháng 3 năm\n2024", "2024-03-15"),
    ("ngày 15 tháng 3\nnăm 2024", "2024-03-15"),
    ("tháng 12\nnăm 2024", "2024-12"),
    # a 1 or 0 read as I, l or O, one digit of the part still a digit; "ngàv" for "ngày"
    ("ngày 1O/5/2023", "2023-05-10"),
    ("ngày l5/3/2024", "2024-03-15"),
    ("ngày 15/3/202l", "2021-03-15"),
    ("ngày 15 tháng 3 năm 2O24", "2024-03-15"),
    ("ngàv 15 tháng 3 năm 2024", "2024-03-15"),
    # a word or number split where OCR saw its letters or digits spaced, after "ngày"
    ("ngà y 14/11/2024", "2024-11-14"),
    ("ngày 1 4/11/2024", "2024-11-14"),
    ("ngày I 4/11/2024", "2024-11-14"),
    ("ngày 14/1 1/2024", "2024-11-14"),
    ("ngày 14/11/20 24", "2024-11-14"),
    ("ngày 14 thá ng 11 năm 2024", "2024-11-14"),
    ("ngày 14 tháng 1 1 năm 2024", "2024-11-14"),
    ("ngày 14 tháng 11 năm 20 24", "2024-11-14"),
    # a number before a date is not its day's digit unless "ngày" says so
    ("STT 1 04/11/2024", "2024-11-04"),
    ("ngày 1 và 4/11/2024", "2024-11-04"),
]
DATE_NEG = [
    "32/13/2020",
    "giai đoạn 2021-2030",
    "30/38 Ban",
    "1.234.567",
    "29/02/2023",
    "lo/lo/2020",  # no real digit in the day or month
    "1o/5/2ooo",  # a year of one real digit
    "ngày 15 tháng 3 năm\n\n\n\n2024",  # parts more than two line breaks apart
    # split parts are read only after "ngày", and "ngày 3 4/11" (34) is no day: not 4/11
    "họp lần 1 4/1 1/2024",
    "năm 20 24",
    "ngày 3 4/11/2024",
    "ngày 14/112024",  # a separator lost: which digits are the month is a guess
]


@pytest.mark.parametrize(("text", "iso"), DATE_POS)
def test_dates_positive(text: str, iso: str) -> None:
    assert [h.value for h in find_dates(fold(text))] == [iso]


@pytest.mark.parametrize("text", DATE_NEG)
def test_dates_negative(text: str) -> None:
    assert find_dates(fold(text)) == []


def test_date_range() -> None:
    (h,) = find_dates(fold("Trong 10 ngày (từ ngày 20 đến 29/3/2023)"))
    assert (h.value, h.range_end) == ("2023-03-20", "2023-03-29")


# --- money -----------------------------------------------------------------
MONEY_POS = [
    ("tổng số tiền 2.224.402.000 đồng", 2224402000),
    ("463.300.000đồng", 463300000),
    ("5.000.000đ", 5000000),
    ("2,5 tỷ đồng", 2500000000),
    ("35,5 triệu đồng", 35500000),
    ("số tiền năm 2022 là 379 tỷ 030 triệu", 379030000000),
    ("Bốn tỷ hai trăm tám mươi bảy triệu đồng chẵn", 4287000000),
    # thousands set off by spaces (also no-break, thin), a group's 0 read as O
    ("số tiền 315 000 000 đồng", 315000000),
    ("kinh phí 1\u00a0200\u202f000 đồng", 1200000),
    ("kinh phí 315.OOO.OOO đồng", 315000000),
]
MONEY_NEG = [
    "791 dòng họ",
    "3 triệu người",
    "Điều 5 khoản 2",
    "1.486 dong ho hoc tap",
    "xã có 315 000 người",  # spaced groups, no currency
    "mã 12 345 dòng",
    "315.OOO.OOO người",
]


@pytest.mark.parametrize(("text", "vnd"), MONEY_POS)
def test_money_positive(text: str, vnd: int) -> None:
    f = fold(text)
    assert [h.vnd for h in find_money(f, text)] == [vnd]


@pytest.mark.parametrize("text", MONEY_NEG)
def test_money_negative(text: str) -> None:
    assert find_money(fold(text), text) == []


def test_money_cross_check() -> None:
    rec = build_record(doc("là 4.287.000.000 đồng (Bốn tỷ hai trăm tám mươi bảy triệu đồng chẵn)."))
    (a,) = rec.amounts
    assert (a.vnd, a.checked) == (4287000000, True)
    rec = build_record(doc("là 4.287.000.000 đồng (Bốn tỷ đồng chẵn)."))
    assert rec.amounts[0].checked is False


# --- number parsers: properties ---------------------------------------------
@given(st.integers(0, 10**12))
def test_grouped_number_round_trip(n: int) -> None:
    assert parse_number(f"{n:,}".replace(",", ".")).value == n


@given(st.integers(0, 999), st.integers(0, 999))
def test_words_round_trip(millions: int, thousands: int) -> None:
    digits = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]

    def say(n: int) -> str:
        h, t, u = n // 100, n // 10 % 10, n % 10
        out = [digits[h], "trăm"]
        if t == 0 and u:
            out += ["linh", digits[u]]
        elif t == 1:
            out += ["mười"] + ([digits[u]] if u else [])
        elif t:
            out += [digits[t], "mươi"] + ([digits[u]] if u else [])
        return " ".join(out)

    text = f"{say(millions)} triệu {say(thousands)} nghìn"
    assert words_to_int(text) == millions * 1_000_000 + thousands * 1000


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_build_record_never_crashes(text: str) -> None:
    rec = build_record(doc(text, text[::-1]))
    for c in rec.citations:
        for s in c.spans:
            assert 0 <= s.start <= s.end


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="0123456789/.-, QĐTgqdđồngtỷriệungàytháng\n", max_size=120))
def test_parsers_never_crash_on_number_soup(text: str) -> None:
    find_dates(fold(text))
    find_money(fold(text), text)
    build_record(doc(text))


from tests.conftest import SEEDS  # noqa: E402 - beside the rule corpora that use it


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not present")
@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("001", {"677/QĐ-TTg", "387/QĐ-TTg", "1373/QĐ-TTg", "2547/QĐ-UBND", "49-KL/TW"}),
        ("003", {"677/QĐ-TTg", "387/QĐ-TTg", "1315/QĐ-TTg", "01/CT-UBND"}),
        ("004", {"677/QĐ-TTg", "387/QĐ-TTg", "22/2020/TT-BGDĐT", "558/QĐ-NC"}),
    ],
)
def test_clean_seeds_cite(stem: str, expected: set[str]) -> None:
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    found = {c.key for c in build_record(doc(path.read_text())).citations}
    assert expected <= found


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from(
        [
            "{d}/{m}/{y}",
            "{d:02d}/{m:02d}/{y}",
            "{d}.{m}.{y}",
            "ngày {d} tháng {m} năm {y}",
            "ngay {d:02d} thang {m} nam {y}",
        ]
    ),
)
def test_date_round_trip(day, style: str) -> None:
    text = "ký " + style.format(d=day.day, m=day.month, y=day.year) + " tại"
    assert [h.value for h in find_dates(fold(text))] == [day.isoformat()]


@given(st.integers(1000, 10**13), st.sampled_from([" đồng", "đ", "đồng", " VNĐ"]))
def test_money_round_trip(vnd: int, currency: str) -> None:
    text = f"số tiền {vnd:,}".replace(",", ".") + currency
    assert [h.vnd for h in find_money(fold(text), text)] == [vnd]
