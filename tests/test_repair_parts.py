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


@pytest.fixture(scope="module")
def lexicon():
    from normalize.repair import _base

    return _base()[0]["lexicon"]


@given(st.text(alphabet="abcdeghilmnopqrstuvxy", min_size=1, max_size=7))
def test_delete_index_finds_every_skeleton_within_one_edit(lexicon, base):
    """The delete index gives what a scan of every skeleton with Levenshtein <= 1 gives."""
    from rapidfuzz.distance import Levenshtein

    scan = {(s, Levenshtein.distance(base, s)) for s in lexicon.index}
    assert set(lexicon._near(base)) == {(s, d) for s, d in scan if d <= 1}


def test_compiled_readings_are_what_the_lexicon_finds(lexicon):
    """Readings compiled into the model cache match a fresh search (same settings)."""
    forms = sorted(lexicon.compiled)[:: max(1, len(lexicon.compiled) // 300)]
    assert forms
    assert all(lexicon.compiled[f] == lexicon.find_readings(f, {}) for f in forms)
