"""Syllable bigram language model with interpolated Kneser-Ney smoothing.

Two models can be mixed: the base snapshot (package text) and the archive's own clean text
(in-domain adaptation); P = (1 - mu) P_base + mu P_domain.
"""

from __future__ import annotations

import math
from collections import Counter

DISCOUNT = 0.75
START = "<s>"


class KneserNey:
    """Interpolated KN bigram over counts 'w1 w2' -> n (w1 may be '<s>')."""

    def __init__(self, bigrams: dict[str, int], vocab_size: int) -> None:
        self.seen: dict[tuple[str, str], float] = {}
        hist: Counter = Counter()
        fanout: Counter = Counter()
        cont: Counter = Counter()
        pairs = []
        for k, n in bigrams.items():
            w1, w2 = k.split(" ", 1)
            pairs.append((w1, w2, n))
            hist[w1] += n
            fanout[w1] += 1
            cont[w2] += 1
        total_cont = sum(cont.values()) or 1
        self._cont_den = total_cont + 0.5 * max(vocab_size, 1)
        self.cont = {w: (c + 0.5) / self._cont_den for w, c in cont.items()}
        self._floor = 0.5 / self._cont_den
        self.lam = {w: DISCOUNT * fanout[w] / hist[w] for w in hist}
        for w1, w2, n in pairs:
            p = (n - DISCOUNT) / hist[w1] + self.lam[w1] * self.cont[w2]
            self.seen[(w1, w2)] = p
        self.size = sum(hist.values())

    def prob(self, w1: str, w2: str) -> float:
        p = self.seen.get((w1, w2))
        if p is not None:
            return p
        pc = self.cont.get(w2, self._floor)
        lam = self.lam.get(w1)
        return pc if lam is None else lam * pc


class MixedLM:
    """Base KN mixed with an optional in-domain KN; memoised log-probabilities."""

    def __init__(self, base: KneserNey, domain: KneserNey | None = None, mu: float = 0.0):
        self.base, self.domain, self.mu = base, domain, mu
        self._memo: dict[tuple[str, str], float] = {}

    def logp(self, w1: str, w2: str) -> float:
        key = (w1, w2)
        lp = self._memo.get(key)
        if lp is None:
            p = self.base.prob(w1, w2)
            if self.domain is not None:
                p = (1 - self.mu) * p + self.mu * self.domain.prob(w1, w2)
            lp = math.log(p)
            self._memo[key] = lp
        return lp
