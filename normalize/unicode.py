"""Unicode clean-up for Vietnamese text: NFC, OCR doubling fixes, one tone-placement convention.

Stored text keeps what the document says (only NFC and invisible/garbage code points are fixed);
``tone_key`` gives the single convention used for model keys ("hoà" and "hòa" meet as "hòa").
Legacy 8-bit encodings (TCVN3, VNI) are out of scope: inputs are Unicode.
"""

from __future__ import annotations

import re
import unicodedata

# Tesseract `vie` sometimes doubles Đ as "ĐÐ" (U+0110 then U+00D0, Icelandic eth), e.g. "QĐÐ".
_DOUBLED_D = re.compile("([\u0110\u0111])[\u00d0\u00f0]")
# Eth is not Vietnamese: standing alone it is a misread Đ/đ.
_ETH = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
# Invisible code points that break matching: zero-width, BOM, soft hyphen, bidi marks.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff\u202a-\u202e]")
# Controls other than tab/newline/CR.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " "})

TONE_MARKS = {"\u0300": "f", "\u0301": "s", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_BASE_VOWELS = "aăâeêioôơuưy"
_QUALITY = "ăâêôơư"


def clean_text(text: str) -> str:
    """NFC, drop invisible and control characters, fix the doubled/eth Đ, plain spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _DOUBLED_D.sub(r"\1", text)
    return text.translate(_ETH).translate(_SPACES)


def split_tone(syllable: str) -> tuple[str, str]:
    """Split a syllable into (toneless NFC base, tone letter: '' or one of f s r x j)."""
    tone, out = "", []
    for ch in unicodedata.normalize("NFD", syllable):
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)), tone


_MARK_OF = {v: k for k, v in TONE_MARKS.items()}


def _vowel_span(base: str) -> tuple[int, int]:
    """Index range of the vowel nucleus, treating qu- and gi- as onsets."""
    low = base.lower()
    i = 0
    while i < len(low) and low[i] not in _BASE_VOWELS:
        i += 1
    if i < len(low) and (
        (low[i] == "u" and i > 0 and low[i - 1] == "q")
        or (
            low[i] == "i"
            and i > 0
            and low[i - 1] == "g"
            and i + 1 < len(low)
            and low[i + 1] in _BASE_VOWELS
        )
    ):
        i += 1
        while i < len(low) and low[i] not in _BASE_VOWELS:  # an OCR token such as "quda"
            i += 1
    j = i
    while j < len(low) and low[j] in _BASE_VOWELS:
        j += 1
    return i, j


def place_tone(base: str, tone: str) -> str:
    """Put a tone on a toneless syllable by the 'new style' rule (hòa, khỏe, thủy, quý).

    A vowel with a quality mark takes the tone (ươ: on ơ); with a final consonant the last
    vowel does; two open vowels take it on the first (hòa, not hoà); three, in the middle.
    """
    if not tone:
        return base
    i, j = _vowel_span(base)
    if i >= j:
        return base
    low = base.lower()
    quality = [k for k in range(i, j) if low[k] in _QUALITY]
    if quality:
        pos = quality[-1]
    elif j - i == 1 or j < len(low):
        pos = j - 1
    elif j - i == 2:
        pos = i
    else:
        pos = i + 1
    marked = unicodedata.normalize("NFC", base[pos] + _MARK_OF[tone])
    return base[:pos] + marked + base[pos + 1 :]


def tone_key(word: str) -> str:
    """Model key of a syllable: NFC, lower case, tone placed by one convention."""
    base, tone = split_tone(unicodedata.normalize("NFC", word).lower())
    return place_tone(base, tone)
