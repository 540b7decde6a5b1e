"""The law catalogue as data (``normalize/data/laws.json``): the invariants every entry
keeps, and laws of 2024-2025 read from administrative text through the public extract
API (positive and negative examples)."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from typing import Any

import pytest

from extract import build_record
from normalize.fold import fold
from normalize.laws import catalogue, law_key_for_number, law_keys
from schemas import Citation, Document, Page, PageRoute, Source, SourceKind

# The year each Quốc hội (legislature) first sat; a law of year Y carries QH<k> of a
# legislature sitting in Y (two in an election year).
_LEGISLATURE_START = {9: 1992, 10: 1997, 11: 2002, 12: 2007, 13: 2011, 14: 2016, 15: 2021}
_NUMBER = re.compile(r"(\d{1,3})/(\d{4})/QH(\d{1,2})")


def _raw() -> list[dict[str, Any]]:
    """The catalogue file itself: the sources are data the matcher does not load."""
    text = resources.files("normalize").joinpath("data/laws.json").read_text(encoding="utf-8")
    entries: list[dict[str, Any]] = json.loads(text)
    return entries


def _sitting(year: int) -> set[int]:
    starts = sorted(_LEGISLATURE_START.items(), key=lambda kv: kv[1])
    out = set()
    for i, (k, start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else start + 5
        if start <= year <= end:
            out.add(k)
    return out


def _citations(text: str) -> list[Citation]:
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    source = Source(file="t.txt", sha256="0" * 64, pages=1, kind=SourceKind.TEXT)
    return build_record(Document(source=source, pages=[page])).citations


def _laws(text: str) -> list[tuple[str, list[str], str | None, list[str]]]:
    return [(c.key, c.aliases, c.date, c.flags) for c in _citations(text)]


# --- invariants ------------------------------------------------------------------


def test_every_entry_has_exactly_the_catalogue_fields() -> None:
    fields = {"head", "name", "year", "number", "date", "source", "amends"}
    assert all(set(e) == fields for e in _raw())


def test_head_name_year_is_unique() -> None:
    keys = [(e["head"], e["name"], e["year"]) for e in _raw()]
    assert len(keys) == len(set(keys))


def test_catalogue_covers_the_laws_of_2024_and_2025() -> None:
    """Several hundred laws, and the two busy years documents of 2025 cite most."""
    laws = catalogue()
    assert len(laws) >= 300
    assert sum(1 for law in laws if law.year == 2025) >= 10
    assert sum(1 for law in laws if law.year == 2024) >= 15


@pytest.mark.parametrize("entry", _raw(), ids=lambda e: f"{e['head']} {e['name']} {e['year']}")
def test_number_and_date_fit_the_year_and_have_a_source(entry: dict[str, Any]) -> None:
    number, when, source = entry["number"], entry["date"], entry["source"]
    if number:
        m = _NUMBER.fullmatch(number)
        assert m, number
        assert int(m.group(2)) == entry["year"]
        assert int(m.group(3)) in _sitting(entry["year"]), number
    if when:
        assert date.fromisoformat(when).year == entry["year"]
        assert number, "a date without a confirmed number: the entry keeps name and year only"
    if number or when:
        assert source and source.strip(), "every number and date names the page it was read on"
    else:
        assert source is None


@pytest.mark.parametrize(
    "entry",
    [e for e in _raw() if e["amends"]],
    ids=lambda e: f"{e['name'][:60]} {e['year']}",
)
def test_amended_laws_are_named_in_the_amending_name(entry: dict[str, Any]) -> None:
    """A law is listed without its head ("Dược"), a code with it ("Bộ luật Hình sự")."""
    name = fold(entry["name"])
    assert name.startswith("sua doi")
    for amended in entry["amends"]:
        printed = amended if amended.startswith("Bộ luật ") else f"Luật {amended}"
        assert fold(printed) in name, amended


def test_legislature_years() -> None:
    assert _sitting(2025) == {15}
    assert _sitting(2016) == {13, 14}
    assert _sitting(1995) == {9}


# --- laws of 2024-2025 through build_record ------------------------------------


def test_cited_by_name_and_date_gives_the_key_and_the_number() -> None:
    assert _laws("Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;") == [
        ("Luật Tổ chức Chính phủ 2025", ["63/2025/QH15"], "2025-02-18", []),
    ]


def test_year_picks_the_2025_law_over_the_2022_law_of_one_name() -> None:
    text = "Căn cứ Luật Thanh tra ngày 14/11/2022; Luật Thanh tra ngày 25 tháng 6 năm 2025;"
    assert [(k, a) for k, a, _, _ in _laws(text)] == [
        ("Luật Thanh tra 2022", ["11/2022/QH15"]),
        ("Luật Thanh tra 2025", ["84/2025/QH15"]),
    ]


def test_amending_law_is_not_the_law_it_amends() -> None:
    text = (
        "Căn cứ Luật Tổ chức Tòa án nhân dân ngày 24 tháng 6 năm 2024; Luật sửa đổi, bổ sung "
        "một số điều của Luật Tổ chức Tòa án nhân dân ngày 24 tháng 6 năm 2025;"
    )
    assert [(k, a) for k, a, _, _ in _laws(text)] == [
        ("Luật Tổ chức Tòa án nhân dân 2024", ["34/2024/QH15"]),
        (
            "Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Tòa án nhân dân 2025",
            ["81/2025/QH15"],
        ),
    ]


def test_amending_law_of_a_code_keeps_its_luat_head() -> None:
    """ "Bộ luật" inside the name is the amended code, not a second citation."""
    text = (
        "Căn cứ Luật sửa đổi, bổ sung một số điều của Bộ luật Tố tụng hình sự "
        "ngày 27 tháng 6 năm 2025;"
    )
    assert _laws(text) == [
        (
            "Luật sửa đổi, bổ sung một số điều của Bộ luật Tố tụng hình sự 2025",
            ["99/2025/QH15"],
            "2025-06-27",
            [],
        ),
    ]


def test_amending_law_of_nine_laws_broken_over_lines() -> None:
    text = (
        "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Chứng khoán, Luật Kế toán, Luật\n"
        "Kiểm toán độc lập, Luật Ngân sách nhà nước, Luật Quản lý, sử dụng tài sản công, Luật\n"
        "Quản lý thuế, Luật Thuế thu nhập cá nhân, Luật Dự trữ quốc gia, Luật Xử lý vi phạm\n"
        "hành chính ngày 29 tháng 11 năm 2024;"
    )
    [(key, aliases, when, flags)] = _laws(text)
    assert key.startswith("Luật sửa đổi, bổ sung một số điều của Luật Chứng khoán")
    assert key.endswith("Luật Xử lý vi phạm hành chính 2024")
    assert (aliases, when, flags) == (["56/2024/QH15"], "2024-11-29", [])


def test_cited_by_number_is_keyed_by_the_number_and_searchable_by_name() -> None:
    [citation] = _citations("Căn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;")
    assert citation.key == "63/2025/QH15"
    assert law_key_for_number("63/2025/QH15") == "Luật Tổ chức Chính phủ 2025"
    assert law_keys("Luật Tổ chức Chính phủ 2025") == [
        "Luật Tổ chức Chính phủ 2025",
        "63/2025/QH15",
    ]
    assert law_keys("84/2025/QH15") == ["Luật Thanh tra 2025", "84/2025/QH15"]


def test_name_not_in_catalogue_is_still_a_law_with_its_year() -> None:
    assert _laws("Căn cứ Luật Quản lý không gian vũ trụ ngày 01 tháng 3 năm 2025;") == [
        ("Luật Quản lý không gian vũ trụ 2025", [], "2025-03-01", ["law_not_in_catalogue"]),
    ]


def test_two_laws_of_one_name_in_one_year_give_no_number() -> None:
    """Luật Tổ chức chính quyền địa phương was passed twice in 2025 (65/2025/QH15 on 19/02,
    72/2025/QH15 on 16/06); a name-year key cannot tell which, so no number is claimed."""
    assert _laws("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 02 năm 2025;") == [
        ("Luật Tổ chức chính quyền địa phương 2025", [], "2025-02-19", []),
    ]
    assert law_key_for_number("72/2025/QH15") is None
