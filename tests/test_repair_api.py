"""normalize.repair: clean text untouched, English-OCR damage from seed 000 repaired."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from normalize.repair import (
    MODEL_VERSION,
    learn_clean_text,
    load_model,
    needs_repair,
)
from tests.repair_support import seed


@pytest.mark.parametrize("prefix", ["001", "003", "004"])
def test_clean_seed_passes_unchanged(model, prefix):
    """Clean text stays as it is (>= 99.9% of words; real typos like 'một sô' may be fixed)."""
    text = seed(prefix)
    res = model.repair(text)
    assert res.text.splitlines() and len(res.text.splitlines()) == len(text.splitlines())
    assert len(res.edits) <= 0.001 * len(text.split())
    assert all(" " not in e.original for e in res.edits)
    assert not needs_repair(text, model)


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_damaged_seed_is_flagged(model, prefix):
    assert needs_repair(seed(prefix), model)
    assert model.damage_score(seed(prefix)) > 0.5


def test_version_names_snapshot(model, adapted):
    assert model.version == MODEL_VERSION
    assert adapted.version.startswith(MODEL_VERSION + "+adapt")


def _first_line(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(start))


def test_seed_000_heading_lines_repaired(adapted):
    text = seed("000")
    line = _first_line(text, "S6:")
    out = adapted.repair(line).text
    assert out.startswith("Số: 16 /BC-HKH Sơn La, ngày 30 tháng 5 năm 2025")


def test_seed_000_body_phrase_repaired(adapted):
    line = "Thuc hién Ké hoach cong tac nam 2025, Hoi Khuyén hoc tinh bao céo két"
    out = adapted.repair(line).text
    assert out == "Thực hiện Kế hoạch công tác năm 2025, Hội Khuyến học tỉnh báo cáo kết"


def test_document_keys_kept_and_damaged_key_fixed(model):
    clean = "Quyết định số 677/QĐ-TTg và Kết luận số 49-KL/TW; UBND tỉnh, XHHT."
    assert model.repair(clean).text == clean
    out = model.repair("Quyet dinh s6 677/Qb-TTg cua Thu tuong").text
    assert "677/QĐ-TTg" in out


def test_edits_point_into_new_text(model):
    src = "Hoi Khuyén hoc\ncdng tac 6 thang"
    res = model.repair(src)
    rebuilt, pos = [], 0
    for e in res.edits:
        rebuilt.append(res.text[pos : e.start])
        rebuilt.append(e.original)
        pos = e.end
    rebuilt.append(res.text[pos:])
    assert "".join(rebuilt) == src
    assert res.edits


FIXTURE_OK = [HealthCheck.function_scoped_fixture]


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(st.text(max_size=200))
def test_any_string_keeps_line_count(model, s):
    res = model.repair(s)
    assert res.text.count("\n") == s.count("\n")
    assert len(res.text.splitlines()) == len(s.splitlines())
    assert 0.0 <= model.damage_score(s) <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    st.lists(
        st.sampled_from(
            [
                "Hoi",
                "Khuyén",
                "hoc",
                "S6:",
                "I6p",
                "1a",
                "cdng",
                "\n",
                " ",
                ",",
                "2025",
                "UBND",
                "Qb-",
            ]
        ),
        max_size=30,
    )
)
def test_damaged_fragments_keep_lines(model, parts):
    s = " ".join(parts)
    assert model.repair(s).text.count("\n") == s.count("\n")


def test_adaptation_counts_accumulate(tmp_path):
    learn_clean_text(tmp_path, "Hội Khuyến học tỉnh Sơn La. Quỹ học bổng Tô Hiệu.")
    learn_clean_text(tmp_path, "Hội Khuyến học tỉnh Sơn La")
    files = [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert files == ["repair-adapt.json"]
    m = load_model(tmp_path)
    assert m.version.startswith(MODEL_VERSION + "+adapt")
    assert m.repair("Hoi Khuyén hoc tinh Son La").text == "Hội Khuyến học tỉnh Sơn La"


def test_english_text_is_not_vietnamese_damage(model):
    en = (
        "This report describes the development of the archive service and the results "
        "of the evaluation on scanned documents from several provinces."
    )
    assert not needs_repair(en, model)
    assert model.repair(en).text == en


def test_addresses_kept_and_glued_words_split(model):
    res = model.repair("Lien hé: hkhsonla@gmail.com, trang www.sonla.gov.vn cua Hoi Khuyén hoc")
    assert "hkhsonla@gmail.com" in res.text and "www.sonla.gov.vn" in res.text
    assert res.text.startswith("Liên hệ")
    out = model.repair("tang I6p nhan danvé vai tro cua hoc sinh, sinh vién").text
    assert "dân về" in out


def test_at_sign_inside_a_word_is_a_letter_not_an_address(model):
    """English OCR writes ơ/ư as '@' ('H@i' = Hội): only a dotted domain makes an e-mail."""
    out = model.repair("Thuc hién Ké hoach cong tac nam 2025, H@i Khuyén hoc tinh bao céo").text
    assert "H@i" not in out and "Khuyến học" in out


def test_unreadable_adaptation_file_is_ignored(tmp_path):
    (tmp_path / "repair-adapt.json").write_text("{not json", encoding="utf-8")
    assert load_model(tmp_path).version == MODEL_VERSION
    learn_clean_text(tmp_path, "Hội Khuyến học tỉnh Sơn La")
    assert load_model(tmp_path).version.startswith(MODEL_VERSION + "+adapt")


# The symbols English OCR writes for letters belong to the word ("¢6" = cố): a digit after
# one is no number.
_STANDALONE_NUMBER = re.compile(r"(?<![\w¢§@&])\d+(?:[.,/:-]\d+)*(?!\w)")


# A number as written, standing alone or with a word glued on after it ("2022cua",
# "463.300.000d6ng"): the repair may split such a word off, never change the number.
_NUMBER_OR_HEAD = re.compile(r"(?<![\w¢§@&])\d+(?:[.,/:-]\d+)*(?=[^\W\d_]|(?!\w))")


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(x in it for x in short)


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_numbers_in_damaged_seeds_are_never_changed(model, prefix):
    """Every number of the output stood in the text as written, in order, and none is lost;
    the new ones were glued to a word ("2022cua" = "2022 của")."""
    text = seed(prefix)
    out = model.repair(text).text
    assert _subsequence(_NUMBER_OR_HEAD.findall(out), _NUMBER_OR_HEAD.findall(text))
    assert len(_STANDALONE_NUMBER.findall(out)) >= len(_STANDALONE_NUMBER.findall(text))


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURE_OK)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["Tong", "kinh", "phi", "dong", "1a", "cua", "Hoi", "nam", "ngay"]),
            st.from_regex(r"\d{1,3}(\.\d{3}){0,3}", fullmatch=True),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_amounts_keep_their_digits(model, words):
    text = " ".join(words)
    assert _STANDALONE_NUMBER.findall(model.repair(text).text) == _STANDALONE_NUMBER.findall(text)


def test_place_names_in_capitals_are_read_as_names(model):
    """A prose LM prefers "đa năng", "thành hòa": capitalised runs that spell a place name
    are read as it, the likeliest of names spelt alike first (Thanh Hóa, not Thanh Hòa)."""
    out = model.repair(
        "Doan céng tac da dén hoc tap kinh nghiém tai cac tinh Thanh Hoa, Quang Tri va Da "
        "Nang, Yén Bai trong thang 3 nam 2023."
    ).text
    for name in ("Thanh Hóa", "Quảng Trị", "Đà Nẵng", "Yên Bái"):
        assert name in out


def test_names_rule_needs_capitals_and_spares_clean_text(model):
    # lower case: the LM decides (đa năng / đa nang), never the place name
    out = model.repair("Trung tam da dau tu thiét bi da nang cho cac lép hoc cdng dong.").text
    assert "thiết bị đa n" in out and "Đà Nẵng" not in out
    clean = "Nhà văn hóa Đa Năng của xã được xây dựng năm 2020 với sự đóng góp của nhân dân."
    assert model.repair(clean).text == clean
    # a heading in capitals: "VAN BAN" is "văn bản" there, not the district Văn Bàn
    heading = model.repair("RA SOAT CAC VAN BAN QUY PHAM PHAP LUAT CUA TINH\nva huyén Van Ban")
    assert "VĂN BẢN" in heading.text and heading.text.endswith("Văn Bàn")


def test_apostrophe_after_o_or_u_is_a_horn_unless_it_closes_a_quote(model):
    """English OCR reads the horn of ơ/ư as an apostrophe ("So' két" = Sơ kết)."""
    r = model.repair("So' két cong tac khuyén hoc 6 thang dau nam, nhiém vu trong tam")
    assert r.text.startswith("Sơ kết công tác khuyến học")
    assert r.edits[0].original == "So'" and r.text[r.edits[0].start : r.edits[0].end] == "Sơ"
    quoted = model.repair("Ong ta noi: 'Toi se lam do'. Cong viéc cua Hoi Khuyén hoc tinh").text
    assert quoted.count("'") == 2  # a closing quote stays a quote


def test_people_are_not_places(model):
    """A surname and a middle name make a person: Văn Thành and Nguyễn Văn Thảnh are
    communes, but "Nguyen Van Thanh" is not read as one; the surname takes its spelling."""
    out = model.repair(
        "Ong Nguyen Van Thanh, ba Tran Thi Hoa va ong Le Van Binh da tham gia doan cong tac "
        "cua Hoi Khuyén hoc tinh tai huyén Van Ho va cac tinh Thanh Hoa, Quang Tri."
    ).text
    assert "Nguyễn Văn" in out and "Thảnh" not in out
    assert "Trần Thị" in out and "Lê Văn" in out  # the given names are the LM's choice
    assert "huyện Vân Hồ" in out and "Thanh Hóa, Quảng Trị" in out


def test_names_in_a_clean_english_passage_stay(model):
    for en in (
        "The report was written by Nguyen Van Thanh and Tran Thi Hoa of the association.",
        "The delegation visited Da Nang and Thanh Hoa provinces last year with the association.",
    ):
        assert model.repair(en).text == en


_WORD = st.text(alphabet="abcdeghiklmnoquyáàạđêôơư", min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_WORD, st.one_of(st.none(), _WORD), st.booleans()), min_size=1))
def test_doubts_land_on_their_words_in_the_repaired_text(rows) -> None:
    """Changes of other lengths before a doubtful word shift it; a changed doubtful word
    takes its new extent (offsets into the stored, repaired text)."""
    from normalize.repair import _applied

    src, changes, doubts, want, pos = [], [], [], [], 0
    for word, new, doubtful in rows:
        src.append(word)
        if new is not None:
            changes.append((pos, pos + len(word), new))
        if doubtful:
            doubts.append((pos, pos + len(word), 0.5))
            want.append(new if new is not None else word)
        pos += len(word) + 1
    res = _applied(" ".join(src), changes, 0.0, doubts)
    assert [res.text[d.start : d.end] for d in res.doubts] == want


def test_an_ambiguous_reading_is_reported_doubtful(model) -> None:
    """'quy' / 'quý' both fit after a body of text: the repair says which words it was unsure
    of, each a whole word of its output; a sure heading is not among them."""
    from normalize.repair.model import DOUBT_P

    text = (
        "HOI KHUYEN HOC TINH SON LA\nBAO CAO\n"
        "Két qua cong tac khuyén hoc quy I, nhiém vu trong tam quy II nam 2025"
    )
    res = model.repair(text)
    assert res.doubts
    for d in res.doubts:
        word = res.text[d.start : d.end]
        assert re.fullmatch(r"\w+", word) and 0 < d.p < DOUBT_P
    assert all(d.start > res.text.index("BÁO CÁO") for d in res.doubts)


def test_a_clean_gi_is_no_damage(model):
    """'gì' is g + i (as 'đi' is đ + i): read as the onset gi with an empty rhyme it was no
    syllable, and a clean text asking 'gì' was scored as damaged (1 word in 6 here)."""
    clean = "Anh ấy không biết gì về việc đó, cũng chẳng hỏi gì."
    assert model.damage_score(clean) == 0.0
    assert model.repair(clean).text == clean
    assert model.damage_score("Anh ay khong biet gi ve viec do, cung chang hoi gi.") > 0.5
