"""The lexicon of key parts and the repair of OCR-damaged keys, Duckling style.

Each rule has positive examples (a confusion repaired in a context that agrees)
and negative ones (a valid rare code never repaired, an unknown code kept and
flagged, a slip the context does not confirm left as read).
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import build_record
from extract.citations import NUMBER_DISPUTED, CiteHit, check_keys, find_citations
from extract.text import PageText
from normalize.codes import (
    KEY_REPAIRED,
    UNKNOWN_CODE,
    YEAR_MISMATCH,
    CodeContext,
    Lexicon,
    confusions,
    default_lexicon,
    digit_slip,
    repair_part,
)
from normalize.keys import ISSUER_CODES, TYPE_CODES, KeyParts, canonical_key, parse_key
from schemas import Document, Page, PageRoute, Source, SourceKind

LEX = default_lexicon()


def checked(*texts: str, lexicon: Lexicon | None = None) -> list[tuple[str, list[str]]]:
    """(key, flags) of every full key in a document of these pages, after the check."""
    pages = [
        PageText.from_page(Page(number=i + 1, text=t, route=PageRoute.TEXT_FILE))
        for i, t in enumerate(texts)
    ]
    hits: list[CiteHit] = [h for p in pages for h in find_citations(p)[0] if h.parts]
    check_keys(hits, "\n".join(p.folded for p in pages), lexicon)
    return [(h.key, h.flags) for h in hits]


# --- the lexicon -------------------------------------------------------------
def test_lexicon_covers_the_parser_tables_and_the_brief() -> None:
    assert set(TYPE_CODES) <= set(LEX.types)
    assert set(ISSUER_CODES) <= set(LEX.issuers)
    for code in [
        "QH",
        "UBTVQH",
        "CP",
        "TTg",
        "VPCP",
        "BNNPTNT",
        "BKHĐT",
        "BTNMT",
        "BLĐTBXH",
        "UBND",
        "HĐND",
        "VP",
        "SNV",
        "STP",
        "STNMT",
        "SKHĐT",
        "SKH&ĐT",
        "STC",
        "SXD",
        "SGTVT",
        "STTTT",
        "SVHTTDL",
        "SLĐTBXH",
        "SNNPTNT",
        "SCT",
        "SYT",
        "SGDĐT",
        "SKHCN",
        "BQL",
        "CAT",
        "TTT",
        "TW",
        "TU",
        "HU",
        "ĐU",
        "BTGTW",
        "BTCTU",
    ]:
        assert LEX.knows(code), code
    assert len(LEX.issuers) >= 200
    assert LEX.knows("TTHC", "unit") and LEX.knows("KSTT", "unit")


@pytest.mark.parametrize("code", ["BCĐ138", "BCĐ389QNg", "QH15", "QH9"])
def test_numbered_codes_are_known(code: str) -> None:
    assert LEX.knows(code)


@pytest.mark.parametrize("code", ["UB1ND", "SIP", "SNY", "TT1g", "XYZ"])
def test_damaged_or_foreign_codes_are_not_known(code: str) -> None:
    assert not LEX.knows(code)


def test_extra_codes_make_a_rare_code_known() -> None:
    assert not LEX.knows("BQLDAĐTXD")
    lex = LEX.with_extra(["12/QĐ-BQLDAĐTXD", "SIT"])
    assert lex.knows("BQLDAĐTXD") and lex.knows("SIT")
    assert not LEX.knows("SIT")  # the shared lexicon is not changed


# --- confusions --------------------------------------------------------------
@pytest.mark.parametrize(
    ("read", "true"),
    [
        ("SIP", "stp"),
        ("SNY", "snv"),
        ("TT1g", "ttg"),
        ("NQO", "nq"),
        ("STNMĨT", "stnmt"),
        ("5TC", "stc"),
        ("8TC", "btc"),
        ("SKHĐ7", None),
        ("UBNO", "ubnd"),
        ("HĐBTT", "hdbt"),  # a letter read twice
        ("PTTTr", "pttr"),
        ("Đ", "dd"),  # the pair ĐĐ read as one Đ
        ("BNCTVW", "bnctw"),  # the first stroke of a W read apart
        ("Tg", "tc"),  # g/c, but no letter is guessed back in front: "ttg" is not reached
        ("BTV", None),
    ],
)
def test_confusions(read: str, true: str | None) -> None:
    if true is None:
        assert not any(LEX.knows(c) for c in confusions(read))
    elif read == "Tg":
        assert true in confusions(read) and "ttg" not in confusions(read)
    elif read == "UBNO":  # O for D is not in the table: no confusion reaches UBND
        assert true not in confusions(read)
    else:
        assert true in confusions(read)


@pytest.mark.parametrize(
    ("better", "worse", "slip"),
    [
        ("12", "2", True),
        ("573", "373", True),
        ("1418", "418", True),
        ("736", "735", False),
        ("1743", "1744", False),
        ("208", "222", False),
        ("02", "2", False),
        ("573", "573", False),
    ],
)
def test_digit_slip(better: str, worse: str, slip: bool) -> None:
    assert digit_slip(better, worse) is slip


# --- repair of a part in context -----------------------------------------------
PROVINCE = "uy ban nhan dan tinh quang ngai"


@pytest.mark.parametrize(
    ("seg", "ctx", "expected"),
    [
        ("SIP", CodeContext("BC", text=PROVINCE), ("STP", KEY_REPAIRED)),
        ("SNY", CodeContext("TTr", text=PROVINCE), ("SNV", KEY_REPAIRED)),
        ("STNMĨT", CodeContext("TTr", text=PROVINCE), ("STNMT", KEY_REPAIRED)),
        ("TT1g", CodeContext("QĐ"), ("TTg", KEY_REPAIRED)),
        ("UB1ND", CodeContext("QĐ", text=PROVINCE), ("UBND", KEY_REPAIRED)),
        ("IW", CodeContext("NQ", party=True), ("TW", KEY_REPAIRED)),
        ("HĐBTT", CodeContext("NQ"), ("HĐBT", KEY_REPAIRED)),
        ("PVHTTT", CodeContext("PC", text=PROVINCE), ("PVHTT", KEY_REPAIRED)),
        ("Đ", CodeContext("NQ", party=True), ("ĐĐ", KEY_REPAIRED)),
        ("BNCTVW", CodeContext("NQ", party=True), ("BNCTW", KEY_REPAIRED)),
        # a known code with marks it has not (a diacritic repair took HU for a word)
        ("BTGHỦ", CodeContext("CT", party=True), ("BTGHU", KEY_REPAIRED)),
    ],
)
def test_repair_positive(seg: str, ctx: CodeContext, expected: tuple[str, str]) -> None:
    assert repair_part(seg, "issuer", ctx) == expected


@pytest.mark.parametrize(
    ("seg", "ctx"),
    [
        ("SIP", CodeContext("BC")),  # a Sở code, but nothing says the document is provincial
        ("TT1g", CodeContext("TT")),  # the Prime Minister issues no thông tư
        ("SIT", CodeContext("BC", text=PROVINCE)),  # STT? SIT? no lexicon code one slip away
        ("XYZ", CodeContext("QĐ", text=PROVINCE)),
        ("Đ", CodeContext("QĐ")),  # ĐĐ is a Party body: a state key's Đ is not it
        ("PVHTTT", CodeContext("PC")),  # a Phòng's code, but nothing says it is local
    ],
)
def test_repair_negative_kept_and_flagged(seg: str, ctx: CodeContext) -> None:
    assert repair_part(seg, "issuer", ctx) == (seg, UNKNOWN_CODE)


@pytest.mark.parametrize(
    "seg", ["BCĐ138", "BCĐ389QNg", "UBND", "STP", "SKH&ĐT", "QH15", "TTg", "ĐĐ", "BTTTT"]
)
def test_valid_code_never_repaired(seg: str) -> None:
    assert repair_part(seg, "issuer", CodeContext("QĐ", text=PROVINCE)) == (seg, None)


def test_attestation_decides_between_candidates() -> None:
    # "SIC": STC (Sở Tài chính) and SCT... only STC is one slip away; attested or named
    ctx = CodeContext("BC", attested=frozenset({"stc"}), text=PROVINCE)
    assert repair_part("SIC", "issuer", ctx) == ("STC", KEY_REPAIRED)


def test_a_code_without_the_bar_of_its_d_is_respelt_unflagged() -> None:
    # text without marks writes every Đ as D: the code, as the parser spells QD as QĐ
    ctx = CodeContext("BC", text=PROVINCE)
    assert repair_part("PGDDT", "issuer", ctx) == ("PGDĐT", None)
    assert repair_part("ThU", "issuer", CodeContext("NQ", party=True)) == ("ThU", None)


def test_extra_code_is_not_repaired() -> None:
    lex = LEX.with_extra(["SIP"])
    assert repair_part("SIP", "issuer", CodeContext("BC", text=PROVINCE), lex) == ("SIP", None)


# --- whole documents ---------------------------------------------------------
DOC_POS = [
    (
        "UBND tỉnh Quảng Ngãi. Căn cứ Báo cáo số 12/BC-SIP ngày 03/4/2024 của Sở Tư pháp;",
        [("12/BC-STP", [KEY_REPAIRED])],
    ),
    (
        "Quyết định số 12/2021/QĐ-TT1g ngày 05/3/2021 của Thủ tướng Chính phủ",
        [("12/2021/QĐ-TTg", [KEY_REPAIRED])],
    ),
    (
        "UBND tỉnh. Xét Tờ trình số 573/TTr-SNY ngày 02/02/2024 của Sở Nội vụ",
        [("573/TTr-SNV", [KEY_REPAIRED])],
    ),
    ("Nghị quyết số 17/NQO-CP ngày 07/3/2022 của Chính phủ", [("17/NQ-CP", [KEY_REPAIRED])]),
    ("Nghị quyết số 57-NQO/TW ngày 22/12/2024 của Bộ Chính trị", [("57-NQ/TW", [KEY_REPAIRED])]),
    (
        "UBND tỉnh. Tờ trình số 6389/TTr-STNMĨT của Sở Tài nguyên và Môi trường",
        [("6389/TTr-STNMT", [KEY_REPAIRED])],
    ),
    (  # a mark read from a speck inside the type code
        "Căn cứ Tờ trình 348-T'Tr/HU ngày 2/12/2015 của Huyện ủy",
        [("348-TTr/HU", [])],
    ),
    (  # a Party key's slash read as a 7
        "Căn cứ Chỉ thị số 4614-CT7TW của Ban Bí thư",
        [("4614-CT/TW", [KEY_REPAIRED])],
    ),
    (  # an issuer split by a space: glued back where only the whole is a known code
        "các Nghị quyết 03-NQ/BTV TU và\n8-NQ/BTV TU của Ban Thường vụ Tỉnh ủy",
        [("03-NQ/BTVTU", [KEY_REPAIRED]), ("8-NQ/BTVTU", [KEY_REPAIRED])],
    ),
    (  # a State type code with a stroke read for its T: the one type its issuer issues
        "Căn cứ Tờ trình số 01/TIr-UBND ngày 3/1/2025 của UBND tỉnh",
        [("01/TTr-UBND", [KEY_REPAIRED])],
    ),
    ("theo Kế hoạch số 5/KlH-UBND ngày 3/1/2025", [("5/KH-UBND", [KEY_REPAIRED])]),
]


@pytest.mark.parametrize(("text", "expected"), DOC_POS)
def test_document_repairs(text: str, expected: list) -> None:
    assert checked(text) == expected


DOC_NEG = [
    "Quyết định số 01/QĐ-BCĐ138 ngày 02/01/2024 của Ban Chỉ đạo 138",
    "Công văn số 6658/UBND-TTHC ngày 10/10/2024",
    "Kế hoạch số 01/KH-BCĐ389QNg ngày 05/01/2024",
    "Quyết định số 204/QĐ-NĐ-UB ngày 12/3/1994",
    "Nghị quyết số 49-KL/TW ngày 10/5/2023",
    "Thông tư số 02/2007/TT-BNV ngày 25/5/2007",
    "Văn bản hợp nhất số 03/VBHN-VPQH ngày 12/5/2021",
    "Kế hoạch số 17-KH/TU TU ngày 10/5/2023",  # a known body, then a word: not glued
    "Công văn số 45/SNV-VP ngày 10/5/2023",
    "Công văn số 12/BQL-KT ngày 10/5/2023",  # an unknown first part with no stroke: as read
]


def test_a_damaged_type_is_repaired_only_for_an_issuer_that_issues_it() -> None:
    # an issuer nobody knows: no type guessed, the key not invented
    assert checked("Công văn số 12/TIr-XYZ ngày 3/1/2025") == []
    # a known issuer that issues no Tờ trình of that kind: none either
    assert checked("Công văn số 12/TIr-TW ngày 3/1/2025") == []


@pytest.mark.parametrize("text", DOC_NEG)
def test_document_valid_keys_untouched(text: str) -> None:
    [(key, flags)] = checked(text)
    assert flags == [] and key == canonical_key(key)


def test_unknown_code_kept_and_flagged() -> None:
    assert checked("Công văn số 12/XQZ-KT ngày 03/4/2024") == [("12/XQZ-KT", [UNKNOWN_CODE])]


# --- the year ------------------------------------------------------------------
def test_year_mismatch_flagged() -> None:
    assert checked("Nghị định số 43/2021/NĐ-CP ngày 30/6/2023") == [
        ("43/2021/NĐ-CP", [YEAR_MISMATCH])
    ]


def test_year_confusion_repaired() -> None:
    """A key year after the citing document's date (``issued``) takes the printed one."""
    text = "Nghị định số 43/2028/NĐ-CP ngày 30/6/2023"
    pages = [PageText.from_page(Page(number=1, text=text, route=PageRoute.TEXT_FILE))]
    hits = [h for h in find_citations(pages[0])[0] if h.parts]
    check_keys(hits, pages[0].folded, issued="2024-05-10")
    assert [(h.key, h.flags, h.date) for h in hits] == [
        ("43/2023/NĐ-CP", [YEAR_MISMATCH, KEY_REPAIRED], "2023-06-30")
    ]


def test_year_confusion_without_the_documents_date_keeps_the_key() -> None:
    """Without the citing document's date nothing says the key's year is impossible: the
    key keeps it, the date takes it, both flagged."""
    assert checked("Nghị định số 43/2028/NĐ-CP ngày 30/6/2023") == [
        ("43/2028/NĐ-CP", [YEAR_MISMATCH])
    ]


def test_year_agrees_no_flag() -> None:
    assert checked("Nghị định số 43/2023/NĐ-CP ngày 30/6/2023") == [("43/2023/NĐ-CP", [])]


# --- numbers: a lost or confused digit beside a better attested reading -------
def test_lost_leading_digit_takes_the_attested_number() -> None:
    got = checked(
        "Quyết định số 12/2021/QĐ-TTg ngày 05/3/2021 của Thủ tướng;",
        "thực hiện Quyết định 12/2021/QĐ-TTg. Quyết định 2/2021/QĐ-TTg nói trên",
    )
    assert got == [
        ("12/2021/QĐ-TTg", []),
        ("12/2021/QĐ-TTg", []),
        ("12/2021/QĐ-TTg", [KEY_REPAIRED]),
    ]


def test_misread_digit_with_the_same_date() -> None:
    got = checked(
        "Xét Tờ trình số 573/TTr-SNV ngày 02/02/2024 của Sở Nội vụ;",
        "theo Tờ trình 573/TTr-SNV. Tờ trình số 373/TTr-SNV ngày 02/02/2024",
    )
    assert got == [("573/TTr-SNV", []), ("573/TTr-SNV", []), ("573/TTr-SNV", [KEY_REPAIRED])]


def test_a_number_listed_beside_the_attested_one_is_disputed_not_merged() -> None:
    """Listed together ("12/2021/QĐ-TTg và 2/2021/QĐ-TTg") they are two documents as
    written: merging one into the other would drop a citation a person cannot see."""
    got = checked(
        "Quyết định số 12/2021/QĐ-TTg ngày 05/3/2021 của Thủ tướng;",
        "thực hiện Quyết định 12/2021/QĐ-TTg và Quyết định 2/2021/QĐ-TTg nói trên",
    )
    assert got == [
        ("12/2021/QĐ-TTg", [NUMBER_DISPUTED]),
        ("12/2021/QĐ-TTg", [NUMBER_DISPUTED]),
        ("2/2021/QĐ-TTg", [NUMBER_DISPUTED]),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # consecutive numbers of one issuer: other documents
        "Quyết định số 735/QĐ-UBND, 736/QĐ-UBND và 736/QĐ-UBND ngày 5/5/2024",
        # dates disagree: other documents
        "Quyết định số 12/QĐ-UBND ngày 5/3/2024, Quyết định 12/QĐ-UBND và 2/QĐ-UBND ngày 9/1/2024",
    ],
)
def test_numbers_not_merged(text: str) -> None:
    assert all(flags == [] for _, flags in checked(text))


@pytest.mark.parametrize(
    "text",
    [
        # one mention each: no reading is better attested, one of them is a misreading
        "Tờ trình số 573/TTr-SNV và Tờ trình số 373/TTr-SNV",
        "Căn cứ Quyết định số 387/QĐ-TTg; thực hiện Quyết định số 87/QĐ-TTg",
        "Kế hoạch số 16/KH-UBND ngày 2/3/2024 và Kế hoạch số 18/KH-UBND",
    ],
)
def test_numbers_disputed_are_flagged_not_merged(text: str) -> None:
    got = checked(text)
    assert len({k for k, _ in got}) == 2
    assert all(flags == [NUMBER_DISPUTED] for _, flags in got)


# --- properties ----------------------------------------------------------------
STATE_TYPES = st.sampled_from(sorted(TYPE_CODES))
ISSUERS = st.sampled_from(sorted(c for c in LEX.issuers if "party" not in LEX.issuers[c]))
PARTY = st.sampled_from(sorted(c for c in LEX.issuers if "party" in LEX.issuers[c]))


@given(st.integers(1, 9999), st.one_of(st.none(), st.integers(1990, 2030)), STATE_TYPES, ISSUERS)
def test_state_key_from_lexicon_parts_round_trips(number, year, type_code, issuer) -> None:
    key = KeyParts(str(number), year, type_code, issuer, False).key
    assert canonical_key(key) == key


@given(st.integers(1, 9999), st.sampled_from(sorted(LEX.party_types)), PARTY)
def test_party_key_from_lexicon_parts_round_trips(number, type_code, issuer) -> None:
    key = f"{number}-{type_code}/{issuer}"
    if parse_key(key) is not None:  # Party-only types (QĐi) are outside the parser's table
        assert canonical_key(key) == key


@settings(max_examples=300)
@given(st.text(alphabet="0123456789/-– QĐDTgSNVPIYOĨ1l", max_size=30))
def test_canonical_key_idempotent_never_raises(text: str) -> None:
    key = canonical_key(text)
    assert key is None or canonical_key(key) == key


@given(st.sampled_from(sorted(LEX.issuers)), STATE_TYPES)
def test_lexicon_code_never_repaired(issuer: str, type_code: str) -> None:
    assert repair_part(issuer, "issuer", CodeContext(type_code, text=PROVINCE)) == (issuer, None)


@settings(max_examples=200)
@given(st.text(alphabet="ABCDGHIKLMNOPQSTUVXYĐĨ158&lg", min_size=1, max_size=8))
def test_repaired_keys_are_canonical(seg: str) -> None:
    code, flag = repair_part(seg, "issuer", CodeContext("QĐ", text=PROVINCE))
    assert flag in (None, KEY_REPAIRED, UNKNOWN_CODE)
    if flag == KEY_REPAIRED:
        key = KeyParts("12", None, "QĐ", code, False).key
        assert LEX.knows(code) and canonical_key(key) == key


@pytest.mark.parametrize(
    "text",
    [
        "Căn cứ Quyết định số 4614-QĐ7XYZ ngày 10/5/2023",  # no Party body after the 7
        "Căn cứ Kế hoạch số 12-AB7TW ngày 10/5/2023",  # no Party type before it
    ],
)
def test_a_seven_is_a_slash_only_between_party_type_and_body(text: str) -> None:
    assert not any(key.endswith("/TW") for key, _ in checked(text))


def test_an_issuer_is_completed_only_to_a_known_longer_one() -> None:
    # "34/NQ-HĐBT" beside "21/NQ-HĐBTT" (a T read twice): the known code is whole, the
    # longer one the slip; both read as HĐBT, the slip flagged
    doc = "các Nghị quyết 21/NQ-HĐBTT và 34/NQ-HĐBT của Hội đồng Bộ trưởng"
    assert _record_cites(doc) == {"21/NQ-HĐBT": True, "34/NQ-HĐBT": False}
    # cut short at a line end beside a known longer code: completed, and flagged
    cut = "Kế hoạch số 01/KH-BCĐ389QNg ngày 05/01/2024; Kế hoạch 119/KH-BCĐ38\nngày 2/3/2024"
    assert _record_cites(cut) == {"01/KH-BCĐ389QNg": False, "119/KH-BCĐ389QNg": True}


def _record_cites(text: str) -> dict[str, bool]:
    """Cited key -> needs_review, of a one-page text document through build_record."""
    page = Page(number=1, text=text, route=PageRoute.TEXT_FILE)
    src = Source(file="t", sha256="0" * 64, pages=1, kind=SourceKind.TEXT)
    return {
        c.key: c.needs_review for c in build_record(Document(source=src, pages=[page])).citations
    }


# --- unseen-scan damage (#15): a type code misread in a key read untyped, a glyph added ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # "TTr" read "TTT", a code of its own: the type word says Tờ trình, CP issues one
            "triển khai Tờ trình số 589/TTT-CP\nngày 14-12-2023 của Chính phủ",
            [("589/TTr-CP", [KEY_REPAIRED])],
        ),
        ("theo Kế hoạch số 45/KHI-UBND ngày 10/5/2023", [("45/KH-UBND", [KEY_REPAIRED])]),
    ],
)
def test_an_untyped_key_takes_the_type_its_word_names(text: str, expected: list) -> None:
    assert checked(text) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("theo Công văn số 45/SNV-VP ngày 10/5/2023", "45/SNV-VP"),  # a letter has no type code
        ("theo Tờ trình số 45/SNV-VP ngày 10/5/2023", "45/SNV-VP"),  # SNV is not one off TTr
        ("theo Kế hoạch số 45/TTT-UBND ngày 10/5/2023", "45/TTT-UBND"),  # TTT is two off KH
        ("theo Tờ trình 45/TTT-XYZ ngày 10/5/2023", "45/TTT-XYZ"),  # no issuer after it
    ],
)
def test_an_untyped_key_far_from_its_word_stays_as_read(text: str, key: str) -> None:
    [(got, flags)] = checked(text)
    assert got == key and KEY_REPAIRED not in flags


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a speck read as a letter inside TTg, written cleanly in the same list
            "các Công điện số 4/CĐ-TTEg và 7/CĐ-TTg ngày 17/3/2019 của Thủ tướng Chính phủ",
            "4/CĐ-TTg",
        ),
        (  # or its body named in full
            "Công điện số 4/CĐ-TTEg ngày 17/3/2019 của Thủ tướng Chính phủ",
            "4/CĐ-TTg",
        ),
        ("UBND tỉnh. Báo cáo số 12/BC-SNVX ngày 1/2/2024 của Sở Nội vụ", "12/BC-SNV"),
        # one other glyph (the g's tail lost) against the named body, or the clean key
        ("Quyết định số 12/2021/QĐ-TTE ngày 05/3/2021 của Thủ tướng Chính phủ", "12/2021/QĐ-TTg"),
        ("các Công điện số 4/CĐ-TTE và 7/CĐ-TTg ngày 17/3/2019", "4/CĐ-TTg"),
    ],
)
def test_an_added_glyph_is_dropped_for_an_attested_code(text: str, expected: str) -> None:
    assert checked(text)[0] == (expected, [KEY_REPAIRED])


@pytest.mark.parametrize(
    "text",
    [  # neither written cleanly nor named: one deletion off many codes, kept and flagged
        "Công điện số 4/CĐ-TTEg ngày 17/3/2019",
        "Quyết định số 12/2021/QĐ-TTE ngày 05/3/2021",
        "UBND tỉnh. Báo cáo số 12/BC-SNVX ngày 1/2/2024 và Báo cáo số 13/BC-SNX ngày 1/2/2024",
    ],
)
def test_an_added_glyph_without_attestation_is_flagged(text: str) -> None:
    got = checked(text)
    assert got and all(flags == [UNKNOWN_CODE] for _, flags in got), got


def test_an_added_glyph_never_touches_a_known_or_archive_code() -> None:
    # BTTTT is a code (Bộ Thông tin và Truyền thông), BTTT attested beside it changes nothing;
    # an archive's rare code one letter longer than a clean one is kept
    assert checked("Thông tư số 01/2011/TT-BTTTT ngày 1/2/2011 và Công văn 5/BTTT") == [
        ("01/2011/TT-BTTTT", [])
    ]
    lex = LEX.with_extra(["SNVX"])
    text = "UBND tỉnh. Báo cáo số 12/BC-SNVX ngày 1/2/2024 của Sở Nội vụ"
    assert checked(text, lexicon=lex) == [("12/BC-SNVX", [])]


def test_an_eight_read_as_a_section_mark_ends_a_number() -> None:
    """ "số : 8§/CP" on a faded scan is 88/CP: read back and flagged; a "§" between digits
    or inside an issuer is a speck, dropped as before."""
    text = "Nghị định của Hội đồng Chính phủ số : 8§/CP. ngày 17/8/1994. số 60/CP. ngày 5/7/1994"
    assert checked(text) == [("88/CP", [KEY_REPAIRED]), ("60/CP", [])]
    assert checked("Quyết định số 38§9/QĐ-UBND ngày 05/01/2024") == [("389/QĐ-UBND", [])]
    assert checked("Kế hoạch số 01/KH-BCĐ38§9QNg ngày 05/01/2024") == [("01/KH-BCĐ389QNg", [])]
    assert checked("theo § 5 và 12/2021§/QĐ-UBND") == []
