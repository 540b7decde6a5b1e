"""Pure parts of normalize.repair: smoothing sums to one, case shapes, syllable checks."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalize.repair.lexicon import apply_case
from normalize.repair.lm import START, KneserNey, count_ngrams, new_ids
from normalize.repair.syllables import (
    acronyms_of,
    capitals_of,
    is_valid,
    rhyme_of,
    skeleton,
    split_onset,
)

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


@pytest.mark.parametrize(
    ("base", "onset", "rhyme"),
    [
        ("gi", "g", "i"),  # gì, gi, gị: the i is the rhyme, as in đi
        ("gin", "g", "in"),  # gìn
        ("gia", "gi", "a"),  # gia: gi is the onset before another vowel
        ("giư", "gi", "ư"),  # giữ
        ("giơ", "gi", "ơ"),  # giờ
        ("giêng", "gi", "êng"),  # giếng
        ("ghi", "gh", "i"),
        ("ga", "g", "a"),
    ],
)
def test_split_onset_gi(base, onset, rhyme):
    assert split_onset(base) == (onset, rhyme)


def test_gi_alone_is_a_syllable():
    """'gì' ('cần gì học nấy') was read as onset gi + an empty rhyme and never counted."""
    rhymes = RHYMES | {rhyme_of(w) for w in ["đi", "gìn", "gia", "giữ", "giờ", "ít"]}
    for key in ["gì", "gi", "gị", "gí", "gỉ", "gìn", "gia", "giữ", "giờ"]:
        assert is_valid(key, rhymes), key
    assert "" not in rhymes  # no syllable of the list has an empty rhyme
    # still invalid: a stop final without sắc/nặng, a doubled i, an unknown rhyme, k before a
    assert not is_valid("gìt", rhymes) and not is_valid("git", rhymes)
    assert not is_valid("gii", rhymes) and not is_valid("gìi", rhymes)
    assert not is_valid("giong", RHYMES) and not is_valid("ka", rhymes)
    assert is_valid("gít", rhymes)


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


def test_a_pair_the_table_saw_once_is_priced_no_lower_than_an_unseen_one(lexicon):
    """English OCR wrote "d4" for đã once among đã's hundreds of renders: the table's price
    (1 / 825) must not push đã below đá and dạ, which the table never saw as "d4"."""
    import math

    seen = lexicon.table["d4"]
    assert seen.get("đã") == 1 and lexicon.totals["đã"] > 100
    rule_lp = {k: lp for _, lp, k in lexicon._skeleton_cands("d4")[0]}
    readings = {r[0]: r[2] for r in lexicon.find_readings("d4", {})}
    assert "đã" in readings
    assert readings["đã"] >= rule_lp["đã"] > math.log(1 / (lexicon.totals["đã"] + 1))


def test_a_pair_the_table_saw_often_keeps_the_tables_price(lexicon):
    """The floor only lifts: a pair seen often is priced by the table, above the rules."""
    import math

    key, n = max(lexicon.table["tinh"].items(), key=lambda kv: kv[1])
    table_lp = math.log(n / (lexicon.totals[key] + 1))
    assert lexicon._table_row(key, n, table_lp - 3.0)[1] == pytest.approx(table_lp)
    assert lexicon._table_row(key, n, None)[1] == pytest.approx(table_lp)
    assert lexicon._table_row(key, 1, 0.0)[1] == 0.0


def test_a_trigram_seen_once_counts():
    """Singleton trigrams are kept (most of a small corpus's trigrams are seen once): one
    sighting of "hội khuyến học" lifts P(học | hội khuyến) over the bigram estimate, and a
    history seen with other words lowers an unseen continuation below it."""
    lm, ids, _ = _model("hội khuyến học. khuyến la. khuyến người")
    h, k, hoc, la = ids["hội"], ids["khuyến"], ids["học"], ids["la"]
    assert lm.prob3(h, k, hoc) > lm.prob(k, hoc)
    assert lm.prob3(h, k, la) < lm.prob(k, la)


@pytest.mark.parametrize(
    ("tok", "head", "word"),
    [
        ("UBNDcua", "UBND", "của"),
        ("KHVNngay", "KHVN", "ngày"),
        ("2022cua", "2022", "của"),
        ("3phién", "3", "phiên"),
    ],
)
def test_a_word_glued_to_an_abbreviation_or_number_is_read_apart(lexicon, tok, head, word):
    texts = {r[1] for r in lexicon.find_readings(tok, {})}
    assert tok in texts and f"{head} {word}" in texts
    assert all(t == tok or t.startswith(head + " ") for t in texts)


@pytest.mark.parametrize(
    "tok", ["TRUong", "SOng", "18nh", "1am", "1ang", "4nh", "chiém91", "NQ", "THPT", "5cm"]
)
def test_no_seam_read_where_the_token_is_one_word(lexicon, tok):
    """Mixed case inside one word ("TRUong" = Trường), digits standing for letters
    ("18nh" = lãnh, "1ang" = làng: one digit that may be a letter), a short tail: never
    split at the seam."""
    assert all(" " not in r[1] for r in lexicon.find_readings(tok, {}))


def test_glued_word_takes_its_context(model):
    out = model.repair("Quyet dinh s6 324/QD-KHVNngay 25 thang 10 nam 2023 cua UBNDcua tinh").text
    assert "KHVN ngày 25 tháng 10" in out and "UBND của tỉnh" in out


def test_a_capital_b_keeps_its_readings_with_d(lexicon):
    """ "Bé" may be Đề (a capital Đ read as B): the B-readings the table saw do not crowd the
    Đ-readings out; a lower-case "bé" and "Pho" (ph) get none."""
    assert "đề" in {r[0] for r in lexicon.find_readings("Bé", {})}
    assert not any(r[0] and r[0][0] == "đ" for r in lexicon.find_readings("bé", {}))
    assert not any(r[0] and r[0][0] == "đ" for r in lexicon.find_readings("Pho", {}))


@pytest.mark.parametrize(
    ("tok", "key"), [("¢", "cổ"), ("¢an", "căn"), ("¢o", "cổ"), ("&ng", "ứng")]
)
def test_a_cent_sign_reads_as_c_and_an_ampersand_as_u(lexicon, tok, key):
    """English OCR writes a c with its stroke as "¢" (alone: the c and its marked vowel) and
    ư as "&" ("&ng" = ứng): those readings are among the token's."""
    assert key in {r[0] for r in lexicon.find_readings(tok, {})}


def test_an_ampersand_in_an_acronym_stays(lexicon):
    """An acronym with an ampersand is no damaged ư: kept as written."""
    assert [r[1] for r in lexicon.find_readings("GD&ĐT", {})] == ["GD&ĐT"]


def test_a_lone_ampersand_may_be_o_with_its_horn(lexicon):
    """English OCR writes ở as a lone "&" (the renders: 80 times): the symbol as written
    first, ở among its readings; the model decides by its neighbours."""
    readings = lexicon.find_readings("&", {})
    assert readings[0][1] == "&" and "ở" in {r[0] for r in readings}


def test_a_lone_ampersand_between_lower_case_words_of_damaged_text_is_o(model):
    out = model.repair("Dac biet la nguoi lon dang lam viéc & cac co quan, don vi trong tinh")
    assert "làm việc ở các" in out.text


@pytest.mark.parametrize(
    "text",
    [
        "S6 GD & DT, VNPT Son La té chtc hdi nghi tap huan véi cac don vi",  # capitals
        "Trung tâm nghiên cứu & phát triển của tỉnh đã hoàn thành kế hoạch năm",  # clean
    ],
)
def test_an_ampersand_stays_between_capitals_or_in_clean_text(model, text):
    assert " & " in model.repair(text).text


def test_capitals_inside_sentences_are_counted_and_openings_are_not():
    """A capital inside a sentence marks a name or an institution ("của Đảng"); one that
    opens the text, a sentence, an item or a line says nothing of the word."""
    text = "Nghị quyết của Đảng. Đảng bộ tỉnh và Đài tỉnh; - Báo chí\nCông tác của Đảng"
    assert capitals_of(text) == {"đảng": 2, "đài": 1}
    assert capitals_of("HỘI KHUYẾN HỌC của tỉnh") == {}  # a heading in capitals


def test_the_lm_memo_is_capped_and_starting_afresh_changes_no_reading(model, monkeypatch):
    """A long-running server repairs text for months: the LM's memo of log-probabilities
    starts afresh past its cap instead of growing with every text, and a cold memo reads
    the text exactly as a warm one."""
    import normalize.repair.model as repair_model

    text = "Hoi Khuyén hoc tinh Son La bao céo két qua hoat dong nam 2023"
    warm = model.repair(text).text
    lm = model._r.lm
    assert len(lm.memo) + len(lm.memo3) > 20
    monkeypatch.setattr(repair_model, "MEMO_LIMIT", 20)
    cold = model.repair(text).text
    assert cold == warm
    model.repair("Uy ban nhan dan tinh Son La")  # trims what the text before it left
    assert len(lm.memo) + len(lm.memo3) < 200


@pytest.mark.parametrize(
    ("base", "frame"),
    [("thiac", ("th", "c")), ("quebc", ("qu", "c")), ("siz", ("s", "")), ("truong", ("tr", "ng"))],
)
def test_frame_of_is_the_onset_and_final_as_written(base, frame):
    from normalize.repair.lexicon import frame_of

    assert frame_of(base) == frame


@pytest.mark.parametrize("base", ["ng", "ch", "a"])
def test_frame_of_leaves_a_vowel_to_the_rest(base):
    """A consonant alone is no onset and no final: something must stand between them."""
    from normalize.repair.lexicon import frame_of

    onset, final = frame_of(base)
    assert len(onset) + len(final) < len(base)


@pytest.mark.parametrize(("tok", "key"), [("thiac", "thức"), ("québc", "quốc"), ("siz", "sử")])
def test_a_rare_damaged_form_gets_its_syllable_from_the_frame(lexicon, tok, key):
    """Two letters damaged at once ("thiac": ứ read as "ia") is in no syllable's likeliest
    forms; the channel scored against the syllables of the same consonant frame finds it."""
    assert key in {r[0] for r in lexicon.find_readings(tok, {})}


@pytest.mark.parametrize("tok", ["chac", "tinh", "thức"])
def test_the_frame_is_not_searched_for_a_token_already_read_well(lexicon, monkeypatch, tok):
    """A token with a good reading ("chac" = chức from the channel's index) and a syllable
    as written are not scored against a frame."""

    def refuse(*_):
        raise AssertionError("frame searched")

    monkeypatch.setattr(type(lexicon), "_frame_rows", refuse)
    lexicon.find_readings(tok, {})


@pytest.mark.parametrize("tok", ["Zalo", "fanpage", "Facebook"])
def test_a_foreign_word_gets_no_reading_from_the_frame(lexicon, tok):
    """A foreign word is far from every syllable of its frame (under FRAME_FLOOR)."""
    assert [r[1] for r in lexicon.find_readings(tok, {})] == [tok]


def test_tone_checks_of_ocr_pages_keep_the_lm_memo_capped_too(model, monkeypatch):
    """Every OCR page goes through ``fix_tones``, never through a full repair: a long scan's
    pages grew the memo with the vocabulary they met (issue #22). It starts afresh between
    pages past its cap, and the tones read are those of a warm memo."""
    import normalize.repair.model as repair_model

    page = "Uỷ ban nhân dân tinh Sơn La báo cáo kết qua hoạt động năm 2023"
    warm = model.fix_tones(page)
    lm = model._r.lm
    assert len(lm.memo) + len(lm.memo3) > 20
    monkeypatch.setattr(repair_model, "MEMO_LIMIT", 20)
    cold = model.fix_tones(page)
    assert (cold.text, cold.edits) == (warm.text, warm.edits)
    model.fix_tones("Hội Khuyến học tỉnh")  # trims what the page before it left
    assert len(lm.memo) + len(lm.memo3) < 200
