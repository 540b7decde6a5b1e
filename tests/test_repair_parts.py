"""Pure parts of normalize.repair: smoothing sums to one, case shapes, syllable checks."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.repair.lexicon import apply_case
from normalize.repair.lm import START, KneserNey, count_ngrams, new_ids
from normalize.repair.syllables import acronyms_of, is_valid, rhyme_of, skeleton

RHYMES = frozenset(
    rhyme_of(w) for w in ["hội", "học", "khuyến", "tỉnh", "sơn", "la", "năm", "của", "người", "ủy"]
)


def _model(text: str):
    counts = {k: Counter() for k in ("unigrams", "bigrams", "trigrams")}
    count_ngrams(text, RHYMES, counts)
    ids = new_ids()
    vocab = sorted(counts["unigrams"])
    lm = KneserNey(ids, dict(counts["bigrams"]), len(vocab), dict(counts["trigrams"]))
    return lm, ids, vocab


def test_kneser_ney_distributions_sum_to_one():
    lm, ids, vocab = _model("hội khuyến học tỉnh sơn la. hội khuyến học của người. năm của hội")
    words = [ids[w] for w in vocab]
    for a in [START, "hội", "của", "la"]:
        assert sum(lm.prob(ids[a], w) for w in words) == pytest.approx(1.0)
    for a, b in [("hội", "khuyến"), (START, "hội"), ("của", "người")]:
        assert sum(lm.prob3(ids[a], ids[b], w) for w in words) == pytest.approx(1.0)


def test_seen_bigram_beats_unseen():
    lm, ids, _ = _model("hội khuyến học. hội khuyến học. sơn la")
    assert lm.prob(ids["hội"], ids["khuyến"]) > lm.prob(ids["hội"], ids["la"])


@pytest.mark.parametrize(
    ("src", "key", "out"),
    [
        ("HQI", "hội", "HỘI"),
        ("Hoi", "hội", "Hội"),
        ("cdng", "công", "công"),
        ("S6", "số", "Số"),
        ("I6p", "lớp", "lớp"),
    ],
)
def test_apply_case(src, key, out):
    assert apply_case(src, key) == out


def test_validity_uses_onset_rhyme_and_tone_rules():
    assert is_valid("học", RHYMES) and is_valid("hội", RHYMES)
    assert not is_valid("hoc", RHYMES)  # a stop final needs sắc or nặng
    assert not is_valid("khuyén", RHYMES) and not is_valid("xyz", RHYMES)


def test_acronyms_keyed_by_plain_form():
    assert acronyms_of("HĐND tỉnh; Quyết định QĐ; UBND") == {"HDND": "HĐND", "QD": "QĐ"}


@given(st.text(max_size=80))
def test_skeleton_is_ascii_lowercase(s):
    sk = skeleton(s)
    assert sk == sk.lower() or not sk.isascii()
