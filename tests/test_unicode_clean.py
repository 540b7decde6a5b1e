"""normalize.unicode: NFC clean-up, the vie doubled-Đ fix, one tone-placement convention."""

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from normalize.unicode import clean_text, place_tone, split_tone, tone_key


def test_doubled_d_from_vie_is_collapsed():
    assert clean_text("677/QĐÐ-TTg") == "677/QĐ-TTg"
    assert clean_text("Ðảng") == "Đảng"


def test_invisible_and_nbsp_removed():
    assert clean_text("Hội\u200b Khuyến\u00a0học\ufeff") == "Hội Khuyến học"


def test_nfd_input_becomes_nfc():
    nfd = unicodedata.normalize("NFD", "Khuyến học")
    assert clean_text(nfd) == "Khuyến học"


def test_tone_placement_old_and_new_style_meet():
    for a, b in [("hoà", "hòa"), ("khoẻ", "khỏe"), ("thuỷ", "thủy"), ("Hoá", "hóa")]:
        assert tone_key(a) == tone_key(b)


def test_tone_key_keeps_distinct_syllables_apart():
    keys = {tone_key(w) for w in ["hội", "hỏi", "hơi", "hoi", "người", "ngươi", "quốc", "giữa"]}
    assert len(keys) == 8


def test_tone_goes_on_quality_vowel_and_after_qu_gi():
    assert place_tone("quy", "s") == "quý"
    assert place_tone("gia", "f") == "già"
    assert place_tone("nguyên", "x") == "nguyễn"
    assert place_tone("ngươi", "f") == "người"


@given(st.text())
def test_clean_text_is_idempotent_and_keeps_lines(s):
    once = clean_text(s)
    assert clean_text(once) == once
    assert once.count("\n") == s.count("\n")


@given(
    st.text(alphabet="aăâeêioôơuưydđghknqrt", min_size=1, max_size=6),
    st.sampled_from(["", "f", "s", "r", "x", "j"]),
)
@example("quda", "f")  # a consonant after the qu- onset (an OCR token): found by hypothesis
def test_split_and_place_tone_round_trip(base, tone):
    word = place_tone(base, tone)
    got_base, got_tone = split_tone(word)
    assert got_base == base
    assert got_tone in (tone, "")  # '' only when no nucleus: 'qu', 'gh'
    if any(c in "aăâeêoôơưy" for c in base):
        assert got_tone == tone
