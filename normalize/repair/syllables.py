"""Vietnamese syllable structure: tokenising, phonotactic validity, unaccented skeletons."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

from normalize.unicode import split_tone, tone_key

ONSETS = sorted(
    [
        "b",
        "c",
        "ch",
        "d",
        "đ",
        "g",
        "gh",
        "gi",
        "h",
        "k",
        "kh",
        "l",
        "m",
        "n",
        "ng",
        "ngh",
        "nh",
        "p",
        "ph",
        "qu",
        "r",
        "s",
        "t",
        "th",
        "tr",
        "v",
        "x",
    ],
    key=len,
    reverse=True,
)
CHECKED = ("p", "t", "c", "ch")  # stop finals: only sắc (s) or nặng (j) tones
# A word token: letters/digits plus symbols English OCR puts in place of Vietnamese letters,
# and an apostrophe after o/u, English OCR's reading of the horn ("So'" = Sơ, "tru'o'ng" =
# trường): part of the token, to be repaired.
TOKEN = re.compile(r"(?:[^\W_]|[¢§@&\u0300-\u036f]|(?<=[oOuU])')+")
# Punctuation that ends a language-model chain (commas and line breaks do not).
STRONG_BREAK = re.compile(r"[.;:!?()\[\]\"“”/]|\n\s*\n")
_VOWEL_RE = re.compile("[aăâeêioôơuưy]")
# A rhyme: 1-3 vowels and an optional final; filters junk entries out of word lists.
RHYME_SHAPE = re.compile("^[aăâeêioôơuưy]{1,3}(?:c|ch|m|n|ng|nh|p|t)?$")


def split_onset(base: str) -> tuple[str, str]:
    """(onset, rhyme) of a toneless lower-case syllable.

    'gi' is the onset /z/ only before another vowel (gia, giữ, giờ, giêng); alone or before
    a consonant its i is the rhyme's vowel: 'gì' = g + i (as 'đi' = đ + i), 'gìn' = g + in.
    Read as gi + an empty rhyme, gì/gi/gị were no syllables, and the snapshot never counted
    them. 'gi' + 'i' is not the onset either: no syllable spells 'gii', so g + 'ii' stays
    invalid.
    """
    for on in ONSETS:
        if base.startswith(on) and (len(base) > len(on) or on == "gi"):
            rest = base[len(on) :]
            if on == "gi" and not (rest and _VOWEL_RE.match(rest) and rest[0] != "i"):
                return "g", base[1:]
            if on == "qu" and not rest:
                continue
            return on, rest
    return "", base


def rhyme_of(syllable: str) -> str:
    """Toneless rhyme of a syllable (for learning the rhyme inventory)."""
    base, _ = split_tone(tone_key(syllable))
    return split_onset(base)[1]


def is_valid(key: str, rhymes: frozenset[str]) -> bool:
    """Onset + known rhyme + tone rule (stop finals take only sắc/nặng)."""
    if not key or not key.isalpha():
        return False
    base, tone = split_tone(key)
    onset, rhyme = split_onset(base)
    if rhyme not in rhymes:
        return False
    if rhyme.endswith(CHECKED) and tone not in ("s", "j"):
        return False
    return not (onset in ("k", "gh", "ngh") and rhyme[:1] not in ("i", "e", "ê", "y"))


def skeleton(s: str) -> str:
    """Lower-case ASCII skeleton: 'Đảng' -> 'dang'."""
    return unidecode(unicodedata.normalize("NFC", s)).lower()


def has_marks(s: str) -> bool:
    """True if the word carries any Vietnamese diacritic (tone or vowel quality, or đ)."""
    return skeleton(s) != s.lower()


_ACRONYM = re.compile(r"\b[A-ZĐ]*Đ[A-ZĐ]*\b")


def acronyms_of(text: str) -> dict[str, str]:
    """Abbreviations written with Đ (HĐND, QĐ, BCĐ) keyed by their plain form (HDND)."""
    out = {}
    for m in _ACRONYM.finditer(text):
        a = m.group()
        if 2 <= len(a) <= 8:
            out[a.replace("Đ", "D")] = a
    return out


# What may open a sentence, an item or a heading before a word: its capital there says
# nothing of the word. A line start counts (a heading's next line starts with a capital).
SENTENCE_OPENING = re.compile(r"[.!?:;+*•(\[\"“\n-]")


def title_case(tok: str) -> bool:
    """ "Đảng", "Báo": a capital and lower-case letters after it (no heading in capitals)."""
    return len(tok) > 1 and tok[:1].isupper() and tok[1:].islower() and tok.isalpha()


def capitals_of(text: str) -> dict[str, int]:
    """How often each syllable (tone key) is written with a capital inside a sentence: the
    names and institutions a text capitalises ("Đảng", "Báo Sơn La", "Thủ tướng")."""
    out: dict[str, int] = {}
    pos = 0
    for m in TOKEN.finditer(text):
        gap = text[pos : m.start()]
        tok = m.group()
        if pos and title_case(tok) and not SENTENCE_OPENING.search(gap):
            key = tone_key(tok.lower())
            out[key] = out.get(key, 0) + 1
        pos = m.end()
    return out
