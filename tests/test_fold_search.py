"""The search fold: length-preserving, tone placement and đ folded."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from normalize.fold import fold


def test_examples() -> None:
    assert fold("Quyết định số 677/QĐ-TTg") == "quyet dinh so 677/qd-ttg"
    assert fold("hoà") == fold("hòa") == "hoa"
    assert fold("Đặng Văn Minh") == "dang van minh"


def test_negative_keeps_distinct_words() -> None:
    assert fold("hội") != fold("hỏi x")
    assert fold("Số 1") != fold("Số 2")


@given(st.text(max_size=200))
def test_length_preserving(text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    assert len(fold(text)) == len(nfc)


@given(st.text(alphabet="aăâeêioôơuưyđAĂÂĐàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệ ", max_size=50))
def test_vietnamese_folds_to_ascii(text: str) -> None:
    assert fold(text).isascii()
    assert fold(fold(text)) == fold(text)
