"""Tone slips of Vietnamese-model OCR put right by the repair model's LM."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.repair import load_model
from normalize.unicode import split_tone

MODEL = load_model()


def _letters(text: str) -> list[str]:
    """Each word's letters without its tone: what the fix may never change."""
    return [split_tone(w)[0] for w in unicodedata.normalize("NFC", text).split()]


def test_slips_the_context_settles_are_put_right() -> None:
    r = MODEL.fix_tones("Về việc bỗ nhiệm vào ngạch Thanh tra viên")
    assert r.text == "Về việc bổ nhiệm vào ngạch Thanh tra viên"
    assert [(e.start, e.end, e.original) for e in r.edits] == [(8, 10, "bỗ")]
    fixed = MODEL.fix_tones("Căn cứ Luật Tổ chức chính quyên địa phương").text
    assert fixed == "Căn cứ Luật Tổ chức chính quyền địa phương"


def test_clean_text_and_what_is_not_a_slip_stay() -> None:
    for text in (
        "Hội Khuyến học tỉnh Sơn La tổ chức hội nghị tổng kết năm 2024.",
        "QUYẾT ĐỊNH VỀ VIỆC BỖ NHIỆM",  # capitals: headings and acronyms are left alone
        "bỗ",  # one word: no context to judge by
        "Trân Phước Hiên",  # names: the model is not sure enough
        "677/QĐ-TTg ngày 03/6/2022",
    ):
        assert MODEL.fix_tones(text).text == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aăâbđeêoôơuưy àáảãạằắẳẵặầấẩẫậềếểễệ.,\nBĐ1"), max_size=60))
def test_only_tones_ever_change(text: str) -> None:
    fixed = MODEL.fix_tones(text).text
    assert len(fixed) == len(text)
    assert _letters(fixed) == _letters(text)
