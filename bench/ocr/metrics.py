"""CER and WER on whitespace-normalised text (NFC), by Levenshtein distance."""

from __future__ import annotations

import unicodedata

from rapidfuzz.distance import Levenshtein


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def cer(truth: str, hyp: str) -> tuple[int, int]:
    """(edit distance in characters, truth length)."""
    t, h = _norm(truth), _norm(hyp)
    return Levenshtein.distance(t, h), len(t)


def wer(truth: str, hyp: str) -> tuple[int, int]:
    """(edit distance in words, number of truth words)."""
    t, h = _norm(truth).split(), _norm(hyp).split()
    return Levenshtein.distance(t, h), len(t)
