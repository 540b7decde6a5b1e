"""Laws cited by name: the catalogue, the matcher and the extractor (positive and negative
examples per rule)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.laws import find_laws
from normalize.fold import fold
from normalize.laws import catalogue, law_key_for_number, match_law

AMENDING_2019 = (
    "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và "
    "Luật Tổ chức chính quyền địa phương 2019"
)


def laws_in(text: str) -> list[tuple[str, str | None, list[str]]]:
    return [(m.key, m.date, m.flags) for m in find_laws(text, fold(text))]


# --- the catalogue -------------------------------------------------------------------


def test_catalogue_is_large_and_unique() -> None:
    laws = catalogue()
    assert len(laws) >= 250
    keys = [law.key for law in laws]
    assert len(keys) == len(set(keys))
    numbers = [law.number for law in laws if law.number]
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize("law", catalogue(), ids=lambda law: law.key)
def test_catalogue_entry_is_well_formed(law) -> None:
    assert law.head in ("Luật", "Bộ luật")
    assert law.name and law.name == law.name.strip() and "  " not in law.name
    # the name goes without its head word; "Luật Luật sư" is the one law named "Luật …"
    assert fold(law.name) == "luat su" or not fold(law.name).startswith(("luat ", "bo luat "))
    assert 1945 <= law.year <= 2026
    if law.number:
        m = re.fullmatch(r"(\d+)/(\d{4})/QH(\d+)", law.number)
        assert m and int(m.group(2)) == law.year
    if law.date:
        assert date.fromisoformat(law.date).year == law.year
    if re.search(r"cua (?:bo )?luat ", fold(law.name)):
        assert law.amends


# --- the matcher -----------------------------------------------------------------------


def test_match_exact_name_and_year_gives_key_number_and_date() -> None:
    m = match_law("Đất đai", 2024)
    assert m is not None
    assert (m.key, m.number, m.date, m.fuzzy) == (
        "Luật Đất đai 2024",
        "31/2024/QH15",
        "2024-01-18",
        False,
    )


def test_match_ignores_marks_case_head_and_nam() -> None:
    m = match_law("Luật TỔ CHỨC chinh quyen dia phuong năm 2015", 2015)
    assert m is not None and m.key == "Luật Tổ chức chính quyền địa phương 2015"
    assert not m.fuzzy


def test_match_year_picks_among_laws_of_one_name() -> None:
    assert match_law("Đất đai", 2013).key == "Luật Đất đai 2013"
    assert match_law("Đất đai", 1993).key == "Luật Đất đai 1993"


def test_match_ambiguous_name_without_fitting_year_is_none() -> None:
    assert match_law("Đất đai", 2011) is None
    assert match_law("Đất đai", None) is None


def test_match_unique_name_with_other_year_is_flagged() -> None:
    m = match_law("Tiếp công dân", 2014)
    assert m is not None and m.key == "Luật Tiếp công dân 2013"
    assert m.fuzzy and not m.year_fits


def test_match_word_dropped_by_ocr_is_fuzzy() -> None:
    m = match_law(
        "sửa đổi, một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương",
        2019,
    )
    assert m is not None and m.key == AMENDING_2019 and m.fuzzy
    assert m.number == "47/2019/QH14"


def test_match_short_names_only_exactly() -> None:
    assert match_law("Giá", 2023).key == "Luật Giá 2023"
    assert match_law("Gia đình", 2023) is None


def test_match_unknown_name_is_none() -> None:
    assert match_law("Quản lý vũ trụ và các hành tinh", 2020) is None


def test_law_key_for_number() -> None:
    assert law_key_for_number("31/2024/QH15") == "Luật Đất đai 2024"
    assert law_key_for_number("47/2019/qh14") == AMENDING_2019
    assert law_key_for_number("999/2024/QH15") is None


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([law for law in catalogue() if len(law.name) >= 12]), st.data())
def test_match_survives_case_and_lost_marks(law, data) -> None:
    """Any catalogue name printed in upper case or without marks maps back to itself."""
    style = data.draw(st.sampled_from([str.upper, fold, str.lower]))
    m = match_law(style(law.name), law.year, law.head)
    assert m is not None and m.key == law.key and not m.fuzzy


# --- the extractor -----------------------------------------------------------------


def test_amending_law_broken_over_lines_is_not_cut_short() -> None:
    text = (
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật\n"
        "sửa đổi, bổ sung một số điêu của Luật Tổ chức Chính phủ và Luật Tổ chức\n"
        "Chính quyền địa phương ngày 22/11/2019;\n"
    )
    assert laws_in(text) == [
        ("Luật Tổ chức chính quyền địa phương 2015", "2015-06-19", []),
        (AMENDING_2019, "2019-11-22", []),
    ]


def test_amending_law_with_a_word_dropped_is_flagged_fuzzy() -> None:
    text = (
        "Căn cứ Luật sửa đổi, một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức "
        "chính quyền địa phương ngày 22 tháng 11 năm 2019;"
    )
    assert laws_in(text) == [(AMENDING_2019, "2019-11-22", ["law_fuzzy"])]


def test_amending_law_of_four_laws() -> None:
    text = (
        "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Đất đai, Luật Nhà ở, Luật Kinh\n"
        "doanh bất động sản và Luật Các tổ chức tín dụng năm 2024;"
    )
    [(key, _, flags)] = laws_in(text)
    assert key.startswith("Luật sửa đổi, bổ sung một số điều của Luật Đất đai, Luật Nhà ở")
    assert key.endswith("Luật Các tổ chức tín dụng 2024") and flags == []


def test_year_is_the_one_printed_with_the_mention() -> None:
    text = (
        "Căn cứ Luật Đất đai năm 2013; Nghị định số 43/2014/NĐ-CP ngày 15/5/2014; "
        "Luật Đất đai ngày 18/01/2024."
    )
    assert [k for k, _, _ in laws_in(text)] == ["Luật Đất đai 2013", "Luật Đất đai 2024"]


def test_a_bare_year_after_the_name_is_its_year() -> None:
    """ "Luật Đất đai 2024", "Bộ luật Dân sự 2015": the year written as the keys write it."""
    text = "Căn cứ Bộ luật Dân sự 2015 và Luật Đất đai 2024; Luật Nhà ở 2023."
    assert [k for k, _, _ in laws_in(text)] == [
        "Bộ luật Dân sự 2015",
        "Luật Đất đai 2024",
        "Luật Nhà ở 2023",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "theo Luật Đất đai, 2024 hộ dân đã được cấp giấy",  # after a comma: a count
        "Luật Đầu tư 61/2020/QH14",  # a number, not a year
        "các Luật 2019 và 2020",  # no name
    ],
)
def test_a_number_that_is_no_bare_year_is_not_taken(text: str) -> None:
    assert laws_in(text) == []


def test_date_after_a_line_break() -> None:
    text = "quy định tại khoản 3 Điều 52 Luật Ngân sách nhà nước ngày\n25/6/2015; theo đề xuất"
    assert laws_in(text) == [("Luật Ngân sách nhà nước 2015", "2015-06-25", [])]


def test_ocr_junk_between_head_and_name_is_skipped_and_flagged() -> None:
    text = "Căn cứ Luật 1: ồ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
    assert laws_in(text) == [
        ("Luật Tổ chức chính quyền địa phương 2015", "2015-06-19", ["law_fuzzy"])
    ]
    assert laws_in("theo khoản 1 Điều 5 Luật 2: ngày 1/1/2020 về việc") == []


def test_year_of_another_document_is_not_taken() -> None:
    text = "theo Luật Tố tụng hành chính và Nghị định số 71/2016/NĐ-CP ngày 01/7/2016"
    assert laws_in(text) == []


def test_year_over_passed_by_phrase_and_abbreviations() -> None:
    text = (
        "- Căn cứ Luật Tổ chức HĐND và UBND các cấp đã được Quốc hội Nước\n"
        "CHXHCN Việt Nam thông qua ngày 21/6/1994."
    )
    assert laws_in(text) == [
        ("Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân 1994", "1994-06-21", []),
    ]


def test_ocr_capitals_and_lost_marks_in_name() -> None:
    text = "thực hiện Luật TỐ TỤNG HÀNH CHÍNH năm 2015 và Luat dat dai nam 2003;"
    assert [k for k, _, _ in laws_in(text)] == [
        "Luật Tố tụng hành chính 2015",
        "Luật Đất đai 2003",
    ]


def test_code_head_bo_luat() -> None:
    assert [k for k, _, _ in laws_in("Căn cứ Bộ luật Dân sự ngày 24/11/2015;")] == [
        "Bộ luật Dân sự 2015",
    ]


def test_name_not_in_catalogue_is_kept_and_flagged() -> None:
    text = "Căn cứ Luật Quản lý vũ trụ ngày 01/01/2020;"
    assert laws_in(text) == [
        ("Luật Quản lý vũ trụ 2020", "2020-01-01", ["law_not_in_catalogue"]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "theo quy định của pháp luật ngày 01/01/2020",
        "Luật sư Nguyễn Văn A ngày 12/3/2021 đã nộp đơn",
        "theo đúng quy định của pháp luật năm 2023 về đất đai",
        "Luật này có hiệu lực từ ngày 01/7/2016",
        "thi hành Luật Thanh tra;",
    ],
)
def test_ordinary_words_are_not_laws(text: str) -> None:
    assert laws_in(text) == []


def test_mention_number_alias() -> None:
    [m] = find_laws(
        "Căn cứ Luật Thanh tra ngày 14/11/2022;", fold("Căn cứ Luật Thanh tra ngày 14/11/2022;")
    )
    assert m.aliases == ["11/2022/QH15"]


@pytest.mark.parametrize("gap", [" ", "\n", " \n"])
def test_any_dated_law_is_found_with_its_date(gap: str) -> None:
    """Every catalogue law cited with its passing date, its name broken at a space, is found
    (all of them, not a sample: a rare name form must not pass by luck)."""
    for law in (law for law in catalogue() if law.date):
        _found_with_date(law, gap)


def _found_with_date(law, gap: str) -> None:
    words = law.name.split(" ")
    cut = len(words) // 2
    name = " ".join(words[:cut]) + (gap if cut else "") + " ".join(words[cut:])
    y, mo, d = law.date.split("-")
    text = f"Căn cứ {law.head} {name.strip()} ngày {int(d)}/{int(mo)}/{y};"
    found = find_laws(text, fold(text))
    assert [(m.key, m.date) for m in found] == [(law.key, law.date)]


# --- names whose words fold like stop words, acronyms, OCR spacing (damage bench) ------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Căn cứ Luật Dược năm 2016;", "Luật Dược 2016"),  # "Dược" folds like "được"
        ("Căn cứ Luật Đa dạng sinh học năm 2008;", "Luật Đa dạng sinh học 2008"),  # "đã"
        (
            "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Dược ngày 21/11/2024;",
            "Luật sửa đổi, bổ sung một số điều của Luật Dược 2024",
        ),
        (
            "Căn cứ Luật Phòng, chống nhiễm vi rút gây ra hội chứng suy giảm miễn dịch mắc "
            "phải ở người (HIV/AIDS) ngày 29/6/2006;",
            "Luật Phòng, chống nhiễm vi rút gây ra hội chứng suy giảm miễn dịch mắc phải ở "
            "người (HIV/AIDS) 2006",
        ),
        ("Căn cứ Luật Tổchức chính quyền địa phương ngày 19/6/2015;", None),  # a space lost
        ("Căn cứ LuậtĐất đai ngày 18/01/2024;", "Luật Đất đai 2024"),
        ("Căn cứ Bộluật Lao động ngày 20/11/2019;", "Bộ luật Lao động 2019"),
        ("Căn cứ Luậ t Đất đai ngày 18/01/2024;", "Luật Đất đai 2024"),  # the head split
        (  # an amending law's lower-case name run into the head
            "Căn cứ Luậtsửa đổi, bổ sung một số điều của Luật Dược ngày 21/11/2024;",
            "Luật sửa đổi, bổ sung một số điều của Luật Dược 2024",
        ),
    ],
)
def test_names_ocr_spaces_and_stop_like_words(text: str, key: str | None) -> None:
    key = key or "Luật Tổ chức chính quyền địa phương 2015"
    got = laws_in(text)
    assert [k for k, _, f in got] == [key] and all(not f for _, _, f in got), got


@pytest.mark.parametrize(
    ("text", "key"),
    [
        # the stop words themselves still end a name, lower case as they are written
        (
            "Căn cứ Luật Đất đai đã được Quốc hội thông qua ngày 18/01/2024;",
            "Luật Đất đai 2024",
        ),
        # a name no catalogue holds, with a word that folds like a stop word: kept, flagged
        ("Căn cứ Luật Dược liệu cổ truyền ngày 02/3/2021;", "Luật Dược liệu cổ truyền 2021"),
    ],
)
def test_stop_words_and_unlisted_names(text: str, key: str) -> None:
    assert [k for k, _, _ in laws_in(text)] == [key]


@pytest.mark.parametrize(
    "text",
    [
        "Luật sư Nguyễn Văn A ngày 12/3/2021",
        "Luậtsư Nguyễn Văn A ngày 12/3/2021",
        "Luậtsửa chữa nhà ở ngày 12/3/2021",  # "sửa" alone does not open an amending law
    ],
)
def test_a_head_run_into_a_common_word_is_no_law(text: str) -> None:
    assert laws_in(text) == []


@pytest.mark.parametrize(
    ("text", "key", "iso", "flags"),
    [  # the page's width breaks the date anywhere: after the day, after "năm"
        (
            "Căn cứ Luật Công nghiệp quốc phòng, an ninh và động viên công nghiệp ngày 8\n"
            "tháng 07 năm 2024;",
            "Luật Công nghiệp quốc phòng, an ninh và động viên công nghiệp 2024",
            "2024-07-08",
            [],
        ),
        (
            "Căn cứ Luật Bảo vệ, chăm sóc và giáo dục trẻ em ngày 06 tháng 01 năm\n2004;",
            "Luật Bảo vệ, chăm sóc và giáo dục trẻ em 2004",
            "2004-01-06",
            [],
        ),
        (  # a name no catalogue holds is still cited, as printed, and flagged
            "Căn cứ Luật Khuyến khích sáng tạo trong cơ quan nhà nước ngày 13\ntháng 01 năm 2019;",
            "Luật Khuyến khích sáng tạo trong cơ quan nhà nước 2019",
            "2019-01-13",
            ["law_not_in_catalogue"],
        ),
    ],
)
def test_a_date_broken_over_lines_is_the_laws_date(
    text: str, key: str, iso: str, flags: list[str]
) -> None:
    assert laws_in(text) == [(key, iso, flags)]


@pytest.mark.parametrize(
    "text",
    [  # a line break is no licence to take what the next line holds
        "Căn cứ Luật Đất đai ngày 18\n",  # no month, no year: no date and no law
        "theo Luật Giá ngày\n16 hộ dân tháng 8",
    ],
)
def test_a_broken_date_needs_its_whole_form(text: str) -> None:
    assert laws_in(text) == []


# --- unseen-scan forms (#15): old date separators, "(sửa đổi)", a year the catalogue lacks --


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Căn cứ Luật Tổ chức HĐND và UBND ngày 21-6-1994;", "1994-06-21"),
        ("Căn cứ Luật Tổ chức HĐND và UBND ngày 21.6.1994;", "1994-06-21"),
        ("Căn cứ Luật Ngân sách nhà nước ngày 25 - 6 - 2015;", "2015-06-25"),
    ],
)
def test_a_laws_date_with_dashes_or_dots(text: str, iso: str) -> None:
    [(key, got, flags)] = laws_in(text)
    assert got == iso and flags == [] and key.endswith(iso[:4])


def test_a_dashed_number_after_a_law_is_no_date() -> None:
    # "ngày" must open it: a number of another document after the name gives no date
    assert laws_in("theo Luật Đất đai 21-6-1994") == []


@pytest.mark.parametrize(
    "text",
    [
        "Căn cứ Luật Tổ chức HĐND và UBND (sửa đổi) ngày 21/6/1994;",
        "Căn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân (sửa đổi)\nngày 21 tháng 6 năm"
        " 1994;",
        "Căn cứ Luật Tổ chức HĐND và UBND (sửa đổi, bổ sung) năm 1994;",
    ],
)
def test_revised_mark_between_name_and_date(text: str) -> None:
    [(key, _, flags)] = laws_in(text)
    assert key == "Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân 1994" and flags == []


def test_other_brackets_still_end_a_name() -> None:
    # only "(sửa đổi)" is passed over: a bracket of another kind is no law's date
    assert laws_in("Căn cứ Luật Đất đai (đã hết hiệu lực) ngày 18/01/2024;") == []


def test_a_year_the_catalogue_lacks_is_another_law_of_that_name() -> None:
    """The catalogue holds the 2013 amending law of Thi đua, khen thưởng, not the 2005 one:
    the 2005 mention is a law of 2005 (flagged), not the 2013 law with a wrong date."""
    text = (
        "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003; Luật sửa đổi, bổ sung một "
        "số điều của Luật Thi đua, khen thưởng ngày 14 tháng 6 năm 2005 và Luật sửa đổi, bổ sung "
        "một số điều của Luật Thi đua, khen thưởng ngày 16 tháng 11 năm 2013;"
    )
    amending = "Luật sửa đổi, bổ sung một số điều của Luật Thi đua, khen thưởng"
    assert laws_in(text) == [
        ("Luật Thi đua, khen thưởng 2003", "2003-11-26", []),
        (f"{amending} 2005", "2005-06-14", ["law_not_in_catalogue"]),
        (f"{amending} 2013", "2013-11-16", []),
    ]


def test_a_year_one_digit_confusion_off_stays_the_catalogues_law() -> None:
    # 2013 read 2018 (3/8): the catalogue's 2013 law, its year flagged
    assert laws_in("Căn cứ Luật Tiếp công dân năm 2018;") == [
        ("Luật Tiếp công dân 2013", None, ["law_fuzzy", "law_year_mismatch"])
    ]


@pytest.mark.parametrize(
    ("text", "key", "iso", "flags"),
    [  # the date after a name as OCR damages it: read by the date reader, look-alikes flagged
        (
            "theo Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống\nma túy ngày 22 tháng"
            " 07 năm Z008.",
            "Luật sửa đổi, bổ sung một số điều của Luật Phòng, chống ma túy 2008",
            "2008-07-22",
            ["uncertain_digits"],
        ),
        (
            "triển khai Luật Công nghiệp quốc phòng, an ninh\nvà động viên công nghiệp ngày 27"
            " tháng 4 nă m 2024.",
            "Luật Công nghiệp quốc phòng, an ninh và động viên công nghiệp 2024",
            "2024-04-27",
            [],
        ),
        ("Căn cứ Luật Đất đai ngảy 18/0l/2024;", "Luật Đất đai 2024", "2024-01-18", []),
    ],
)
def test_a_damaged_date_after_a_name(text: str, key: str, iso: str, flags: list[str]) -> None:
    assert laws_in(text) == [(key, iso, flags)]


@pytest.mark.parametrize(
    "text",
    [  # the date reader is asked only right after the name, and for a whole day
        "Căn cứ Luật Đất đai ngày 18 tháng 01;",
        "Căn cứ Luật Đất đai, Sở đã họp ngày 18/01/2024;",
    ],
)
def test_no_damaged_date_no_law(text: str) -> None:
    assert laws_in(text) == []


def test_a_year_one_off_picks_among_laws_of_one_name_and_the_date_takes_it() -> None:
    """1994 read 1993 on a faded scan: of the 1994 and 2003 laws of this name the 1994 one,
    its year and the date's flagged (the key's year is the catalogue's)."""
    text = (
        "- Căn cứ Luật Tổ chức HDND và UBND các cấp đã được Quốc hội Nước\n"
        "CHXHCN Việt Nam thông qua ngày 21/6/1993."
    )
    assert laws_in(text) == [
        (
            "Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân 1994",
            "1994-06-21",
            ["law_fuzzy", "law_year_mismatch"],
        )
    ]
    m = match_law("Tiếp công dân", 2014)  # one law of the name, a year off: it, flagged
    assert m is not None and m.key == "Luật Tiếp công dân 2013" and not m.year_fits


@pytest.mark.parametrize(
    ("name", "year"), [("Đất đai", 2011), ("Đất đai", 2020), ("Đất đai", None)]
)
def test_no_near_year_among_several_laws_gives_no_match(name: str, year: int | None) -> None:
    # 2011 and 2020 are near none of 1993, 2003, 2013, 2024 (nor two of them): no law picked
    assert match_law(name, year) is None
