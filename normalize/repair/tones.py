"""Tone slips of Vietnamese-model OCR: "bỗ nhiệm" for "bổ nhiệm", "đôi với" for "đối với".

Tesseract ``vie`` reads letters well and tones less well: a syllable comes out with another
tone, often with high confidence, so word confidence cannot point at it. Here every syllable
may take any tone the language model knows for its letters; a line is decoded with the
syllable bigram model, and each move away from the tone as read costs ``CHANGE_COST`` nats.
Only a slip the model is very sure of in its context changes. Letters and vowel marks (â, ơ,
đ) never change, nor numbers, words in capitals (headings, acronyms) or anything that is not
a syllable. Tone placement of a changed syllable follows the project's convention.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from normalize.repair.lm import START, MixedLM
from normalize.repair.syllables import STRONG_BREAK, TOKEN
from normalize.unicode import place_tone, split_tone, tone_key

CHANGE_COST = 6.0  # nats: the context must make the other tone ~400 times likelier
_TONES = ("", "f", "s", "r", "x", "j")


def _chains(text: str) -> Iterator[list[tuple[int, int, str]]]:
    """Runs of lower-case or capitalised syllables not broken by punctuation or other tokens."""
    chain: list[tuple[int, int, str]] = []
    pos = 0
    for m in TOKEN.finditer(text):
        tok = m.group()
        gap = text[pos : m.start()]
        broken = STRONG_BREAK.search(gap) or "\n" in gap or "   " in gap  # lines, columns
        pos = m.end()
        if broken and chain:
            yield chain
            chain = []
        if tok.isalpha() and not (len(tok) > 1 and tok.isupper()):
            chain.append((m.start(), m.end(), tok))
        elif chain:
            yield chain
            chain = []
    if chain:
        yield chain


def _states(tok: str, lm: MixedLM) -> list[tuple[str, int, float]]:
    """(key, LM id, cost) of the token as read and of its other tones the LM has seen."""
    key = tone_key(tok)
    base, tone = split_tone(key)
    out = [(key, lm.id(key), 0.0)]
    for t in _TONES:
        alt = place_tone(base, t)
        if t != tone and alt != key and alt in lm.ids:
            out.append((alt, lm.ids[alt], CHANGE_COST))
    return out


def _decode(chain: list[tuple[int, int, str]], lm: MixedLM) -> list[str]:
    """The best key per token (Viterbi over tone states, bigram LM + change costs)."""
    start = lm.ids[START]
    states = [_states(tok, lm) for _, _, tok in chain]
    score = [lm.logp(start, i) - c for _, i, c in states[0]]
    back: list[list[int]] = []
    for prev, cur in itertools.pairwise(states):
        new, ptr = [], []
        for _, i, c in cur:
            via = [score[k] + lm.logp(prev[k][1], i) for k in range(len(prev))]
            best = max(range(len(via)), key=via.__getitem__)
            new.append(via[best] - c)
            ptr.append(best)
        score, back = new, [*back, ptr]
    k = max(range(len(score)), key=score.__getitem__)
    path = [k]
    for ptr in reversed(back):
        k = ptr[k]
        path.append(k)
    path.reverse()
    return [states[n][k][0] for n, k in enumerate(path)]


def tone_edits(text: str, lm: MixedLM) -> list[tuple[int, int, str]]:
    """(start, end, new text) of the syllables whose tone the LM puts right; same length."""
    edits = []
    for chain in _chains(text):
        if len(chain) < 2:  # no context to judge by
            continue
        for (start, end, tok), key in zip(chain, _decode(chain, lm), strict=True):
            if key != tone_key(tok):
                new = key[:1].upper() + key[1:] if tok[:1].isupper() else key
                if len(new) == end - start:
                    edits.append((start, end, new))
    return edits
