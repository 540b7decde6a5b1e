"""The search fold: one function shared by storage, the query parser and extraction.

Users type without diacritics ("quyet dinh 677"), old OCR text lost them, and
tone marks sit on different vowels by convention (hoà / hòa). Folding all of
these to one plain lowercase form makes them compare equal. The fold is
*length-preserving* over the NFC text so that a match found in folded text
maps back to the stored text by the same offsets (highlights, spans).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["fold", "fold_char"]

_SPECIAL = {
    "đ": "d",
    "Đ": "d",
    "Ð": "d",
    "ð": "d",
    "ı": "i",
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
}


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Fold one NFC character to exactly one character (lowercase, no marks)."""
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isascii():
        return ch.lower()
    base = unicodedata.normalize("NFD", ch)[0]
    if unicodedata.combining(base):
        # a lone combining mark (no base letter): keep the slot, drop the mark
        return " "
    low = base.lower()
    return low if len(low) == 1 else base


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character (C-speed after)."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """NFC, lowercase, strip diacritics, đ→d; one output char per NFC input char."""
    nfc = unicodedata.normalize("NFC", text)
    if nfc.isascii():
        return nfc.lower()
    return nfc.translate(_TABLE)
