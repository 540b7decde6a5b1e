"""Syllable n-gram language model (bigram + trigram) with interpolated Kneser-Ney smoothing.

Two models can be mixed: the base snapshot (package text) and the archive's own clean text
(in-domain adaptation); P = (1 - mu) P_base + mu P_domain.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable

from normalize.repair.syllables import STRONG_BREAK, TOKEN, is_valid
from normalize.unicode import tone_key

log = logging.getLogger(__name__)

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


SHIFT = 21  # syllable ids fit in 21 bits; pairs and triples are packed into one int key


def new_ids() -> dict[str, int]:
    """The string -> id map shared by every model of a process (ids 0, 1: START, NUM)."""
    return {START: 0, NUM: 1}


def ids_of(ids: dict[str, int], words: Iterable[str]) -> list[int]:
    return [ids.setdefault(w, len(ids)) for w in words]


class KneserNey:
    """Interpolated KN bigram + trigram over counts 'w1 w2' / 'w1 w2 w3' -> n.

    Words are mapped to small ints (``ids``) and n-grams packed into one int: hashing an int
    is much cheaper than hashing a tuple of strings, and the search does it a million times.
    """

    def __init__(
        self,
        ids: dict[str, int],
        bigrams: dict[str, int],
        vocab_size: int,
        trigrams: dict[str, int] | None = None,
    ) -> None:
        hist: Counter = Counter()
        fanout: Counter = Counter()
        cont: Counter = Counter()
        pairs = []
        for k, n in bigrams.items():
            a, b = ids_of(ids, k.split(" ", 1))
            pairs.append((a, b, n))
            hist[a] += n
            fanout[a] += 1
            cont[b] += 1
        den = (sum(cont.values()) or 1) + 0.5 * max(vocab_size, 1)
        self.cont = {w: (c + 0.5) / den for w, c in cont.items()}
        self.floor = 0.5 / den
        self.lam = {w: DISCOUNT * fanout[w] / hist[w] for w in hist}
        self.seen = {
            (a << SHIFT) | b: (n - DISCOUNT) / hist[a] + self.lam[a] * self.cont[b]
            for a, b, n in pairs
        }
        self.seen_lp = {k: math.log(p) for k, p in self.seen.items()}
        self.size = sum(hist.values())
        self._init_trigrams(ids, trigrams or {})

    def _init_trigrams(self, ids: dict[str, int], trigrams: dict[str, int]) -> None:
        """Trigram counts, singletons included: most of a small corpus's trigrams are seen
        once, and dropping them (a smaller model) cost 0.003 on bench/repair's held-back
        administrative text."""
        self.tri: dict[int, int] = {}
        hist: Counter = Counter()
        fanout: Counter = Counter()
        for k, n in trigrams.items():
            a, b, c = ids_of(ids, k.split(" "))
            h = (a << SHIFT) | b
            self.tri[(h << SHIFT) | c] = n
            hist[h] += n
            fanout[h] += 1
        self.hist2 = dict(hist)
        self.lam2 = {h: DISCOUNT * fanout[h] / n for h, n in hist.items()}

    def prob(self, a: int, b: int) -> float:
        """P(b | a), ids."""
        p = self.seen.get((a << SHIFT) | b)
        if p is not None:
            return p
        pc = self.cont.get(b, self.floor)
        lam = self.lam.get(a)
        return pc if lam is None else lam * pc

    def prob3(self, a: int, b: int, c: int) -> float:
        """P(c | a b): trigram KN interpolated with the bigram estimate."""
        h = (a << SHIFT) | b
        p2 = self.prob(b, c)
        n_h = self.hist2.get(h)
        if n_h is None:
            return p2
        n = self.tri.get((h << SHIFT) | c, 0)
        return max(n - DISCOUNT, 0) / n_h + self.lam2[h] * p2


class MixedLM:
    """Base KN mixed with an optional in-domain KN; memoised log-probabilities over ids.

    A miss costs a few dict lookups per model; the search asks for ~25 new n-grams per
    token on a new text, so the two models are looked up here without further calls.
    """

    def __init__(
        self, ids: dict[str, int], base: KneserNey, domain: KneserNey | None = None, mu: float = 0.0
    ):
        self.ids, self.base, self.domain, self.mu = ids, base, domain, mu
        self.memo: dict[int, float] = {}
        self.memo3: dict[int, float] = {}
        self._models = [(1 - mu if domain is not None else 1.0, base)]
        if domain is not None:
            self._models.append((mu, domain))

    def id(self, word: str) -> int:
        return self.ids.setdefault(word, len(self.ids))

    def trim(self, limit: int) -> None:
        """Start the memos afresh once they hold more than ``limit`` n-grams: a server
        repairs text for months, and each new text adds the n-grams it asked for (about
        5,000 for a 20 KB report), so an uncapped memo grows with the archive."""
        if len(self.memo) + len(self.memo3) > limit:
            log.debug("LM memo over %d n-grams: started afresh", limit)
            self.memo.clear()
            self.memo3.clear()

    def counted_bigrams(self) -> tuple[dict[int, float], list[dict[int, float]]]:
        """Log-p of counted bigrams at hand, and the models' counted-bigram tables.

        A single model's log-p are all computed with it (nothing else to check); a mix has
        its memo, and a pair one of the tables holds but the memo lacks is asked of logp.
        Every other pair is P(b | a) = sum over models of backoff(a) * cont(b).
        """
        if self.domain is None:
            return self.base.seen_lp, []
        return self.memo, [self.base.seen, self.domain.seen]

    def backoff(self, a: int) -> tuple[float, float]:
        """Weight x backoff weight of history a, per model (base, domain; 0: no domain)."""
        lam = self.base.lam.get(a, 1.0)
        if self.domain is None:
            return lam, 0.0
        return (1 - self.mu) * lam, self.mu * self.domain.lam.get(a, 1.0)

    def cont(self, b: int) -> tuple[float, float]:
        """Continuation probability of word b, per model (base, domain; 0: no domain)."""
        base = self.base.cont.get(b, self.base.floor)
        if self.domain is None:
            return base, 0.0
        return base, self.domain.cont.get(b, self.domain.floor)

    def logp(self, a: int, b: int) -> float:
        key = (a << SHIFT) | b
        lp = self.memo.get(key)
        if lp is None:
            p = 0.0
            for w, m in self._models:
                q = m.seen.get(key)
                if q is None:
                    q = m.cont.get(b, m.floor)
                    lam = m.lam.get(a)
                    if lam is not None:
                        q *= lam
                p += w * q
            lp = self.memo[key] = math.log(p)
        return lp

    def logp3(self, a: int, b: int, c: int) -> float:
        h = (a << SHIFT) | b
        key = (h << SHIFT) | c
        lp = self.memo3.get(key)
        if lp is None:
            p = 0.0
            for w, m in self._models:
                q = m.prob(b, c)
                n_h = m.hist2.get(h)
                if n_h is not None:
                    n = m.tri.get(key, 0)
                    q = (n - DISCOUNT if n > DISCOUNT else 0.0) / n_h + m.lam2[h] * q
                p += w * q
            lp = self.memo3[key] = math.log(p)
        return lp
