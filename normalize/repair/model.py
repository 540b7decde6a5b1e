"""The repair model: syllable candidates, a noisy-channel cost and a Viterbi search.

For each word token the candidates are: the token itself, the syllables the confusion table
says it came from (learned from English-OCR renders), and syllables whose unaccented skeleton
matches the token after OCR character rules (6->o, I->l, Q->O, P->Đ, ir->ư ...) or within one
edit. Score = log P(token | syllable) + log P_LM(syllable | previous syllable); the prior that
a token is damaged at all comes from the text's damage score, so clean text stays as it is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from normalize.repair.lm import START, MixedLM
from normalize.repair.syllables import TOKEN, has_marks, is_valid, skeleton
from normalize.unicode import tone_key

# Characters English OCR puts in place of Vietnamese letters, mapped before skeleton lookup.
CHAR_MAP = str.maketrans({"6": "o", "0": "o", "¢": "o", "@": "o", "4": "a", "§": "y", "1": "l"})
# Optional rewrites of the skeleton, with a cost (nats) each: OCR confusions seen in the seeds.
RULES = (
    ("q", "o", 0.5), ("i", "l", 1.0), ("l", "i", 1.0), ("ir", "u", 1.0), ("it", "u", 1.0),
    ("ti", "u", 1.5), ("ii", "u", 1.0), ("tt", "u", 1.5), ("w", "u", 0.5), ("rn", "m", 1.0),
    ("d", "o", 1.5), ("g", "o", 2.0), ("e", "o", 1.5), ("e", "a", 1.5), ("a", "o", 2.0),
    ("d", "a", 2.0), ("c", "e", 2.0), ("8", "e", 1.0),
)
INITIAL_RULES = (("p", "d", 1.0), ("b", "d", 1.5))
OOV_LOGP = -14.0  # LM cost of keeping a token that is not a Vietnamese syllable
BACKOFF_P = 0.02  # P(token | syllable) for a skeleton match never seen in the table
EDIT_COST = 4.0
MAX_CANDS = 6
STRONG_BREAK = re.compile(r"[.;:!?()\[\]\"“”/]|\n\s*\n")
# Damaged document-type abbreviations inside keys: 677/Qb-TTg, 30/ND-CP.
KEY_ABBR = re.compile(r"^[QN][bBDdPÐ9]$")


@dataclass(frozen=True)
class Cand:
    """One reading of a token: its LM key (None: not a syllable), output text, channel log-p."""

    key: str | None
    text: str
    logp: float


def apply_case(src: str, key: str) -> str:
    """Give a repaired syllable the case shape of the damaged token ('HQI' -> 'HỘI')."""
    letters = [c for c in src if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return key.upper()
    if src[:1] == "I" and len(src) > 1 and not src[1:].isupper():
        return key  # 'I6p' = 'lớp': a capital I standing for l
    if src[:1].isupper():
        return key[:1].upper() + key[1:]
    return key


def _rewrites(s: str) -> list[tuple[str, float]]:
    out = []
    for a, b, cost in RULES:
        start = s.find(a)
        while start >= 0:
            out.append((s[:start] + b + s[start + len(a) :], cost))
            start = s.find(a, start + 1)
    for a, b, cost in INITIAL_RULES:
        if s.startswith(a):
            out.append((b + s[len(a) :], cost))
    return out


class Repairer:
    """Candidate generation and decoding over one snapshot + optional in-domain counts."""

    def __init__(self, snap: dict, lm: MixedLM, extra_vocab: dict[str, int] | None = None):
        self.rhymes = frozenset(snap["rhymes"])
        vocab = dict(snap["syllables"])
        for k, n in (extra_vocab or {}).items():
            vocab[k] = vocab.get(k, 0) + n
        self.vocab = vocab
        self.table: dict[str, dict[str, int]] = snap["confusion"]
        self.totals: dict[str, int] = snap["confusion_totals"]
        self.lm = lm
        index: dict[str, list[str]] = {}
        for k in sorted(vocab, key=lambda k: -vocab[k]):
            index.setdefault(skeleton(k).replace("đ", "d"), []).append(k)
        self.index = index
        self.skeletons = list(index)
        self.valid = lru_cache(maxsize=200_000)(self._valid)
        self.candidates = lru_cache(maxsize=200_000)(self._candidates)

    def _valid(self, key: str) -> bool:
        return key in self.vocab or is_valid(key, self.rhymes)

    # ---- candidates -------------------------------------------------------------------
    def _skeleton_cands(self, tok: str) -> dict[str, float]:
        """Syllable -> rule cost, from the skeleton after OCR character rules (<= 2 rules)."""
        base = skeleton(tok.translate(CHAR_MAP))
        found: dict[str, float] = {}
        frontier = [(base, 0.0)]
        seen = {base: 0.0}
        for _ in range(2):
            nxt = []
            for s, c in frontier:
                for s2, c2 in _rewrites(s):
                    if s2 not in seen or seen[s2] > c + c2:
                        seen[s2] = c + c2
                        nxt.append((s2, c + c2))
            frontier = nxt
        for s, c in seen.items():
            for k in self.index.get(s, ())[:8]:
                if k not in found or found[k] > c:
                    found[k] = c
        letters = [ch for ch in tok if ch.isalpha()]
        caps = len(letters) >= 2 and all(ch.isupper() for ch in letters)
        if not caps and 2 <= len(base) <= 7:
            for s, dist, _ in process.extract(
                base, self.skeletons, scorer=Levenshtein.distance, score_cutoff=1, limit=6
            ):
                for k in self.index[s][:3]:
                    found.setdefault(k, EDIT_COST * dist)
        return found

    def _candidates(self, tok: str, p_dmg: float) -> tuple[Cand, ...]:
        low = tok.lower()
        ident_key = tone_key(tok)
        ident_ok = self.valid(ident_key)
        if tok.isdigit() or (not ident_ok and not _may_be_damaged(tok)):
            return (Cand(None, tok, 0.0),)
        seen = self.table.get(low, {})
        costs = self._skeleton_cands(tok)
        for k in seen:
            costs.setdefault(k, 0.0)
        scored = []
        for k, cost in costs.items():
            if k == ident_key:
                continue
            p = self._channel(low, k, cost, seen)
            scored.append((math.log(p_dmg * p), k))
        scored.sort(key=lambda x: -(x[0] + math.log(self.vocab.get(x[1], 0) + 1)))
        out = []
        if ident_ok:
            p_same = self._channel(low, ident_key, 0.0, seen)
            out.append(Cand(ident_key, tok, math.log((1 - p_dmg) + p_dmg * p_same)))
        else:
            out.append(Cand(None, tok, math.log(1 - p_dmg)))
        out.extend(Cand(k, apply_case(tok, k), lp) for lp, k in scored[:MAX_CANDS])
        return tuple(out)

    def _channel(self, low: str, key: str, cost: float, seen: dict[str, int]) -> float:
        """P(damaged token | syllable): the table if it saw the pair, else a rule backoff."""
        n = seen.get(key)
        total = self.totals.get(key, 0)
        if n:
            return n / (total + 1)
        return BACKOFF_P * math.exp(-cost) * math.sqrt(5 / (5 + total))

    # ---- decoding ---------------------------------------------------------------------
    def decode(self, text: str, p_dmg: float) -> list[tuple[int, int, str]]:
        """Viterbi over every word token of the text; returns (start, end, replacement)."""
        toks = list(TOKEN.finditer(text))
        if not toks:
            return []
        p_dmg = round(min(max(p_dmg, 1e-3), 0.95), 3)
        lm = self.lm.logp
        prev_states: list[tuple[float, str, int]] = [(0.0, START, -1)]
        back: list[list[tuple[Cand, int]]] = []
        pos = 0
        for m in toks:
            tok = m.group()
            gap = text[pos : m.start()]
            pos = m.end()
            if KEY_ABBR.match(tok) and text[m.end() : m.end() + 1] == "-":
                cands: tuple[Cand, ...] = (Cand(None, tok[0] + "Đ", 0.0),)
            else:
                cands = self.candidates(tok, p_dmg)
            if STRONG_BREAK.search(gap):
                best = max(range(len(prev_states)), key=lambda i: prev_states[i][0])
                prev_states = [(prev_states[best][0], START, best)]
            states, ptrs = [], []
            for c in cands:
                best_s, best_i = -math.inf, 0
                for i, (s, ctx, _) in enumerate(prev_states):
                    v = s + (lm(ctx, c.key) if c.key is not None else OOV_LOGP)
                    if v > best_s:
                        best_s, best_i = v, i
                if len(cands) == 1 and c.key is None:
                    best_s -= OOV_LOGP  # a forced token costs nothing
                states.append((best_s + c.logp, c.key or START))
                ptrs.append((c, prev_states[best_i][2]))
            back.append(ptrs)
            prev_states = [(s, k, j) for j, (s, k) in enumerate(states)]
        return self._trace(toks, back, prev_states)

    @staticmethod
    def _trace(toks, back, last) -> list[tuple[int, int, str]]:
        j = max(range(len(last)), key=lambda i: last[i][0])
        out = []
        for t in range(len(toks) - 1, -1, -1):
            cand, prev = back[t][j]
            m = toks[t]
            if cand.text != m.group():
                out.append((m.start(), m.end(), cand.text))
            j = prev
        out.reverse()
        return out

    # ---- damage -----------------------------------------------------------------------
    def damage(self, text: str) -> tuple[float, int]:
        """Estimated fraction of damaged syllables, and the number of word tokens judged."""
        n = invalid = plain = 0
        for m in TOKEN.finditer(text):
            tok = m.group()
            letters = [c for c in tok if c.isalpha()]
            if not letters or (len(letters) >= 2 and all(c.isupper() for c in letters)
                               and not has_marks(tok) and not self.valid(tone_key(tok))):
                continue
            n += 1
            if not self.valid(tone_key(tok)):
                invalid += 1
            elif not has_marks(tok):
                plain += 1
        if not n:
            return 0.0, 0
        # Clean Vietnamese prose has about 25% unmarked syllables; more means lost marks.
        lost = max(0.0, plain / n - CLEAN_PLAIN_RATE * (1 - invalid / n)) / (1 - CLEAN_PLAIN_RATE)
        return min(1.0, invalid / n + lost), n


CLEAN_PLAIN_RATE = 0.25


def _may_be_damaged(tok: str) -> bool:
    """Tokens worth looking up: not acronyms like UBND/THPT (all-caps without a vowel reading)."""
    letters = [c for c in tok if c.isalpha()]
    if not letters:
        return False
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return bool(re.search("[AEIOUYQ6@0]", tok.upper())) and len(letters) <= 7
    return True
