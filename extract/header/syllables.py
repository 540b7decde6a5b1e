"""Words OCR ran together in a title ("khuyếnhọc", "tỉnhQuảng"): split where only one
split gives two Vietnamese syllables.

Vietnamese writes one syllable per word, and a syllable has one onset, one nucleus, one
final and at most one tone mark, with fixed rules (a stop final p/t/c/ch takes only the
sắc or nặng tone; iê, uô, ươ need a final). A token that is no syllable but splits into
two in exactly one way lost a space; two ways ("hànhán": hành án or hàn hán) cannot be
told from the letters and the token is kept, reported ambiguous for review.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata

from extract.header.lines import SYLLABLE
from normalize.fold import fold
from normalize.unicode import TONE_MARKS, split_tone

__all__ = ["is_syllable", "split_merged", "written_pairs"]

log = logging.getLogger(__name__)

_LETTERS = re.compile(r"[^\W\d_]+")
_OPEN_DIPHTHONG = re.compile(r"(?:iê|yê|uô|ươ)$")
_CHECKED = ("p", "t", "c", "ch")
_ONSET = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi(?=[aeiouyăâêôơư])|kh|ph|th|tr|qu|[bcdđghklmnpqrstvx])")
# ia, ua, ưa are open rhymes (no final: "uam" is none); nh and ch follow a, ê, i, y only
_BAD_RHYME = re.compile(r"(?:ia|ua|ưa)[cmnpt]|(?:[^aêiy]|iê|yê)(?:nh|ch)$")


def is_syllable(token: str) -> bool:
    """One Vietnamese syllable by its shape: onset, vowels, final and one tone at most."""
    low = unicodedata.normalize("NFC", token).lower()
    if not low.isalpha() or not SYLLABLE.match(fold(low)):
        return False
    if sum(ch in TONE_MARKS for ch in unicodedata.normalize("NFD", low)) > 1:
        return False
    base, tone = split_tone(low)
    onset = _ONSET.match(base)
    rhyme = base[onset.end() if onset else 0 :]
    if _OPEN_DIPHTHONG.search(base) or _BAD_RHYME.search(rhyme):
        return False
    return not (fold(base).endswith(_CHECKED) and tone not in ("s", "j"))


def split_merged(
    text: str, written: frozenset[str] = frozenset(), capitals: bool = False
) -> tuple[str, bool]:
    """``text`` with each run-together pair of syllables split, and whether a token was
    left run together because it splits in more than one way. ``written``: word pairs
    (lower case, one space) the document writes apart; of several splits, the one pair
    it writes (and no other) is taken: "hànhán" is "hành án" where the body writes it so.
    ``capitals``: a heading's words in capitals are split too ("DÂNTỈNH"); an acronym
    (UBND, HĐND) has no vowel to make two syllables of."""
    ambiguous = False
    out: list[str] = []
    pos = 0
    for m in _LETTERS.finditer(text):
        tok = m.group()
        upper = tok.isupper() and not capitals
        if len(tok) < 4 or is_syllable(tok) or upper or fold(tok) == tok.lower():
            continue  # a syllable, an acronym, or no marks (English OCR, a foreign word)
        splits = _splits(tok)
        if len(splits) > 1:
            seen = [i for i in splits if f"{tok[:i]} {tok[i:]}".lower() in written]
            splits = seen if len(seen) == 1 else splits
        if len(splits) == 1:
            out += [text[pos : m.start() + splits[0]], " "]
            pos = m.start() + splits[0]
            log.debug("title word %r split into two syllables", tok)
        elif len(splits) > 1:
            ambiguous = True
    return "".join(out) + text[pos:], ambiguous


def _splits(tok: str) -> list[int]:
    """Where ``tok`` splits into two syllables; a split at a small-capital boundary
    ("tỉnhQuảng") wins over the others."""
    found = [i for i in range(1, len(tok)) if is_syllable(tok[:i]) and is_syllable(tok[i:])]
    cased = [i for i in found if tok[i - 1].islower() and tok[i].isupper()]
    return cased if len(cased) == 1 else found


def written_pairs(text: str) -> frozenset[str]:
    """The pairs of neighbouring words a text writes apart, lower case: the evidence
    :func:`split_merged` settles a two-way split with."""
    words = [w.lower() for w in _LETTERS.findall(text)]
    return frozenset(f"{a} {b}" for a, b in itertools.pairwise(words))
