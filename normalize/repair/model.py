"""The repair model: syllable candidates, a noisy-channel cost and a Viterbi search.

For each word token the candidates are: the token itself, the syllables the confusion table
says it came from (learned from English-OCR renders), and syllables whose unaccented skeleton
matches the token after OCR character rules (6->o, I->l, Q->O, P->Đ, ir->ư ...) or within one
edit. Score = log P(token | syllable) + log P_LM(syllable | previous syllable); the prior that
a token is damaged at all comes from the text's damage score, so clean text stays as it is.
"""

from __future__ import annotations

import bisect
import math
import re
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from normalize.repair.lm import NUM, SHIFT, MixedLM
from normalize.repair.syllables import STRONG_BREAK, TOKEN, has_marks, is_valid, skeleton
from normalize.unicode import tone_key

# Characters English OCR puts in place of Vietnamese letters, mapped before skeleton lookup.
CHAR_MAP = str.maketrans({"6": "o", "0": "o", "4": "a", "1": "l"})
# Symbols standing for a marked vowel (du¢c = được, ngh¢ = nghệ) or nothing (k§y = kỹ).
CHAR_ALTS = {
    "¢": (("o", 0.0), ("e", 0.5)),
    "@": (("o", 0.0), ("e", 0.5)),
    "&": (("a", 0.0), ("e", 0.5), ("o", 1.0)),
    "§": (("", 0.0), ("y", 0.5)),
    "8": (("e", 0.5), ("", 1.0)),
}
ROMAN = re.compile(r"^(?:[IVXL1]{1,5}|[ivx]{1,4})$")
# Optional rewrites of the skeleton, with a cost (nats) each: OCR confusions seen in the seeds.
RULES = (
    ("q", "o", 0.5),
    ("i", "l", 1.0),
    ("l", "i", 1.0),
    ("ir", "u", 1.0),
    ("it", "u", 1.0),
    ("il", "u", 1.0),
    ("oq", "o", 0.5),
    ("qo", "o", 0.5),
    ("ti", "u", 1.5),
    ("ii", "u", 1.0),
    ("tt", "u", 1.5),
    ("w", "u", 0.5),
    ("rn", "m", 1.0),
    ("d", "o", 1.5),
    ("g", "o", 2.0),
    ("e", "o", 1.5),
    ("e", "a", 1.5),
    ("a", "o", 2.0),
    ("d", "a", 2.0),
    ("c", "e", 2.0),
    ("8", "e", 1.0),
)
INITIAL_RULES = (("p", "d", 1.0), ("b", "d", 1.5), ("t", "u", 2.0))
CAPITAL_D_COST = 0.5
SPLIT_P = 0.005  # P(two syllables came out glued as one token)
OOV_LOGP = -14.0  # LM cost of keeping a token that is not a Vietnamese syllable
BACKOFF_P = 0.05  # P(token | syllable) for a skeleton match never seen in the table
UNSEEN_DECAY = 0.5  # ...lower for syllables the table saw often (and never in this form)
EDIT_COST = 4.0
MAX_CANDS = 6
PRUNE = 9.0  # drop candidates this far (nats) below the best channel score
BEAM = 5.0  # Viterbi states this far below the best are dropped
REFINE_MARGIN = 3.0  # see Repairer._refine
CAND_PRUNE = 6.0  # see Repairer._price
# Damaged document-type abbreviations inside keys: 677/Qb-TTg, 30/ND-CP.
KEY_ABBR = re.compile(r"^[QN][bBDdPÐ9]$")


class Cand(NamedTuple):
    """One reading of a token: its LM key (None: not a syllable), output text, channel log-p."""

    key: str | None
    text: str
    logp: float
    kid: int = -1  # the key's id in the LM (-1: none)
    fid: int = -1  # a split glued token ("danvé" = "dân về"): the first syllable's id


# How a reading's channel log-p follows from the text's damage prior p (see Repairer._price):
FIXED, DAMAGED, SAME, KEPT, NUMBER, DIGIT_WORD = range(6)


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


def _bases(tok: str) -> list[tuple[str, float]]:
    """Skeletons of a token with OCR symbols read each possible way (cheapest first)."""
    out = [("", 0.0)]
    for ch in tok.translate(CHAR_MAP):
        alts = CHAR_ALTS.get(ch) or ((skeleton(ch), 0.0),)
        out = [(s + a, c + ca) for s, c in out for a, ca in alts][:16]
    return sorted(out, key=lambda x: x[1])


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

    def __init__(
        self,
        snap: dict,
        lm: MixedLM,
        extra_vocab: dict[str, int] | None = None,
        extra_acronyms: dict[str, str] | None = None,
    ):
        self.acronyms = {**snap.get("acronyms", {}), **(extra_acronyms or {})}
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
        self.deletes = _delete_index(index)
        self._valid_memo: dict[str, bool] = {}
        # Per token: its readings without the damage prior (the costly part, kept across
        # texts); per (token, prior): the priced readings of the text being decoded.
        self._readings: dict[str, tuple] = {}
        self._priced: dict[tuple[str, float], tuple[Cand, ...]] = {}
        self._by_skeleton: dict[tuple, tuple[list, float]] = {}
        # Per syllable: log(count + 1) (the rank prior) and the channel log-p of a rule match
        # the table never saw, before the rule cost (the unseen-decay backoff of _channel).
        self._log_count = {k: math.log(n + 1) for k, n in vocab.items()}
        self._unseen_lp = {k: math.log(self._channel("", k, 0.0, {})) for k in vocab}

    def valid(self, key: str) -> bool:
        """A known or phonotactically valid syllable (memoised: asked for every token)."""
        v = self._valid_memo.get(key)
        if v is None:
            v = self._valid_memo[key] = key in self.vocab or is_valid(key, self.rhymes)
        return v

    # ---- candidates -------------------------------------------------------------------
    def _near(self, base: str) -> list[tuple[str, int]]:
        """Skeletons within one edit of base (a delete index: no scan of every skeleton)."""
        dels = {base[:i] + base[i + 1 :] for i in range(len(base))}
        found = set(self.deletes.get(base, ()))
        for d in dels:
            if d in self.index:
                found.add(d)
            found.update(self.deletes.get(d, ()))
        found.discard(base)
        out = [(s, 1) for s in found if Levenshtein.distance(base, s, score_cutoff=1) <= 1]
        if base in self.index:
            out.append((base, 0))
        return out

    def _skeleton_cands(self, tok: str) -> tuple[list[tuple[float, float, str]], float]:
        """Syllables from the skeleton after OCR character rules (<= 2 rules), ranked
        (rank score, channel log-p, syllable) best first; and the cheapest rule cost.

        Memoised on what it depends on (the skeleton readings, a capital P/B, all caps):
        'Hoi', 'hoi', 'hôi' and 'hói' share one search.
        """
        bases = _bases(tok)
        if tok[:1] in ("P", "B"):  # a capital Đ read as P or B (Pang, Bang = Đảng)
            bases.append(("d" + bases[0][0][1:], CAPITAL_D_COST))
        memo_key = (tuple(bases), _is_caps(tok))
        found = self._by_skeleton.get(memo_key)
        if found is None:
            if len(self._by_skeleton) > 100_000:
                self._by_skeleton.clear()
            costs = self._search(bases, memo_key[1])
            unseen, prior = self._unseen_lp, self._log_count
            rows = sorted(
                ((unseen[k] - c + prior[k], unseen[k] - c, k) for k, c in costs.items()),
                reverse=True,
            )
            found = self._by_skeleton[memo_key] = (rows, min(costs.values(), default=9.0))
        return found

    def _search(self, bases: list[tuple[str, float]], caps: bool) -> dict[str, float]:
        base = bases[0][0]
        found: dict[str, float] = {}
        frontier = list(bases)
        seen = dict(bases)
        for _ in range(2):
            nxt = []
            for s, c in frontier:
                for s2, c2 in _rewrites(s):
                    if s2 not in seen or seen[s2] > c + c2:
                        seen[s2] = c + c2
                        nxt.append((s2, c + c2))
            frontier = nxt
        index = self.index
        for s, c in seen.items():
            for k in index.get(s, ())[:8]:
                if k not in found or found[k] > c:
                    found[k] = c
        if not caps and 2 <= len(base) <= 7:
            near = self._near(base)
            near.sort(key=lambda x: -self.vocab.get(index[x[0]][0], 0))
            for s, dist in near[:12]:
                for k in index[s][:4]:
                    found.setdefault(k, EDIT_COST * dist)
        return found

    def candidates(self, tok: str, p_dmg: float) -> tuple[Cand, ...]:
        """The token's readings priced with the damage prior p_dmg (memoised per text)."""
        got = self._priced.get((tok, p_dmg))
        if got is None:
            if len(self._priced) > 200_000:
                self._priced.clear()
            got = self._priced[(tok, p_dmg)] = self._price(self.readings(tok), p_dmg)
        return got

    def readings(self, tok: str) -> tuple:
        """(key, text, channel log-p, kind, first-syllable id) of each reading of a token."""
        got = self._readings.get(tok)
        if got is None:
            if len(self._readings) > 200_000:
                self._readings.clear()
            got = self._readings[tok] = tuple(self._find_readings(tok))
        return got

    def _price(self, readings: tuple, p_dmg: float) -> tuple[Cand, ...]:
        """Channel log-p of each reading under the prior p_dmg that the token is damaged."""
        lp_dmg, lp_kept = math.log(p_dmg), math.log(1 - p_dmg)
        out = []
        for key, text, ch, kind, fid in readings:
            if kind == DAMAGED:
                lp = lp_dmg + ch
            elif kind == SAME:
                lp = math.log((1 - p_dmg) + p_dmg * math.exp(ch))
            elif kind == KEPT:
                lp = lp_kept
            elif kind == NUMBER:
                lp = math.log(1 - p_dmg / 2)
            elif kind == DIGIT_WORD:
                lp = math.log(p_dmg / 2) + ch
            else:
                lp = ch
            out.append(Cand(key, text, lp, -1 if key is None else self.lm.id(key), fid))
        if len(out) > 2:
            # Readings far below the best one cannot win on LM context: drop them before
            # the search (clean text keeps the token itself and little else).
            floor = max(c.logp + (OOV_LOGP if c.key is None else 0.0) for c in out) - CAND_PRUNE
            out = out[:1] + [c for c in out[1:] if c.logp >= floor]
        return tuple(out)

    def _find_readings(self, tok: str) -> list[tuple]:
        low = tok.lower()
        ident_key = tone_key(tok)
        ident_ok = self.valid(ident_key)
        seen = self.table.get(low, {})
        if tok.isdigit():
            return self._digit_readings(tok, seen)
        acro = self.acronyms.get(skeleton(tok).upper()) if tok.isupper() and not ident_ok else None
        if acro and acro != tok:  # HDND -> HĐND, learned from clean text
            return [(None, tok, 0.0, KEPT, -1), (None, acro, 0.0, DAMAGED, -1)]
        lone_symbol = not any(ch.isalnum() for ch in tok) and tok not in ("@", "¢")
        damaged = _may_be_damaged(tok)
        if not ident_ok and (lone_symbol or ROMAN.match(tok) or not (seen or damaged)):
            return [(None, tok, 0.0, FIXED, -1)]
        if _is_caps(tok) and not damaged:
            return [(None, tok, 0.0, FIXED, -1)]
        rows, min_cost = self._skeleton_cands(tok) if damaged else ([], 9.0)
        # Syllables the table saw for this token are priced by the table instead; the top
        # MAX_CANDS + len(seen) rule rows are enough for the top MAX_CANDS after the merge.
        merged = [r for r in rows[: MAX_CANDS + len(seen) + 1] if r[2] not in seen]
        merged += [self._table_row(k, n) for k, n in seen.items()]
        merged.sort(reverse=True)
        scored = [(lp, k) for _, lp, k in merged if k != ident_key]
        if seen:
            min_cost = 0.0
        if ident_ok:
            p_same = self._channel(low, ident_key, 0.0, seen)
            out = [(ident_key, tok, math.log(p_same), SAME, -1)]
        else:
            out = [(None, tok, 0.0, KEPT, -1)]
        floor = (scored[0][0] if scored else 0.0) - PRUNE
        out.extend(
            (k, apply_case(tok, k), lp, DAMAGED, -1) for lp, k in scored[:MAX_CANDS] if lp >= floor
        )
        if not ident_ok and tok.isalpha() and len(tok) >= 4 and min_cost > 1:
            out.extend(self._splits(tok))
        return out

    def _splits(self, tok: str) -> list[tuple]:
        """Two syllables glued by OCR ('danvé' -> 'dân về'): both halves must be skeletons."""
        base = skeleton(tok.translate(CHAR_MAP))
        if len(base) != len(tok):
            return []
        out = []
        lp = math.log(SPLIT_P)
        for i in range(1, len(base)):
            firsts, seconds = self.index.get(base[:i]), self.index.get(base[i:])
            if not firsts or not seconds:
                continue
            a = firsts[0]
            for b in seconds[:2]:
                text = f"{apply_case(tok[:i], a)} {apply_case(tok[i:], b)}"
                out.append((b, text, lp, DAMAGED, self.lm.id(a)))
        return out[:4]

    def _digit_readings(self, tok: str, seen: dict[str, int]) -> list[tuple]:
        """A number, or a short digit token the table saw standing for a syllable (6 = ở)."""
        if len(tok) > 2 or not seen:
            return [(NUM, tok, 0.0, FIXED, -1)]
        total = sum(seen.values())
        out = [(NUM, tok, 0.0, NUMBER, -1)]
        for k, n in sorted(seen.items(), key=lambda kv: -kv[1])[:3]:
            out.append((k, k, math.log(n / total), DIGIT_WORD, -1))
        return out

    def _table_row(self, key: str, n: int) -> tuple[float, float, str]:
        """(rank score, channel log-p, syllable) of a pair the confusion table saw n times."""
        lp = math.log(n / (self.totals.get(key, 0) + 1))
        return lp + math.log(self.vocab.get(key, 0) + 1), lp, key

    def _channel(self, low: str, key: str, cost: float, seen: dict[str, int]) -> float:
        """P(damaged token | syllable): the table if it saw the pair, else a rule backoff."""
        n = seen.get(key)
        total = self.totals.get(key, 0)
        if n:
            return n / (total + 1)
        return BACKOFF_P * math.exp(-cost) * (5 / (5 + total)) ** UNSEEN_DECAY

    # ---- decoding ---------------------------------------------------------------------
    def decode(self, text: str, p_dmg: float) -> list[tuple[int, int, str]]:
        """Viterbi over every word token of the text; returns (start, end, replacement)."""
        toks = list(TOKEN.finditer(text))
        if not toks:
            return []
        p_dmg = round(min(max(p_dmg, 1e-4), 0.95), 4)
        cands_at, breaks = self._lattice(text, toks, p_dmg)
        choice = self._viterbi(cands_at, breaks)
        self._refine(cands_at, choice, breaks)
        out = []
        for m, cs, j in zip(toks, cands_at, choice, strict=True):
            if cs[j].text != m.group():
                out.append((m.start(), m.end(), cs[j].text))
        return out

    def _lattice(self, text: str, toks: list[re.Match], p_dmg: float):
        """Each token's readings, and whether a strong break precedes it (ends the chain)."""
        cands_at: list[tuple[Cand, ...]] = []
        breaks: list[bool] = []
        protected, numbers = _protected_spans(text), _number_spans(text)
        pos = 0
        for m in toks:
            tok = m.group()
            start, end = m.span()
            gap = text[pos:start]
            pos = end
            after = text[end : end + 1]
            if protected and start in protected:
                cands: tuple[Cand, ...] = (Cand(None, tok, 0.0),)
            elif numbers and start in numbers:  # digits stay digits, in the LM's context
                same = tuple(c for c in self.candidates(tok, p_dmg) if c.text == tok)
                cands = same or (Cand(None, tok, 0.0),)
            elif KEY_ABBR.match(tok) and after == "-":
                cands = (Cand(None, tok[0] + "Đ", 0.0),)
            elif tok.isupper() and ((after in "-/" and after) or gap.endswith(("/", "-"))):
                cands = (Cand(None, tok, 0.0),)  # a part of a document key: 49-KL/TW
            else:
                cands = self.candidates(tok, p_dmg)
            cands_at.append(cands)
            breaks.append(bool(gap) and gap != " " and bool(STRONG_BREAK.search(gap)))
        return cands_at, breaks

    def _viterbi(self, cands_at: list[tuple[Cand, ...]], breaks: list[bool]) -> list[int]:
        """Best path under channel + bigram LM, with a beam; returns each token's choice."""
        logp, memo_get = self.lm.logp, self.lm.memo.get
        prev: list[tuple[float, int, int]] = [(0.0, START_ID, -1)]  # (score, LM key, index)
        back: list[list[int]] = []
        for cands, brk in zip(cands_at, breaks, strict=True):
            if brk:
                best = max(prev)
                prev = [(best[0], START_ID, best[2])]
            states, ptrs = [], []
            forced = len(cands) == 1
            for c in cands:
                best_s, best_j = -math.inf, 0
                if c.key is None:
                    for s, _, j in prev:
                        if s > best_s:
                            best_s, best_j = s, j
                    if not forced:
                        best_s += OOV_LOGP
                    states.append((best_s + c.logp, START_ID, len(ptrs)))
                else:
                    kid, fid = c.kid, c.fid
                    if fid >= 0:
                        first = logp(fid, kid)
                        for s, ctx, j in prev:
                            v = s + logp(ctx, fid) + first
                            if v > best_s:
                                best_s, best_j = v, j
                    else:
                        for s, ctx, j in prev:
                            v = memo_get((ctx << SHIFT) | kid)
                            if v is None:
                                v = logp(ctx, kid)
                            v += s
                            if v > best_s:
                                best_s, best_j = v, j
                    states.append((best_s + c.logp, kid, len(ptrs)))
                ptrs.append(best_j)
            back.append(ptrs)
            if len(states) == 1:
                prev = states
            else:
                floor = max(states)[0] - BEAM
                prev = [st for st in states if st[0] >= floor]
        j = max(prev)[2]
        choice = [0] * len(back)
        for t in range(len(back) - 1, -1, -1):
            choice[t] = j
            j = back[t][j]
        return choice

    def _refine(
        self, cands_at: list[tuple[Cand, ...]], choice: list[int], breaks: list[bool]
    ) -> None:
        """Re-choose each ambiguous token with the trigram LM, its neighbours fixed (one sweep).

        The bigram Viterbi path is the starting point; a token's score is its channel cost plus
        the trigram log-probabilities of itself and the next two tokens of its chain. Readings
        more than REFINE_MARGIN below the best on the bigram terms (memoised by the Viterbi)
        are not scored again: the trigram rarely moves a reading that far.
        """
        n = len(choice)
        keys = [_kid(cands_at[t][choice[t]]) for t in range(n)]
        # chain links: linked[t] is True when token t continues the chain of token t-1
        linked = [t > 0 and not breaks[t] and keys[t - 1] is not None for t in range(n)]
        for t in range(n):
            cs = cands_at[t]
            if len(cs) == 1:
                continue
            u = keys[t - 2] if t >= 2 and linked[t] and linked[t - 1] else START_ID
            v = keys[t - 1] if linked[t] else START_ID
            n1 = keys[t + 1] if t + 1 < n and not breaks[t + 1] else None
            n2 = keys[t + 2] if n1 is not None and t + 2 < n and not breaks[t + 2] else None
            scores = [self._local2(c, v, n1) for c in cs]
            floor = max(scores) - REFINE_MARGIN
            near = [j for j, s in enumerate(scores) if s >= floor]
            if len(near) == 1:
                best_j = near[0]
            else:
                best_j = max(near, key=lambda j: self._local3(cs[j], u, v, n1, n2))
            choice[t] = best_j
            keys[t] = _kid(cs[best_j])
            if t + 1 < n:
                linked[t + 1] = not breaks[t + 1] and keys[t] is not None

    def _local2(self, c: Cand, v: int, n1: int | None) -> float:
        """Channel + bigram log-p of a reading between fixed neighbours (v: context id)."""
        logp, get = self.lm.logp, self.lm.memo.get
        if c.key is None:
            return c.logp + OOV_LOGP + (logp(START_ID, n1) if n1 is not None else 0.0)
        k = c.kid
        if c.fid >= 0:
            val = c.logp + logp(v, c.fid) + logp(c.fid, k)
        else:
            lp = get((v << SHIFT) | k)
            val = c.logp + (logp(v, k) if lp is None else lp)
        if n1 is not None:
            lp = get((k << SHIFT) | n1)
            val += logp(k, n1) if lp is None else lp
        return val

    def _local3(self, c: Cand, u: int, v: int, n1: int | None, n2: int | None) -> float:
        """Channel + trigram log-p of a reading and of the next two tokens of its chain."""
        logp3 = self.lm.logp3
        if c.key is None:
            val = c.logp + OOV_LOGP
            a, b = START_ID, START_ID
        elif c.fid >= 0:
            val = c.logp + logp3(u, v, c.fid) + logp3(v, c.fid, c.kid)
            a, b = c.fid, c.kid
        else:
            val = c.logp + logp3(u, v, c.kid)
            a, b = v, c.kid
        if n1 is not None:
            val += logp3(a, b, n1)
            if n2 is not None:
                val += logp3(b, n1, n2)
        return val

    # ---- damage -----------------------------------------------------------------------
    def damage(self, text: str) -> tuple[float, int]:
        """Estimated fraction of damaged syllables, and the number of word tokens judged."""
        n = invalid = plain = foreign = 0
        protected = _protected_spans(text)
        for m in TOKEN.finditer(text):
            tok = m.group()
            if protected and m.start() in protected:
                continue
            letters = [c for c in tok if c.isalpha()]
            if not letters or (
                len(letters) >= 2
                and all(c.isupper() for c in letters)
                and not has_marks(tok)
                and not self.valid(tone_key(tok))
            ):
                continue
            n += 1
            if not self.valid(tone_key(tok)):
                invalid += 1
                if skeleton(tok.translate(CHAR_MAP)) not in self.index:
                    foreign += 1
            elif not has_marks(tok):
                plain += 1
        if not n:
            return 0.0, 0
        if foreign > FOREIGN_SHARE * n:
            return 0.0, n  # not Vietnamese (English, code...): nothing to repair
        # Clean Vietnamese prose has about 25% unmarked syllables; more means lost marks.
        lost = max(0.0, plain / n - CLEAN_PLAIN_RATE * (1 - invalid / n)) / (1 - CLEAN_PLAIN_RATE)
        return min(1.0, invalid / n + lost), n


CLEAN_PLAIN_RATE = 0.25
# Share of words that do not even look like a syllable once OCR symbols are read: damaged
# Vietnamese stays well under it (seed 000: ~0.1), English prose is far above.
FOREIGN_SHARE = 0.35


START_ID = 0  # lm.new_ids(): START
# E-mail addresses, web addresses and domain names are kept as written.
_ADDRESS = re.compile(
    r"\S+@\S+|(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\."
    r"(?:vn|com|org|net|gov|edu|info)\b",
    re.IGNORECASE,
)


class _Spans:
    """Sorted, non-overlapping spans with an O(log n) membership test (texts may be huge)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def __bool__(self) -> bool:
        return bool(self.starts)

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.ends[i]


# A number standing alone, with Vietnamese separators (1.870.000.000, 83,47, 30/5/2025):
# its digits are data, never OCR damage to "repair" ("1" is not "là" here).
_NUMBER = re.compile(r"(?<!\w)\d+(?:[.,/:-]\d+)*(?!\w)")


def _protected_spans(text: str) -> _Spans:
    return _Spans([m.span() for m in _ADDRESS.finditer(text)])


def _number_spans(text: str) -> _Spans:
    return _Spans([m.span() for m in _NUMBER.finditer(text)])


def _kid(c: Cand) -> int | None:
    return None if c.key is None else c.kid


def _is_caps(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _may_be_damaged(tok: str) -> bool:
    """Tokens worth looking up: not acronyms like UBND/THPT (all-caps without a vowel reading)."""
    letters = [c for c in tok if c.isalpha()]
    if not letters:
        return False
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return bool(re.search("[AEIOUYQ6@0]", tok.upper())) and len(letters) <= 7
    return True


def _delete_index(index: dict[str, list[str]]) -> dict[str, list[str]]:
    """Skeleton with one letter deleted -> the skeletons it came from (edit-1 lookups)."""
    out: dict[str, list[str]] = {}
    for s in index:
        for i in range(len(s)):
            d = s[:i] + s[i + 1 :]
            bucket = out.setdefault(d, [])
            if not bucket or bucket[-1] != s:
                bucket.append(s)
    return out
