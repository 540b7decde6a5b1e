"""The repair model: syllable candidates, a noisy-channel cost and a Viterbi search.

For each word token the candidates are: the token itself, the syllables the confusion table
says it came from (learned from English-OCR renders), syllables whose unaccented skeleton
matches the token after OCR character rules (6->o, I->l, Q->O, P->Đ, ir->ư ...) or within one
edit, and the syllables the character channel says produce it ("chac" = chức: ứ read as "a";
normalize.repair.lexicon, normalize.repair.channel). Score = log P(token | syllable) +
log P_LM(syllable | previous syllables); the prior that a token is damaged at all comes from
the text's damage score, so clean text stays as it is.
"""

from __future__ import annotations

import bisect
import contextlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import NamedTuple, cast

from normalize.names import MIDDLE_NAMES, SURNAMES, surname_spelling
from normalize.repair.lexicon import (
    CHAR_MAP,
    DAMAGED,
    DIGIT_WORD,
    KEPT,
    LOWER_ROMAN,
    NUMBER,
    SAME,
    Lexicon,
    apply_case,
    name_skeleton,
)
from normalize.repair.lm import SHIFT, MixedLM
from normalize.repair.syllables import (
    SENTENCE_OPENING,
    STRONG_BREAK,
    TOKEN,
    has_marks,
    skeleton,
    title_case,
)
from normalize.unicode import tone_key

OOV_LOGP = -14.0  # LM cost of keeping a token that is not a Vietnamese syllable
BEAM = 5.0  # Viterbi states this far below the best are dropped
REFINE_MARGIN = 3.0  # see Repairer._refine
CAND_PRUNE = 6.0  # see Repairer._price
# Refinement bonus per log(1 + n) for a syllable read unambiguously n times elsewhere in the
# text (a document cache: names and terms recur within a document).
CACHE_WEIGHT = 0.5
# Document consistency (Repairer._doc_prior): weight of the log share of a reading among the
# readings its skeleton got elsewhere in the text, and the pseudo-count smoothing that share.
DOC_WEIGHT = 1.0
DOC_ALPHA = 1.0
# A token whose kept reading has a posterior under this is reported as doubtful: the
# extractor treats that posterior as the value's confidence (extract.review.LOW_CONFIDENCE).
DOUBT_P = 0.9
# Damaged document-type abbreviations inside keys: 677/Qb-TTg, 30/ND-CP.
KEY_ABBR = re.compile(r"^[QN][bBDdPÐ9]$")
# A document type's abbreviation before its number ("các NQ 59, NQ 66"): capitals that are
# no syllable as written, then a space and digits, after lower-case text on its line (a
# heading's "HQI 3" is a word). Kept: "NQ" is not a damaged "NỢ".
ABBR_BEFORE_NUMBER = re.compile(r"[A-ZĐ]{2,5} \d")
# Channel bonus (nats) of a damaged title-case word's readings that the archive writes with
# a capital inside sentences ("Bang" inside a sentence: Đảng, not bằng), where the word
# does not open a sentence. Chosen on the in-domain dev renders (seed 001 adapted on 003,
# 003 on 001): 0 / 1 / 2 / 3 nats gave 0.9287 / 0.9301 / 0.9309 / 0.9309 and 0.9678 flat.
CASE_BONUS = 2.0
CACHE_LIMIT = 200_000  # memoised tokens per model before the memo starts afresh
# LM log-p memoised per mix weight (bigrams + trigrams) before the memo starts afresh,
# checked between texts: ~100 bytes each, so ~3 MB per weight; a 20 KB report asks ~5,000
# new ones, an OCR page's tone check 1,000-2,000. Hits are mostly within a text, which the
# memo keeps whole; at 300,000 a long scan's pages grew the ingest process by ~7 MB over 41
# distinct pages and never reached the limit (issue #22).
MEMO_LIMIT = 30_000
# The archive's weight per text (Repairer._doc_mu): EM iterations, the step weights are
# rounded to (and the least drop that is acted on), and the fewest words to judge by.
DOC_MU_ITERATIONS = 20
DOC_MU_STEP = 0.1
DOC_MU_MIN_TOKENS = 200
# A longer text is judged on evenly spaced lines holding about this many words.
DOC_MU_SAMPLE_TOKENS = 800


class Decoded(NamedTuple):
    """A decoded text: the changes (start, end, new text) and the doubtful tokens (start,
    end, posterior of the reading kept), offsets into the text decoded."""

    changes: list[tuple[int, int, str]]
    doubts: list[tuple[int, int, float]]


class Cand(NamedTuple):
    """One reading of a token: its LM key (None: not a syllable), output text, channel log-p."""

    key: str | None
    text: str
    logp: float
    kid: int = -1  # the key's id in the LM (-1: none)
    fid: int = -1  # a split glued token ("danvé" = "dân về"): the first syllable's id
    # The LM's continuation p and weighted backoff of the key, per model (see MixedLM)
    cont: tuple[float, float] = (0.0, 0.0)
    backoff: tuple[float, float] = (1.0, 0.0)


class Repairer:
    """Decoding over one snapshot's lexicon, its LM (+ optional in-domain counts) and the
    archive's acronyms; memoises token readings and validity for the texts it repairs."""

    def __init__(
        self,
        lexicon: Lexicon,
        lm: MixedLM,
        acronyms: dict[str, str],
        proper: frozenset[str] = frozenset(),
    ) -> None:
        self.lexicon = lexicon
        self.acronyms = acronyms
        self.proper = proper
        self.lm = lm
        self._valid_memo: dict[str, bool] = {}
        # Per token: its readings without the damage prior (the costly part, kept across
        # texts); per (token, prior): the priced readings of the text being decoded.
        self._readings: dict[str, tuple] = {}
        self._priced: dict[tuple[str, float], tuple[Cand, ...]] = {}
        self._damage_memo: dict[str, int] = {}
        self._skel_memo: dict[str, str] = {}
        self._mixes: dict[float, tuple[MixedLM, dict]] = {}

    def valid(self, key: str) -> bool:
        """A known or phonotactically valid syllable (memoised: asked for every token)."""
        v = self._valid_memo.get(key)
        if v is None:
            if len(self._valid_memo) > CACHE_LIMIT:
                self._valid_memo.clear()
            v = self._valid_memo[key] = self.lexicon.valid(key)
        return v

    def candidates(self, tok: str, p_dmg: float) -> tuple[Cand, ...]:
        """The token's readings priced with the damage prior p_dmg (memoised per text)."""
        got = self._priced.get((tok, p_dmg))
        if got is None:
            if len(self._priced) > CACHE_LIMIT:
                self._priced.clear()
            got = self._priced[(tok, p_dmg)] = self._price(self.readings(tok), p_dmg)
        return got

    def readings(self, tok: str) -> tuple:
        """The token's readings: compiled into the snapshot cache, or found once here."""
        got = self.lexicon.compiled.get(tok) or self._readings.get(tok)
        if got is None:
            if len(self._readings) > CACHE_LIMIT:
                self._readings.clear()
            got = self._readings[tok] = self.lexicon.find_readings(tok, self.acronyms)
        return got

    def _price(self, readings: tuple, p_dmg: float) -> tuple[Cand, ...]:
        """Channel log-p of each reading under the prior p_dmg that the token is damaged.

        Readings far below the best one cannot win on LM context: they are dropped before
        the search (clean text keeps the token itself and little else).
        """
        lp_dmg, lp_kept = math.log(p_dmg), math.log(1 - p_dmg)
        priced = []
        for r in readings:
            key, _, ch, kind, _ = r
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
            priced.append((lp, r))
        if len(priced) > 2:
            floor = max(lp + (OOV_LOGP if r[0] is None else 0.0) for lp, r in priced) - CAND_PRUNE
            priced = priced[:1] + [x for x in priced[1:] if x[0] >= floor]
        lm = self.lm
        out = []
        for lp, (key, text, _, _, fid) in priced:
            if key is None:
                out.append(Cand(key, text, lp))
            else:
                kid = lm.id(key)
                out.append(Cand(key, text, lp, kid, fid, lm.cont(kid), lm.backoff(kid)))
        return tuple(out)

    # ---- decoding ---------------------------------------------------------------------
    def bound_memos(self) -> None:
        """Keep the LM memos of every mix weight under MEMO_LIMIT: a server reads text for
        months, and each text (a repair, or an OCR page's tone check) asks new n-grams."""
        for lm in [self.lm, *(mixed for mixed, _ in self._mixes.values())]:
            lm.trim(MEMO_LIMIT)

    def decode(self, text: str, p_dmg: float) -> Decoded:
        """Viterbi over every word token of the text; returns the changes (start, end,
        replacement) and the doubtful tokens (start, end, posterior of the reading kept).

        With an archive, the weight it gets for this text is judged first (``_doc_mu``, on
        evenly spaced lines of a long text); a text too short to judge keeps the weight.
        """
        toks = list(TOKEN.finditer(text))
        if not toks:
            return Decoded([], [])
        self.bound_memos()
        p_dmg = round(min(max(p_dmg, 1e-4), 0.95), 4)
        first = None
        mu = None
        if self.lm.domain is not None and self.lm.mu > 0 and len(toks) >= DOC_MU_MIN_TOKENS:
            if len(toks) <= DOC_MU_SAMPLE_TOKENS:
                sample, stoks = text, toks
            else:
                sample = _spaced_lines(text, -(-len(toks) // DOC_MU_SAMPLE_TOKENS))
                stoks = list(TOKEN.finditer(sample))
            judged = self._first_pass(sample, stoks, p_dmg)
            mu = self._doc_mu(judged[0], judged[2], judged[1])
            if mu is None and sample is text:
                first = judged  # the whole text at the model's weight: nothing to redo
        if mu is None:
            return self._finish(toks, *(first or self._first_pass(text, toks, p_dmg)))
        with self._mixed(mu):  # the archive speaks less for this text: searched at mu
            return self._finish(toks, *self._first_pass(text, toks, p_dmg))

    def _first_pass(
        self, text: str, toks: list[re.Match[str]], p_dmg: float
    ) -> tuple[list[tuple[Cand, ...]], list[bool], list[int], list[list[tuple]], list[dict]]:
        """Readings, breaks, the bigram path refined by the trigram LM, the states that
        stayed in the beam and the readings' posteriors (before the document prior)."""
        cands_at, breaks = self._lattice(text, toks, p_dmg)
        if self.lexicon.places:
            self._names(toks, cands_at, breaks, p_dmg)
        choice, alive = self._viterbi(cands_at, breaks)
        post = self._refine(cands_at, choice, alive, breaks)
        return cands_at, breaks, choice, alive, post

    def _finish(
        self,
        toks: list[re.Match[str]],
        cands_at: list[tuple[Cand, ...]],
        breaks: list[bool],
        choice: list[int],
        alive: list[list[tuple]],
        post: list[dict[int, float]],
    ) -> Decoded:
        """The document pass (consistency), the changes the final readings make and the
        tokens whose reading is in doubt (posterior under DOUBT_P)."""
        if DOC_WEIGHT:
            prior = self._doc_prior(cands_at, post, alive)
            post = self._refine(cands_at, choice, alive, breaks, prior)
        out, doubts = [], []
        for m, cs, j, p in zip(toks, cands_at, choice, post, strict=True):
            if cs[j].text != m.group():
                out.append((m.start(), m.end(), cs[j].text))
            if p.get(j, 1.0) < DOUBT_P:
                doubts.append((m.start(), m.end(), round(p[j], 3)))
        return Decoded(out, doubts)

    def _doc_mu(
        self, cands_at: list[tuple[Cand, ...]], choice: list[int], breaks: list[bool]
    ) -> float | None:
        """The archive's weight this text supports, when it is well below the model's: None
        when there is no archive or the text agrees with it.

        The archive's weight grows with its size (normalize.repair._load), whatever the text
        being repaired: a text on other matters then pays for the archive's vocabulary
        ("tỉnh" for every "tinh"). The first pass's readings are a sample of the text; the
        weight that best explains them as a mix of the two models (EM over their trigram
        probabilities) says how much the archive speaks for this text. It is biased
        towards the archive (the first pass was read with it), so only a clearly lower
        weight is used.
        """
        lm = self.lm
        pairs = _path_probs(lm, cands_at, choice, breaks)
        if not pairs:
            return None
        mu = lm.mu
        for _ in range(DOC_MU_ITERATIONS):
            mu = sum(mu * d / (mu * d + (1 - mu) * b) for b, d in pairs) / len(pairs)
        mu = round(round(mu / DOC_MU_STEP) * DOC_MU_STEP, 2)
        return mu if mu <= lm.mu - DOC_MU_STEP else None

    @contextlib.contextmanager
    def _mixed(self, mu: float) -> Iterator[MixedLM]:
        """The same models mixed at weight mu, for one decode; each weight keeps its LM and
        priced readings (their backoff weights are the mix's) warm for the next text."""
        lm, priced = self.lm, self._priced
        got = self._mixes.get(mu)
        if got is None:  # weight 0: the base model alone (the search's lean loop)
            domain = lm.domain if mu > 0 else None
            got = self._mixes[mu] = (MixedLM(lm.ids, lm.base, domain, mu), {})
        self.lm, self._priced = got
        try:
            yield got[0]
        finally:
            self.lm, self._priced = lm, priced

    def _lattice(
        self, text: str, toks: list[re.Match[str]], p_dmg: float
    ) -> tuple[list[tuple[Cand, ...]], list[bool]]:
        """Each token's readings, and whether a strong break precedes it (ends the chain)."""
        cands_at: list[tuple[Cand, ...]] = []
        breaks: list[bool] = []
        protected, numbers = _protected_spans(text), _number_spans(text)
        priced_get, candidates, search = self._priced.get, self.candidates, STRONG_BREAK.search
        # the archive's capitalised words, while it speaks for this text (see CASE_BONUS)
        proper = self.proper if self.lm.domain is not None and self.lm.mu else frozenset()

        def line_start(pos: int) -> int:
            return text.rfind("\n", 0, pos) + 1

        pos = 0
        for m in toks:
            tok = m.group()
            start, end = m.span()
            gap = text[pos:start]
            pos = end
            cands = priced_get((tok, p_dmg))
            if protected and start in protected:
                cands = (Cand(None, tok, 0.0),)
            elif tok.isdigit() and numbers and start in numbers:  # digits stay digits
                same = tuple(c for c in candidates(tok, p_dmg) if c.text == tok)
                cands = same or (Cand(None, tok, 0.0),)
            elif len(tok) == 2 and text[end : end + 1] == "-" and KEY_ABBR.match(tok):
                cands = (Cand(None, tok[0] + "Đ", 0.0),)
            elif tok == "&" and not (p_dmg >= PERSON_SURE and _between_lower(text, start, end)):
                cands = (Cand(None, tok, 0.0),)  # "GD & ĐT", "R & D": an ampersand
            elif tok.isupper() and (text[end : end + 1] in ("-", "/") or gap.endswith(("/", "-"))):
                cands = (Cand(None, tok, 0.0),)  # a part of a document key: 49-KL/TW
            elif (
                ABBR_BEFORE_NUMBER.fullmatch(text, start, end + 2)
                and not self.valid(tone_key(tok))
                and not _in_capitals(text, line_start(start), start)
            ):
                cands = (Cand(None, tok, 0.0),)  # "NQ 59" in running text; "HQI 3" in a heading
            elif LOWER_ROMAN.match(tok) and (
                text[end : end + 1] in (")", ".", ":") or gap.endswith("(")
            ):
                cands = (Cand(None, tok, 0.0),)  # a list's number: "vii)", "(iv)"
            elif tok.endswith("'") and _OPEN_QUOTE.search(text, line_start(start), start):
                # a closing quote after o/u ('... làm đó'), not a horn: the word is read
                # without it and the quote kept
                cands = tuple(c._replace(text=c.text + "'") for c in candidates(tok[:-1], p_dmg))
            elif cands is None:
                cands = candidates(tok, p_dmg)
            if (
                proper
                and len(cands) > 1
                and title_case(tok)
                and cands_at
                and not SENTENCE_OPENING.search(gap)
            ):
                cands = tuple(
                    c._replace(logp=c.logp + CASE_BONUS) if c.key in proper and c.text != tok else c
                    for c in cands
                )
            cands_at.append(cands)
            breaks.append(gap != " " and bool(gap) and bool(search(gap)))
        return cands_at, breaks

    def _names(
        self,
        toks: list[re.Match],
        cands_at: list[tuple[Cand, ...]],
        breaks: list[bool],
        p_dmg: float,
    ) -> None:
        """Title-case tokens that spell a place name ("Da Nang", "Thanh Hoa") read as it;
        a person's name with its middle name ("Pham Thi Lan") is read as a name.

        A bigram model trained on prose prefers "đa năng" and "thành hòa": names are too
        rare in it. Within a run of title-case tokens, the longest windows (2-4 tokens)
        whose skeletons are those of a known place name keep only the name's syllables
        besides the token as written; a window with a valid syllable written with marks is
        not a damaged name and is left to the search as any other text. Given names are
        place names too (Văn Thành, Thị Hoa) and communes bear people's names (Nguyễn Văn
        Thảnh): after a surname and a middle name no place is looked for. Names
        spelt alike ("Thanh Hóa", "Thanh Hòa") compete with the log of their share (how
        many wards each names) added where they differ; the search does the rest.
        """
        places, n = self.lexicon.places, len(toks)
        # a name's word: title case, not a syllable already written with its marks
        word = [_title_case(m.group()) and not self._marked(m.group()) for m in toks]
        t = 0
        while t < n - 1:
            end = t + 1  # the run of name words from t (no break inside), up to 4
            while end < n and end - t < 4 and word[end] and not breaks[end]:
                end += 1
            if not word[t] or end - t < 2:
                t += 1
                continue
            skel = [name_skeleton(toks[k].group()) for k in range(t, end)]
            if skel[1] in MIDDLE_NAMES and skel[0] in SURNAMES:
                # "Nguyen Van Thanh": a person (though a commune bears the name); the given
                # name after it is no place either ("Văn Thành" is one)
                self._person(toks, cands_at, t, skel[1], p_dmg >= PERSON_SURE)
                t += 3
                continue
            size = next((k for k in range(end - t, 1, -1) if tuple(skel[:k]) in places), 0)
            if size and not self._archive_reads_otherwise(
                cands_at, t, size, places[tuple(skel[:size])]
            ):
                self._place(toks, cands_at, t, places[tuple(skel[:size])])
            t += size or 1

    def _archive_reads_otherwise(
        self, cands_at: list, t: int, size: int, names: list[tuple[tuple, float]]
    ) -> bool:
        """The archive has written these words otherwise, side by side ("Báo Sơn" where
        "Bao Son" also spells the commune Bảo Sơn): the words are left to the search, whose
        archive model knows them, instead of being read as the place.

        Only a pair of readings the archive counted that is no name's pair counts."""
        domain = self.lm.domain
        if domain is None or not self.lm.mu:
            return False
        seen = domain.seen
        named = {(keys[i], keys[i + 1]) for keys, _ in names for i in range(len(keys) - 1)}
        for i in range(t, t + size - 1):
            for a in cands_at[i]:
                if a.key is None:
                    continue
                for b in cands_at[i + 1]:
                    if (
                        b.key is not None
                        and (a.key, b.key) not in named
                        and (a.kid << SHIFT) | b.kid in seen
                    ):
                        return True
        return False

    def _place(
        self, toks: list[re.Match], cands_at: list, t: int, names: list[tuple[tuple, float]]
    ) -> None:
        """The tokens from t read as one of the place names spelt alike, by their shares."""
        for i in range(len(names[0][0])):
            share: dict[str, float] = {}
            for keys, p in names:
                share[keys[i]] = max(share.get(keys[i], 0.0), p)
            cands_at[t + i] = self._name_cands(toks[t + i].group(), cands_at[t + i], share)

    def _person(
        self, toks: list[re.Match], cands_at: list, t: int, middle: str, damaged: bool
    ) -> None:
        """A surname and a middle name ("Pham Thi ..."): the surname takes its one spelling
        where it has one (Phạm, not Phẩm), the middle name its own (Thị, not Thì). In a
        damaged text the words as written ("Thi") are no longer in the running: a middle
        name is never written without its marks; a text judged clean keeps them as a choice
        ("Nguyen Van Thanh" in an English passage)."""
        spelling = surname_spelling(toks[t].group())
        if spelling is not None:
            cands_at[t] = self._name_cands(
                toks[t].group(), cands_at[t], {tone_key(spelling): 1.0}, not damaged
            )
        key = tone_key(MIDDLE_NAMES[middle])
        cands_at[t + 1] = self._name_cands(
            toks[t + 1].group(), cands_at[t + 1], {key: 1.0}, not damaged
        )

    def _marked(self, tok: str) -> bool:
        """A syllable written with its marks ("Đa Năng" in clean text): not damage to undo."""
        return has_marks(tok) and self.valid(tone_key(tok))

    def _name_cands(
        self, tok: str, cands: tuple[Cand, ...], share: dict[str, float], written: bool = True
    ) -> tuple[Cand, ...]:
        """The token as written (unless ``written`` is False), and each name syllable
        (share: of the likeliest name with it here) at the channel log-p of the token's
        best reading + log share."""
        others = [c.logp for c in cands if c.text != tok]
        if not others:  # the text is judged clean here: no reading but the token itself
            return cands
        best = max(others)
        keep = [c for c in cands if c.text == tok] if written else []
        lm = self.lm
        for k, p in sorted(share.items()):
            if keep and keep[0].key == k:
                continue  # the token as written is this syllable
            kid = lm.id(k)
            lp = best + math.log(p)
            keep.append(Cand(k, apply_case(tok, k), lp, kid, -1, lm.cont(kid), lm.backoff(kid)))
        return tuple(keep)

    def _viterbi(
        self, cands_at: list[tuple[Cand, ...]], breaks: list[bool]
    ) -> tuple[list[int], list[list[tuple]]]:
        """Best path under channel + bigram LM, with a beam: each token's choice, and the
        states (score, LM key, reading index, backoff weights) of each token that stayed in it.

        A bigram no model counted (nine in ten of those met here) is priced from the
        history's backoff weights and the word's continuation probabilities, carried by the
        states and readings; counted ones are looked up (see MixedLM.counted_bigrams).
        """
        lm = self.lm
        logp = lm.logp
        known, tables = lm.counted_bigrams()
        known_get = known.get
        log = math.log
        start = (0.0, START_ID, -1, lm.backoff(START_ID))
        prev: list[tuple] = [start]
        back: list[list[int]] = []
        alive: list[list[tuple]] = []
        for cands, brk in zip(cands_at, breaks, strict=True):
            if brk:
                best = max(prev)
                prev = [(best[0], START_ID, best[2], start[3])]
            states, ptrs = [], []
            forced = len(cands) == 1
            for i, c in enumerate(cands):
                best_s, best_j = -math.inf, 0
                kid = c.kid
                if c.key is None:
                    for st in prev:
                        if st[0] > best_s:
                            best_s, best_j = st[0], st[2]
                    if not forced:
                        best_s += OOV_LOGP
                    states.append((best_s + c.logp, START_ID, i, start[3]))
                    ptrs.append(best_j)
                    continue
                if c.fid >= 0:
                    first = logp(c.fid, kid)
                    for s, ctx, j, _ in prev:
                        v = s + logp(ctx, c.fid) + first
                        if v > best_s:
                            best_s, best_j = v, j
                elif not tables:  # the base model alone: the hot loop, kept lean
                    wb = c.cont[0]
                    for s, ctx, j, h in prev:
                        v = known_get((ctx << SHIFT) | kid)
                        v = s + (log(h[0] * wb) if v is None else v)
                        if v > best_s:
                            best_s, best_j = v, j
                else:
                    wb, wd = c.cont
                    for s, ctx, j, (hb, hd) in prev:
                        key = (ctx << SHIFT) | kid
                        v = known_get(key)
                        if v is None:
                            if key in tables[0] or key in tables[1]:
                                v = logp(ctx, kid)
                            else:
                                v = log(hb * wb + hd * wd)
                        v += s
                        if v > best_s:
                            best_s, best_j = v, j
                states.append((best_s + c.logp, kid, i, c.backoff))
                ptrs.append(best_j)
            back.append(ptrs)
            if len(states) == 1:
                prev = states
            else:
                floor = max(states)[0] - BEAM
                prev = [st for st in states if st[0] >= floor]
            alive.append(prev)
        j = max(prev)[2]
        choice = [0] * len(back)
        for t in range(len(back) - 1, -1, -1):
            choice[t] = j
            j = back[t][j]
        return choice, alive

    def _refine(
        self,
        cands_at: list[tuple[Cand, ...]],
        choice: list[int],
        alive: list[list[tuple]],
        breaks: list[bool],
        prior: list[dict[int, float]] | None = None,
    ) -> list[dict[int, float]]:
        """Re-choose each ambiguous token with the trigram LM, its neighbours fixed (one sweep);
        returns each token's posterior over its readings (index -> p) for the document pass.

        The bigram Viterbi path is the starting point; a token's score is its channel cost plus
        the trigram log-probabilities of itself and the next two tokens of its chain. Only
        readings that stayed in the Viterbi beam compete, and those more than REFINE_MARGIN
        below the best by their Viterbi score + the bigram to the next token are not scored
        again: the trigram rarely moves a reading that far. Without a document prior,
        readings that the text has elsewhere as the only reading left in the beam get a
        bonus (CACHE_WEIGHT); with one (``prior``: index -> log bonus), the prior replaces it.
        """
        n = len(choice)
        keys = [_kid(cands_at[t][choice[t]]) for t in range(n)]
        # chain links: linked[t] is True when token t continues the chain of token t-1
        linked = [t > 0 and not breaks[t] and keys[t - 1] is not None for t in range(n)]
        logp = self.lm.logp
        sure = Counter(keys[t] for t in range(n) if len(alive[t]) == 1 and len(cands_at[t]) > 1)
        post: list[dict[int, float]] = [{choice[t]: 1.0} for t in range(n)]
        for t in range(n):
            if len(alive[t]) == 1 or (prior is not None and not prior[t]):
                continue
            cs = cands_at[t]
            bonus = prior[t] if prior is not None else None
            # a linked token's predecessor has a key: linked[t] implies keys[t - 1] is not None
            u = cast(int, keys[t - 2]) if t >= 2 and linked[t] and linked[t - 1] else START_ID
            v = cast(int, keys[t - 1]) if linked[t] else START_ID
            n1 = keys[t + 1] if t + 1 < n and not breaks[t + 1] else None
            n2 = keys[t + 2] if n1 is not None and t + 2 < n and not breaks[t + 2] else None
            if n1 is None:
                scores = [(st[0], st[2]) for st in alive[t]]
            else:
                scores = [(st[0] + logp(st[1], n1), st[2]) for st in alive[t]]
            if bonus:
                scores = [(sc + bonus.get(j, 0.0), j) for sc, j in scores]
            floor = max(scores)[0] - REFINE_MARGIN
            near = [j for s, j in scores if s >= floor]
            if len(near) == 1:
                best_j = near[0]
            else:
                local = {
                    j: self._local3(cs[j], u, v, n1, n2)
                    + (
                        bonus.get(j, 0.0)
                        if bonus is not None
                        else CACHE_WEIGHT * math.log1p(sure[_kid(cs[j]) or -1])
                    )
                    for j in near
                }
                best_j = max(local, key=local.__getitem__)
                top = local[best_j]
                weights = {j: math.exp(sc - top) for j, sc in local.items()}
                total = sum(weights.values())
                post[t] = {j: w / total for j, w in weights.items()}
            choice[t] = best_j
            keys[t] = _kid(cs[best_j])
            if t + 1 < n:
                linked[t + 1] = not breaks[t + 1] and keys[t] is not None
        return post

    def _doc_prior(
        self,
        cands_at: list[tuple[Cand, ...]],
        post: list[dict[int, float]],
        alive: list[list[tuple]],
    ) -> list[dict[int, float]]:
        """Document consistency: a log bonus per reading from the readings its skeleton got
        elsewhere in the text.

        A document names the same things again and again ("Hội Khuyến học tỉnh"), and a
        reader settles "Hoi" once for the whole text. The readings of the first sweep
        (posteriors; a token written with marks is a sure reading) are pooled by unaccented
        skeleton, and every reading left in an ambiguous token's beam gets DOC_WEIGHT x the
        log of its share of that pool, the token's own votes left out (DOC_ALPHA smooths).
        Capitals share the body's skeletons: "HQI KHUYEN HQC" takes the evidence of "Hội
        Khuyến học" elsewhere. Where the LM is sure, context still wins ("tình hình").
        Context-conditioned pools (skeleton + neighbour's skeleton) were tried and cost
        accuracy on seeds 000/002: they echo the first sweep's mistakes.
        """
        skel = self._skeleton
        votes: defaultdict[str, float] = defaultdict(float)
        for cs, p in zip(cands_at, post, strict=True):
            for j, w in p.items():
                if (key := cs[j].key) is not None:
                    votes[key] += w
        by_skel: defaultdict[str, float] = defaultdict(float)
        for k, w in votes.items():
            by_skel[skel(k)] += w
        out: list[dict[int, float]] = []
        for cs, p, states in zip(cands_at, post, alive, strict=True):
            if len(states) < 2:
                out.append({})
                continue
            own: defaultdict[str, float] = defaultdict(float)
            for j, w in p.items():
                if (key := cs[j].key) is not None:
                    own[skel(key)] += w
            bonus: dict[int, float] = {}
            for st in states:
                j, key = st[2], cs[st[2]].key
                if key is None:
                    continue
                sk = skel(key)
                mine = votes[key] - p.get(j, 0.0)
                pool = by_skel[sk] - own[sk]
                bonus[j] = DOC_WEIGHT * math.log((mine + DOC_ALPHA) / (pool + 2 * DOC_ALPHA))
            # the reading chosen with the best bonus already cannot lose by it: no rescoring
            chosen = max(p, key=p.__getitem__)
            if bonus and bonus.get(chosen, -math.inf) >= max(bonus.values()):
                bonus = {}
            out.append(bonus)
        return out

    def _skeleton(self, key: str) -> str:
        """A syllable's skeleton, memoised (unidecode is slow and keys recur)."""
        sk = self._skel_memo.get(key)
        if sk is None:
            if len(self._skel_memo) > CACHE_LIMIT:
                self._skel_memo.clear()
            sk = self._skel_memo[key] = skeleton(key)
        return sk

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
        counts = [0, 0, 0, 0, 0]  # by token class: _SKIP, _MARKED, _PLAIN, _INVALID, _FOREIGN
        protected = _protected_spans(text)
        memo, klass = self._damage_memo, self._damage_class
        for m in TOKEN.finditer(text):
            if protected and m.start() in protected:
                continue
            tok = m.group()
            c = memo.get(tok)
            if c is None:
                if len(memo) > CACHE_LIMIT:
                    memo.clear()
                c = memo[tok] = klass(tok)
            counts[c] += 1
        _, marked, plain, invalid, foreign = counts
        invalid += foreign
        n = marked + plain + invalid
        if not n:
            return 0.0, 0
        if foreign > FOREIGN_SHARE * n:
            return 0.0, n  # not Vietnamese (English, code...): nothing to repair
        # Clean Vietnamese prose has about 25% unmarked syllables; more means lost marks.
        lost = max(0.0, plain / n - CLEAN_PLAIN_RATE * (1 - invalid / n)) / (1 - CLEAN_PLAIN_RATE)
        return min(1.0, invalid / n + lost), n

    def _damage_class(self, tok: str) -> int:
        """How a token counts for the damage score (not judged, marked, plain, invalid...)."""
        letters = [c for c in tok if c.isalpha()]
        if not letters:
            return _SKIP
        if self.valid(tone_key(tok)):
            return _MARKED if has_marks(tok) else _PLAIN
        if len(letters) >= 2 and all(c.isupper() for c in letters) and not has_marks(tok):
            return _SKIP  # an acronym (UBND) or a heading word without a reading
        if skeleton(tok.translate(CHAR_MAP)) not in self.lexicon.index:
            return _FOREIGN
        return _INVALID


_SKIP, _MARKED, _PLAIN, _INVALID, _FOREIGN = range(5)
CLEAN_PLAIN_RATE = 0.25
# Share of words that do not even look like a syllable once OCR symbols are read: damaged
# Vietnamese stays well under it (seed 000: ~0.1), English prose is far above.
FOREIGN_SHARE = 0.35


START_ID = 0  # lm.new_ids(): START
PERSON_SURE = 0.5  # damage prior from which a person's surname and middle name are forced
# E-mail addresses, web addresses and domain names are kept as written. An e-mail needs a
# dotted domain: English OCR writes ơ/ư as "@" inside words ("H@i" = Hội, "nu@c" = nước).
_ADDRESS = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\."
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


# A single quote opening a quotation: at a line start or after a space or bracket.
_OPEN_QUOTE = re.compile(r"(?:^|(?<=[\s(\[]))'")


def _protected_spans(text: str) -> _Spans:
    return _Spans([m.span() for m in _ADDRESS.finditer(text)])


def _number_spans(text: str) -> _Spans:
    return _Spans([m.span() for m in _NUMBER.finditer(text)])


def _in_capitals(text: str, line: int, pos: int) -> bool:
    """No lower-case letter on the line before pos: a heading, whose words are in capitals."""
    return not any(ch.islower() for ch in text[line:pos])


def _between_lower(text: str, start: int, end: int) -> bool:
    """Lower-case letters on both sides of text[start:end] past the spaces: running text, where
    English OCR's lone "&" is ở ("làm việc & các đơn vị"), not an ampersand ("GD & ĐT")."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    return before[-1:].islower() and after[:1].islower()


def _title_case(tok: str) -> bool:
    """ "Nang", "H6a": a name's word; in capitals (a heading) names are not told apart."""
    return tok[:1].isupper() and not any(ch.isupper() for ch in tok[1:])


def _path_probs(
    lm: MixedLM, cands_at: list[tuple[Cand, ...]], choice: list[int], breaks: list[bool]
) -> list[tuple[float, float]]:
    """(base, archive) trigram probability of each syllable read on a path."""
    base, domain = lm.base, lm.domain
    assert domain is not None
    out = []
    u = v = START_ID
    for cs, j, brk in zip(cands_at, choice, breaks, strict=True):
        if brk:
            u = v = START_ID
        c = cs[j]
        if c.key is None:
            u = v = START_ID
            continue
        out.append((base.prob3(u, v, c.kid), domain.prob3(u, v, c.kid)))
        u, v = v, c.kid
    return out


def _spaced_lines(text: str, step: int) -> str:
    """Every step-th line of the text (a sample spread over the whole of it)."""
    return "\n".join(text.split("\n")[::step])


def _kid(c: Cand) -> int | None:
    return None if c.key is None else c.kid
