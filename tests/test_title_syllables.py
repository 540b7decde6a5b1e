"""Words run together in a title: split only where one split gives two syllables."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.header.syllables import is_syllable, split_merged
from normalize.fold import fold

SYLLABLES = [
    "của",
    "một",
    "khuyến",
    "học",
    "tỉnh",
    "Quảng",
    "Ngãi",
    "nghiệp",
    "vụ",
    "thi",
    "hành",
    "án",
    "công",
    "tác",
    "người",
    "được",
    "giữa",
    "quyền",
    "chuyển",
    "hóa",
    "bệnh",
    "viện",
    "thuyền",
    "trưởng",
    "đối",
    "với",
    "những",
    "huynh",
    "xích",
    "oanh",
    "khuya",
    "mưa",
    "thuở",
    "nghiêng",
    "tiếp",
    "nhận",
    "đất",
    "ở",
    "ý",
    "kiến",
]


@pytest.mark.parametrize("word", SYLLABLES)
def test_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize(
    "token", ["khuyếnhọc", "Đắk", "uyênh", "củam", "khuyế", "bàntỉnh", "hộc1", "tốc-độ"]
)
def test_not_syllables(token: str) -> None:
    assert not is_syllable(token)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("công tác khuyếnhọc", ("công tác khuyến học", False)),
        ("của tỉnhQuảng Ngãi", ("của tỉnh Quảng Ngãi", False)),
        ("thi hànhán", ("thi hànhán", True)),  # hành án or hàn hán
        ("tụchành", ("tụchành", True)),  # tục hành or tụ chành
        ("COVID-19 và UBND", ("COVID-19 và UBND", False)),  # acronyms
        ("dich vu online", ("dich vu online", False)),  # no marks: not ours to split
        ("tỉnh Đắk Lắk", ("tỉnh Đắk Lắk", False)),  # not a syllable, no split: left
    ],
)
def test_split_merged(text: str, want: tuple[str, bool]) -> None:
    assert split_merged(text) == want


@settings(max_examples=200, deadline=None)
@given(a=st.sampled_from(SYLLABLES), b=st.sampled_from(SYLLABLES))
def test_two_syllables_run_together_are_split_right_or_flagged(a: str, b: str) -> None:
    """The right split always fits, so a unique split is the right one; otherwise the
    token is kept and reported (or it is one syllable itself, is short, or has no marks)."""
    got = split_merged(a + b)
    assert got in {(f"{a} {b}", False), (a + b, True)} or (
        got == (a + b, False)
        and (
            is_syllable(a + b)
            or len(a + b) < 4  # too short to tell from a word
            or (a + b).isupper()
            or fold(a + b) == (a + b).lower()
        )
    )
