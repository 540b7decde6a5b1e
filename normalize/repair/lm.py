"""Syllable n-gram language model (bigram + trigram) with interpolated Kneser-Ney smoothing.

Two models can be mixed: the base snapshot (package text) and the archive's own clean text
(in-domain adaptation); P = (1 - mu) P_base + mu P_domain.
"""

from __future__ import annotations

import math
from collections import Counter

from normalize.repair.syllables import STRONG_BREAK, TOKEN, is_valid
from normalize.unicode import tone_key

DISCOUNT = 0.75
START = "<s>"
NUM = "<num>"  # any run of digits: "năm <num>", "ngày <num>", "số <num>"


def count_ngrams(text: str, rhymes: frozenset[str], counts: dict[str, Counter]) -> None:
    """Add a text's syllable counts to counts['unigrams'|'bigrams'|'trigrams'] (keys 'a b c').

    Chains break at strong punctuation and at tokens that are not syllables; numbers are NUM.
    """
    uni, bi, tri = counts["unigrams"], counts["bigrams"], counts["trigrams"]
    p2, p1, pos = START, START, 0
    for m in TOKEN.finditer(text):
        if STRONG_BREAK.search(text, pos, m.start()):
            p2 = p1 = START
        pos = m.end()
        key = NUM if m.group().isdigit() else tone_key(m.group())
        if key != NUM and not is_valid(key, rhymes):
            p2 = p1 = START
            continue
        if key != NUM:
            uni[key] += 1
        bi[f"{p1} {key}"] += 1
        if p1 != START:
            tri[f"{p2} {p1} {key}"] += 1
        p2, p1 = p1, key


class KneserNey:
    """Interpolated KN bigram over counts 'w1 w2' -> n (w1 may be '<s>')."""

    def __init__(self, bigrams: dict[str, int], vocab_size: int,
                 trigrams: dict[str, int] | None = None, min_trigram: int = 1) -> None:
        self._init_trigrams(trigrams or {}, min_trigram)
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

    def _init_trigrams(self, trigrams: dict[str, int], min_count: int) -> None:
        """Trigram counts; those below min_count only enter the history totals (smaller model,
        they would add just (1 - DISCOUNT) / history to a probability)."""
        self.tri: dict[tuple[str, str, str], int] = {}
        hist: Counter = Counter()
        fanout: Counter = Counter()
        for k, n in trigrams.items():
            u, v, w = k.split(" ")
            if n >= min_count:
                self.tri[(u, v, w)] = n
            hist[(u, v)] += n
            fanout[(u, v)] += 1
        self.hist2 = dict(hist)
        self.lam2 = {h: DISCOUNT * fanout[h] / n for h, n in hist.items()}

    def prob3(self, u: str, v: str, w: str) -> float:
        """P(w | u v): trigram KN interpolated with the bigram estimate."""
        h = self.hist2.get((u, v))
        p2 = self.prob(v, w)
        if h is None:
            return p2
        n = self.tri.get((u, v, w), 0)
        return max(n - DISCOUNT, 0) / h + self.lam2[(u, v)] * p2

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
        self.memo: dict[tuple[str, str], float] = {}
        self.memo3: dict[tuple[str, str, str], float] = {}

    def logp(self, w1: str, w2: str) -> float:
        key = (w1, w2)
        lp = self.memo.get(key)
        if lp is None:
            p = self.base.prob(w1, w2)
            if self.domain is not None:
                p = (1 - self.mu) * p + self.mu * self.domain.prob(w1, w2)
            lp = math.log(p)
            self.memo[key] = lp
        return lp

    def logp3(self, u: str, v: str, w: str) -> float:
        key = (u, v, w)
        lp = self.memo3.get(key)
        if lp is None:
            p = self.base.prob3(u, v, w)
            if self.domain is not None:
                p = (1 - self.mu) * p + self.mu * self.domain.prob3(u, v, w)
            lp = math.log(p)
            self.memo3[key] = lp
        return lp
