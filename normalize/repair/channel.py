"""A character-level channel for English OCR's confusions: P(observed token | syllable).

English OCR rarely returns a Vietnamese syllable's letters without its marks and nothing
else: it writes "é" for á/ắ/ấ, "6" for ở/ố, "Q" for Ộ, "a" for the ư of "chức", "ii" for the
ũ of "vũ", and drops letters. A table of whole (token, syllable) pairs only knows the pairs
it saw; this channel knows what each *letter* of a syllable turns into, so it prices a
reading whose unaccented form is not the token at all ("chac" -> "chức", "caa" -> "của").

Learning (build time, ``learn``): every (clean syllable, English-OCR token) pair of aligned
lines is aligned letter by letter (a dynamic programme: each letter of the syllable emits 0, 1
or 2 characters of the token, with costs from the previous pass; two passes), and the
emissions are counted per letter, lower case. The table is stored in the snapshot; the
snapshot's provenance names the pairs it was learned from.

Use (``CharChannel``): ``logp(token, syllable)`` is the best alignment's log-probability;
``forms(syllable)`` lists the likeliest damaged forms of a syllable (a beam over its
letters), from which the lexicon builds an index: damaged form -> syllables that produce it.
"""

from __future__ import annotations

import heapq
import math
import unicodedata
from collections.abc import Callable, Iterable

from unidecode import unidecode

from normalize.unicode import TONE_MARKS, split_tone

# An emission no pass saw: log-probability of a letter turning into it (per emission).
UNSEEN_LOGP = math.log(1e-4)
# Emissions seen fewer times than this (per letter) are not used to generate forms: noise.
MIN_COUNT = 2
# Smoothing: counts per letter are shrunk towards its plain letter by this pseudo-count.
ALPHA = 1.0
MAX_SEG = 2  # a letter emits at most this many characters ("ư" -> "ir")
GEN_PER_LETTER = 6  # emissions per letter tried when a syllable's forms are generated
_MARK_OF = {tone: mark for mark, tone in TONE_MARKS.items()}


def _plain(ch: str) -> str:
    """A letter without its marks (đ -> d): what OCR that knows no Vietnamese writes."""
    return unidecode(ch).lower()[:1] if ch.isalpha() else ch


def _prior_cost(ch: str, seg: str) -> float:
    """Cost of an emission before anything is learned: its plain letter is free."""
    if seg == ch or seg == _plain(ch):
        return 0.0
    if not seg:
        return 2.0
    if len(seg) == 1:
        return 1.0 if seg.isalpha() == ch.isalpha() else 1.5
    if _plain(ch) in "aeiouy":  # a vowel read as two characters: "ư" -> "ir", "ũ" -> "ii"
        return 1.2 if _plain(ch) in seg else 1.5
    return 2.0 if _plain(ch) in seg else 3.0


def _align(
    syl: str, tok: str, cost: Callable[[str, str], float]
) -> tuple[float, list[tuple[str, str]]]:
    """Cheapest segmentation of tok into one segment (0..MAX_SEG chars) per letter of syl."""
    n, m = len(syl), len(tok)
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(1, n + 1):
        ch = syl[i - 1]
        row, prev = best[i], best[i - 1]
        for j in range(m + 1):
            for k in range(min(MAX_SEG, j) + 1):
                if prev[j - k] == inf:
                    continue
                v = prev[j - k] + cost(ch, tok[j - k : j])
                if v < row[j]:
                    row[j], back[i][j] = v, k
    if best[n][m] == inf:
        return inf, []
    out, j = [], m
    for i in range(n, 0, -1):
        k = back[i][j]
        out.append((syl[i - 1], tok[j - k : j]))
        j -= k
    return best[n][m], out[::-1]


def learn(pairs: Iterable[tuple[str, str, float]], passes: int = 2) -> dict[str, dict[str, float]]:
    """Emission counts per letter from (clean syllable, damaged token, weight) pairs.

    Both sides are lower-cased; pairs whose token cannot be aligned (more than MAX_SEG
    characters per letter) are skipped. The first pass aligns with ``_prior_cost``, the next
    with the costs the previous pass learned.
    """
    data = [(s.lower(), t.lower(), w) for s, t, w in pairs if s and t]
    table: dict[str, dict[str, float]] = {}
    for _ in range(passes):
        cost = _prior_cost if not table else CharChannel(table).cost
        counts: dict[str, dict[str, float]] = {}
        for syl, tok, w in data:
            total, path = _align(syl, tok, cost)
            if total == math.inf:
                continue
            for ch, seg in path:
                emitted = counts.setdefault(ch, {})
                emitted[seg] = emitted.get(seg, 0.0) + w
        table = {ch: dict(c) for ch, c in sorted(counts.items())}
    return {ch: {s: round(n, 3) for s, n in c.items()} for ch, c in table.items()}


class CharChannel:
    """Emission log-probabilities per letter, from a learned table of counts."""

    def __init__(self, table: dict[str, dict[str, float]]) -> None:
        self.logp_of: dict[str, dict[str, float]] = {}
        for ch, segs in table.items():
            plain = _plain(ch)
            total = sum(segs.values()) + ALPHA
            lp = {s: math.log(n / total) for s, n in segs.items()}
            # the plain letter is always possible (pseudo-count ALPHA)
            lp[plain] = math.log((segs.get(plain, 0.0) + ALPHA) / total)
            self.logp_of[ch] = lp
        self._gen = {
            ch: sorted(
                (
                    (lp, s)
                    for s, lp in lps.items()
                    if s == _plain(ch) or table.get(ch, {}).get(s, 0) >= MIN_COUNT
                ),
                reverse=True,
            )[:GEN_PER_LETTER]
            for ch, lps in self.logp_of.items()
        }

    def emit(self, ch: str, seg: str) -> float:
        """log P(seg | letter); letters never seen emit their plain form for free."""
        lps = self.logp_of.get(ch)
        if lps is None:
            return 0.0 if seg == _plain(ch) else UNSEEN_LOGP
        return lps.get(seg, UNSEEN_LOGP)

    def cost(self, ch: str, seg: str) -> float:
        return -self.emit(ch, seg)

    def logp(self, tok: str, syl: str) -> float:
        """log P(token | syllable) of the best letter alignment (lower case).

        ``_align``'s programme without its back-pointers and with the emission table looked
        up directly: the lexicon scores a token against a frame's syllables with it, at
        run time (see normalize.repair.lexicon.Lexicon._frame_rows)."""
        tok = tok.lower()
        m = len(tok)
        inf = math.inf
        prev = [0.0] + [inf] * m
        for ch in syl.lower():
            lps = self.logp_of.get(ch) or {_plain(ch): 0.0}
            row = [inf] * (m + 1)
            for j in range(m + 1):
                best = inf
                for k in range(min(MAX_SEG, j) + 1):
                    v = prev[j - k]
                    if v != inf:
                        v -= lps.get(tok[j - k : j], UNSEEN_LOGP)
                        if v < best:
                            best = v
                row[j] = best
            prev = row
        return -prev[m]

    def forms(self, syl: str, beam: int = 16, floor: float = -9.0) -> list[tuple[str, float]]:
        """The likeliest damaged forms of a syllable (lower case) with their log-p."""
        states = [(0.0, "")]
        for ch in syl.lower():
            gen = self._gen.get(ch) or [(0.0, _plain(ch))]
            nxt: dict[str, float] = {}
            for lp, form in states:
                for elp, seg in gen:
                    v = lp + elp
                    if v >= floor and v > nxt.get(form + seg, -math.inf):
                        nxt[form + seg] = v
            states = heapq.nlargest(beam, ((v, f) for f, v in nxt.items()))
        return [(f, v) for v, f in states if f]


def old_style(key: str) -> str:
    """The syllable with its tone placed by the old rule (hoà, uỷ, khoẻ): English OCR damages
    the two placements differently, and documents use both."""
    base, tone = split_tone(key)
    if not tone:
        return key
    vowels = "aăâeêioôơuưy"
    low = base.lower()
    if low[-2:] in ("oa", "oe", "uy") and low[-3:-2] not in vowels and not low.startswith("qu"):
        return base[:-1] + unicodedata.normalize("NFC", base[-1] + _MARK_OF[tone])
    return key


def syllable_pairs(clean: str, damaged: str) -> list[tuple[str, str]]:
    """(clean syllable, damaged token) of one aligned line pair with as many tokens on each
    side (other lines are skipped: their tokens cannot be paired safely)."""
    from normalize.repair.syllables import TOKEN

    c = [m.group() for m in TOKEN.finditer(clean)]
    d = [m.group() for m in TOKEN.finditer(damaged)]
    if len(c) != len(d):
        return []
    return [(a, b) for a, b in zip(c, d, strict=True) if a.isalpha()]
