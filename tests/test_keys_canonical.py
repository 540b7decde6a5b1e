"""Canonical keys and the query parser: positive and negative examples, properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.keys import KeyParts, canonical_key, parse_key, parse_query

POSITIVE = [
    ("677/QĐ-TTg", "677/QĐ-TTg"),
    ("677 / QĐ-TTg", "677/QĐ-TTg"),
    ("677/QD-TTg", "677/QĐ-TTg"),
    ("677/Qb-TTg", "677/QĐ-TTg"),
    ("387/QDb-TTg", "387/QĐ-TTg"),
    ("1373/QB-TTg", "1373/QĐ-TTg"),
    ("2547/QP-UBND", "2547/QĐ-UBND"),
    ("677/QĐÐ-TTg", "677/QĐ-TTg"),
    ("1716/QD-TTG", "1716/QĐ-TTg"),
    ("1658/QD TTg", "1658/QĐ-TTg"),
    ("387/Qb-\nTTg", "387/QĐ-TTg"),
    ("57- -NQ/TW", "57-NQ/TW"),
    ("11- CT/TW", "11-CT/TW"),
    ("49-KL/TW", "49-KL/TW"),
    ("22/2020/TT-BGDĐT", "22/2020/TT-BGDĐT"),
    ("15/2020/TT- BGDDT", "15/2020/TT-BGDĐT"),
    ("324/Qb-HKHVN", "324/QĐ-KHVN"),
    ("324/QD-KHVNngay", "324/QĐ-KHVN"),
    ("5633/VPCP-KSTT", "5633/VPCP-KSTT"),
    ("2105/UBND-NC", "2105/UBND-NC"),
    ("88/CP", "88/CP"),
    ("01/KH-BCD389QNg", "01/KH-BCĐ389QNg"),
    ("7603/TTr-HDTD", "7603/TTr-HĐTĐ"),
    ("11/CT- -FTg", "11/CT-TTg"),
    ("Số: 16 /BC-HKH", "16/BC-HKH"),
    # the Standing Committee's resolutions and ordinances carry no type code
    ("27/2022/UBTVQH15", "27/2022/UBTVQH15"),
    ("1211/2016/UBTVQH13", "1211/2016/UBTVQH13"),
    # a letter of a Sở whose code joins two words by "&", with its unit
    ("41/SNN&PTNT-XD", "41/SNN&PTNT-XD"),
    ("6507/STN&MT-CNXD", "6507/STN&MT-CNXD"),
    # a space OCR put inside an issuer code: glued where the whole is a code
    ("1234/QĐ-UB ND", "1234/QĐ-UBND"),
    ("12/BC-S NV", "12/BC-SNV"),
    # ... and not where its second run is a code of its own (a space for a hyphen)
    ("1234/QĐ UBND", "1234/QĐ-UBND"),
    ("45/SNV VP", "45/SNV-VP"),
    ("03-NQ/BTV TU", "03-NQ/BTV-TU"),
    ("204/QĐ-NĐ-UB", "204/QĐ-NĐ-UB"),
]
NEGATIVE = [
    "30/5/2025",
    "30/38",
    "2021-2030",
    "",
    "QĐ",
    "16 /BC-HKH Son",
    "abc/def",
    "1/2/3/4",
    "12/2022/UBTV",  # one unknown part
    "12/2022/XYQH15",
    "12/A&B-XD",  # "&" between single letters: no code
    "5/S&-XD",
]


@pytest.mark.parametrize(("written", "key"), POSITIVE)
def test_canonical_key_positive(written: str, key: str) -> None:
    assert canonical_key(written) == key


@pytest.mark.parametrize("written", NEGATIVE)
def test_canonical_key_negative(written: str) -> None:
    assert canonical_key(written) is None


def test_parse_key_parts() -> None:
    assert parse_key("22/2020/TT-BGDĐT") == KeyParts("22", 2020, "TT", "BGDĐT", False)
    assert parse_key("49-KL/TW") == KeyParts("49", None, "KL", "TW", True)
    assert parse_key("5633/VPCP-KSTT").type_code is None


@pytest.mark.parametrize(
    ("query", "number", "type_code", "issuer", "key"),
    [
        ("QĐ 677", "677", "QĐ", None, None),
        ("qd 677 ttg", "677", "QĐ", "TTg", "677/QĐ-TTg"),
        ("Quyết định số 677/QĐ-TTg", "677", "QĐ", "TTg", "677/QĐ-TTg"),
        ("677/QD-TTg", "677", "QĐ", "TTg", "677/QĐ-TTg"),
        ("quyet dinh 677", "677", "QĐ", None, None),
        ("nghị quyết 57 bộ chính trị", "57", "NQ", "TW", "57-NQ/TW"),
        # typed glued, the code before the number
        ("qd677", "677", "QĐ", None, None),
        ("NQ57", "57", "NQ", None, None),
        ("Qđ677 ttg", "677", "QĐ", "TTg", "677/QĐ-TTg"),
        # keys that end in digits (it kept "27/2022/UBTVQH" and searched "15")
        ("27/2022/UBTVQH15", "27", None, "UBTVQH15", "27/2022/UBTVQH15"),
        ("12/2024/QH15", "12", None, "QH15", "12/2024/QH15"),
        # no type code glued: text
        ("H14", None, None, None, None),
        ("ab12", None, None, None, None),
    ],
)
def test_parse_query(query, number, type_code, issuer, key) -> None:
    q = parse_query(query)
    assert (q.number, q.type_code, q.issuer_code, q.key) == (number, type_code, issuer, key)


def test_query_matches_ambiguous_number() -> None:
    q = parse_query("QĐ 677")
    assert q.matches(parse_key("677/QĐ-TTg"))
    assert q.matches(parse_key("677/QĐ-UBND"))
    assert not q.matches(parse_key("677-NQ/TW"))
    assert not q.matches(parse_key("387/QĐ-TTg"))


def test_query_leftover_text() -> None:
    assert parse_query("QĐ 677 học tập suốt đời").text == "học tập suốt đời"


CODES = st.sampled_from(["QĐ", "NQ", "CT", "KH", "TT", "BC", "TTr", "TB", "KL", "CĐ"])
ISSUERS = st.sampled_from(["TTg", "UBND", "BGDĐT", "CP", "KHVN", "HKH", "VPCP"])


@given(st.integers(1, 99999), st.one_of(st.none(), st.integers(1990, 2030)), CODES, ISSUERS)
def test_state_key_round_trip(number, year, code, issuer) -> None:
    parts = KeyParts(str(number), year, code, issuer, False)
    assert parse_key(parts.key) == parts
    assert canonical_key(parts.key.replace("/", " / ").replace("Đ", "D")) == parts.key


@given(st.integers(1, 9999), CODES, st.sampled_from(["TW", "TU", "HU"]))
def test_party_key_round_trip(number, code, issuer) -> None:
    key = f"{number}-{code}/{issuer}"
    assert canonical_key(key) == key
    assert canonical_key(f"{number}- -{code}/{issuer}") == key


@given(st.text(max_size=60))
def test_never_crashes(text: str) -> None:
    key = canonical_key(text)
    assert key is None or canonical_key(key) == key
    parse_query(text)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("46/TB-UBND", True),
        ("TB 46", True),
        ("46 TB", True),
        ("thông báo số 46", True),
        ("21/HKH-VP", True),
        ("12/BC-HKH", True),
        ("tháng 12 báo cáo", False),  # words holding a number and a type word
        ("khuyến học 2024", False),
        ("46", False),
    ],
)
def test_a_query_names_a_document_only_when_it_is_a_number(query: str, names: bool) -> None:
    assert parse_query(query).names_a_document is names


def test_a_loose_query_finds_a_number_with_or_without_leading_zeros() -> None:
    loose = parse_query("08/QĐ-HKH").loose()
    for key in ("8/QĐ-HKH", "08/QĐ-HKH", "008/QĐ-HKH"):
        parts = parse_key(key)
        assert parts is not None and loose.matches(parts), key
    assert not loose.matches(parse_key("18/QĐ-HKH"))
    assert parse_query("HKH-VP 21").matches(parse_key("21/HKH-VP"))  # an issuer of two parts
