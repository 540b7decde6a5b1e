"""The character-level channel of the diacritic repair (normalize.repair.channel)."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from normalize.repair.channel import CharChannel, learn, old_style, syllable_pairs

# English-OCR damage as the real seeds show it: ư/ơ read as "a" or "i", ố as "6" or "é",
# Ộ in a heading as "Q", Đ as "P" or "B".
PAIRS = [
    ("chức", "chac", 3.0),
    ("chức", "chuc", 2.0),
    ("thức", "thac", 2.0),
    ("của", "caa", 3.0),
    ("của", "cua", 3.0),
    ("số", "s6", 3.0),
    ("số", "sé", 2.0),
    ("tố", "t6", 2.0),
    ("hội", "hqi", 3.0),
    ("hội", "hoi", 3.0),
    ("đảng", "pang", 2.0),
    ("đảng", "dang", 4.0),
    ("đề", "dé", 2.0),
]


def test_learned_emissions_follow_the_pairs() -> None:
    table = learn(PAIRS)
    assert table["ứ"]["a"] >= 5  # chức, thức read with "a"
    assert table["ố"]["6"] >= 5
    assert table["ộ"]["q"] >= 3
    assert table["đ"]["p"] >= 2


def test_channel_prefers_the_syllable_that_produces_the_token() -> None:
    ch = CharChannel(learn(PAIRS))
    # "chac" is a likelier damage of "chức" than of "chắc"-less readings it never saw
    assert ch.logp("chac", "chức") > ch.logp("chac", "chúc")
    assert ch.logp("HQI", "hội") > ch.logp("HQI", "hồi")
    assert ch.logp("s6", "số") > ch.logp("s6", "sở")
    assert math.isfinite(ch.logp("xyz", "số"))  # anything is possible, at a price


def test_forms_list_the_damage_the_channel_learned() -> None:
    ch = CharChannel(learn(PAIRS))
    forms = dict(ch.forms("chức"))
    assert "chac" in forms and "chuc" in forms
    assert dict(ch.forms("số")).keys() >= {"s6", "so"}
    lps = [lp for _, lp in ch.forms("của")]
    assert lps == sorted(lps, reverse=True)


def test_old_style_moves_the_tone_of_open_oa_oe_uy() -> None:
    assert old_style("hòa") == "hoà"
    assert old_style("khỏe") == "khoẻ"
    assert old_style("thủy") == "thuỷ"
    assert old_style("hoàn") == "hoàn"  # a final consonant: same in both styles
    assert old_style("quý") == "quý"  # qu- is an onset


def test_syllable_pairs_need_as_many_tokens_on_each_side() -> None:
    assert syllable_pairs("Hội Khuyến học", "HQI KHUYEN HQC") == [
        ("Hội", "HQI"),
        ("Khuyến", "KHUYEN"),
        ("học", "HQC"),
    ]
    assert syllable_pairs("Hội Khuyến học", "HQIKHUYEN HQC") == []


@given(st.text(alphabet="abcdeghiklmnoqrstuvxyàáảãạăắâấđêếôốơớưứ6@&", min_size=1, max_size=8))
def test_logp_is_finite_and_not_positive(tok: str) -> None:
    ch = CharChannel(learn(PAIRS))
    for syl in ("chức", "của", "hội", "đảng"):
        lp = ch.logp(tok, syl)
        assert lp <= 1e-9
        assert math.isfinite(lp) or len(tok) > 2 * len(syl)


def test_shipped_lexicon_reads_what_the_rules_cannot_reach(model) -> None:
    """The snapshot's channel proposes readings whose skeleton is not the token's: "chac"
    (ứ read as "a") for chức, "caa" for của; a plain skeleton match is left to the rules."""
    lexicon = model._r.lexicon
    assert lexicon.char is not None
    for tok, syl in (("chac", "chức"), ("caa", "của"), ("vin", "văn")):
        assert syl in {r[0] for r in lexicon.find_readings(tok, {})}, tok
    assert all(syl != "thảnh" for _, syl in lexicon.noisy.get("thanh", ()))


@given(
    st.sampled_from(["chức", "của", "số", "hội", "đảng", "người", "ứng", "quốc"]),
    st.text(alphabet="achiqnoustgdé6&", min_size=0, max_size=7),
)
def test_logp_is_the_best_alignments_log_probability(syl: str, tok: str) -> None:
    """The lean programme of ``logp`` gives what the alignment with back-pointers gives."""
    from normalize.repair.channel import _align

    ch = CharChannel(learn(PAIRS))
    total, _ = _align(syl, tok, ch.cost)
    assert ch.logp(tok, syl) == -total
