"""Legacy Vietnamese 8-bit font encodings (TCVN3/ABC and VNI) and a plausibility score.

Old documents typed with .VnTime (TCVN3) or VNI-Times fonts extract as mojibake
("Bé Gi¸o dôc" for "Bộ Giáo dục"). The tables below are built from the encodings'
definitions; :func:`best_reading` picks the reading that looks most like Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

_TONES = {
    "": "",
    "grave": "\u0300",
    "acute": "\u0301",
    "hook": "\u0309",
    "tilde": "\u0303",
    "dot": "\u0323",
}


def _compose(base: str, tone: str) -> str:
    return unicodedata.normalize("NFC", base + _TONES[tone])


# TCVN3 (TCVN 5712:1993 VN3): one byte per lowercase letter with its tone; the
# upper-case vowels with tones live in a separate font (.VnTimeH) at the same codes,
# so they are read as lowercase here. Rows: base vowel, then bytes for
# (no tone, grave, hook, tilde, acute, dot); "" = plain ASCII letter.
_TCVN3_ROWS = {
    "a": ("", "µ", "¶", "·", "¸", "¹"),
    "ă": ("¨", "»", "¼", "½", "¾", "Æ"),
    "â": ("©", "Ç", "È", "É", "Ê", "Ë"),
    "e": ("", "Ì", "Î", "Ï", "Ð", "Ñ"),
    "ê": ("ª", "Ò", "Ó", "Ô", "Õ", "Ö"),
    "i": ("", "×", "Ø", "Ü", "Ý", "Þ"),
    "o": ("", "ß", "á", "â", "ã", "ä"),
    "ô": ("«", "å", "æ", "ç", "è", "é"),
    "ơ": ("¬", "ê", "ë", "ì", "í", "î"),
    "u": ("", "ï", "ñ", "ò", "ó", "ô"),
    "ư": ("\u00ad", "õ", "ö", "÷", "ø", "ù"),
    "y": ("", "ú", "û", "ü", "ý", "þ"),
}
_TONE_ORDER = ("", "grave", "hook", "tilde", "acute", "dot")
_TCVN3_SINGLE = {"®": "đ", "¡": "Ă", "¢": "Â", "§": "Đ", "£": "Ê", "¤": "Ô", "¥": "Ơ", "¦": "Ư"}


@cache
def _tcvn3_table() -> dict[int, str]:
    table = {ord(k): v for k, v in _TCVN3_SINGLE.items()}
    for base, codes in _TCVN3_ROWS.items():
        for code, tone in zip(codes, _TONE_ORDER, strict=True):
            if code:
                table[ord(code)] = _compose(base, tone)
    return table


def tcvn3_to_unicode(text: str) -> str:
    """Read text whose bytes were TCVN3 codes (decoded as Latin-1/cp1252) as Unicode."""
    return unicodedata.normalize("NFC", text.translate(_tcvn3_table()))


# VNI-Windows: a base letter followed by a modifier byte (tone, or hat/breve + tone);
# a few letters are single bytes. Lower/upper modifiers differ only in case.
_VNI_TONE = {"ø": "grave", "ù": "acute", "û": "hook", "õ": "tilde", "ï": "dot"}
_VNI_HAT = {"â": "", "á": "acute", "à": "grave", "å": "hook", "ã": "tilde", "ä": "dot"}
_VNI_BREVE = {"ê": "", "é": "acute", "è": "grave", "ú": "hook", "ü": "tilde", "ë": "dot"}
_VNI_SINGLE = {
    "ñ": "đ",
    "ô": "ơ",
    "ö": "ư",
    "ì": "ì",
    "í": "í",
    "æ": "ỉ",
    "ò": "ị",
    "ó": "ĩ",
    "î": "ỵ",
}


@cache
def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for base in "aeiouy":
        for mod, tone in _VNI_TONE.items():
            pairs[base + mod] = _compose(base, tone)
    for base in "aeo":
        for mod, tone in _VNI_HAT.items():
            pairs[base + mod] = _compose(base + "\u0302", tone)
    for mod, tone in _VNI_BREVE.items():
        pairs["a" + mod] = _compose("a\u0306", tone)
    for base, hooked in (("ô", "ơ"), ("ö", "ư")):  # ơ/ư written as single bytes, then a tone
        for mod, tone in _VNI_TONE.items():
            pairs[base + mod] = _compose(hooked, tone)
    upper = {k.upper(): v.upper() for k, v in pairs.items()}
    return pairs | upper


_VNI_SINGLE_ALL = _VNI_SINGLE | {k.upper(): v.upper() for k, v in _VNI_SINGLE.items()}
_VNI_ALL = _vni_pairs() | _VNI_SINGLE_ALL
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI_ALL), key=len, reverse=True)))


def vni_to_unicode(text: str) -> str:
    """Read text whose bytes were VNI-Windows codes (decoded as cp1252) as Unicode."""
    out = _VNI_RE.sub(lambda m: _VNI_ALL[m.group(0)], text)  # one pass, longest match first
    return unicodedata.normalize("NFC", out)


_NUCLEI = [
    "a",
    "ă",
    "â",
    "e",
    "ê",
    "i",
    "o",
    "ô",
    "ơ",
    "u",
    "ư",
    "y",
    "ai",
    "ao",
    "au",
    "ay",
    "âu",
    "ây",
    "eo",
    "êu",
    "ia",
    "iê",
    "iu",
    "oa",
    "oă",
    "oe",
    "oi",
    "ôi",
    "ơi",
    "oo",
    "ua",
    "uâ",
    "uê",
    "ui",
    "uô",
    "uơ",
    "ươ",
    "ưa",
    "ưi",
    "ưu",
    "uy",
    "yê",
    "iêu",
    "yêu",
    "oai",
    "oay",
    "oao",
    "oeo",
    "uây",
    "uôi",
    "ươi",
    "ươu",
    "uya",
    "uyê",
    "uyu",
]
_TONE_MARKS = set(_TONES.values())


@cache
def _syllable_re() -> re.Pattern[str]:
    onset = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    nuclei = "|".join(sorted(_NUCLEI, key=len, reverse=True))
    coda = "(?:ch|ng|nh|[cmnpt])?"
    return re.compile(f"{onset}(?:{nuclei}){coda}")


def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable (one tone mark at most)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(1 for c in decomposed if c in _TONE_MARKS) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _syllable_re().fullmatch(bare) is not None


_WORD_RE = re.compile(r"[^\s\d.,;:!?()\[\]\"'/\\\-–—…]+")


def sample(text: str, limit: int = 60_000, pieces: int = 10) -> str:
    """The text itself when short, else evenly spaced slices: scores are shares, and
    judging a 10 MB file whole would take minutes."""
    if len(text) <= limit:
        return text
    size, step = limit // pieces, len(text) // pieces
    return "\n".join(text[i * step : i * step + size] for i in range(pieces))


def vietnamese_score(text: str) -> float:
    """Share of words (letters only) that are well-formed Vietnamese syllables, 0..1."""
    words = _WORD_RE.findall(unicodedata.normalize("NFC", sample(text)))
    if not words:
        return 0.0
    return sum(1 for w in words if is_syllable(w)) / len(words)


def diacritic_share(text: str) -> float:
    """Share of letters carrying a Vietnamese diacritic; real Vietnamese prose has ~30-40%."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    marked = sum(1 for c in letters if len(unicodedata.normalize("NFD", c)) > 1 or c in "đĐ")
    return marked / len(letters)


def best_reading(text: str, margin: float = 0.15) -> tuple[str, str]:
    """Return (text, encoding) with encoding in {'unicode', 'tcvn3', 'vni'}.

    A legacy reading must beat the text as-is by ``margin`` in :func:`vietnamese_score`
    so genuine Unicode text (or English) is never "converted".
    """
    probe = sample(text)  # decide on a sample, convert the whole text once
    best: tuple[str, float, Callable[[str], str] | None] = (
        "unicode",
        vietnamese_score(probe),
        None,
    )
    for name, conv in (("tcvn3", tcvn3_to_unicode), ("vni", vni_to_unicode)):
        cand = conv(probe)
        if cand == probe:
            continue
        score = vietnamese_score(cand)
        if score > best[1] + (margin if best[0] == "unicode" else 0):
            best = (name, score, conv)
    return (text if best[2] is None else best[2](text)), best[0]


@cache
def _vietnamese_letters() -> frozenset[str]:
    bases = (
        "a",
        "a\u0306",
        "a\u0302",
        "e",
        "e\u0302",
        "i",
        "o",
        "o\u0302",
        "o\u031b",
        "u",
        "u\u031b",
        "y",
    )
    letters = {_compose(b, t) for b in bases for t in _TONES} | {"đ"}
    return frozenset(letters | {c.upper() for c in letters})


_PUNCT_OK = frozenset("“”‘’–—…•°§№·«»")


def odd_share(text: str) -> float:
    """Share of non-space characters that neither ASCII, Vietnamese letters nor common
    typography explain: private-use glyphs, controls, stray Latin-1 symbols of a font
    without a usable ToUnicode map."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    viet = _vietnamese_letters()
    odd = sum(1 for c in chars if ord(c) >= 128 and c not in viet and c not in _PUNCT_OK)
    return odd / len(chars)
