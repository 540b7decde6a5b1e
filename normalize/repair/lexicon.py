"""What candidate generation needs from the snapshot: syllables, confusion table, indexes.

A token's readings depend on the snapshot only (the in-domain model enters through the LM),
so they are computed once: for every form the confusion table knows and every syllable
(lower case and capitalised) when the snapshot cache is built, and per model for the rest.
"""

from __future__ import annotations

import math
import re
import zlib

from rapidfuzz.distance import Levenshtein

from normalize.repair import channel
from normalize.repair.channel import CharChannel, old_style
from normalize.repair.lm import NUM
from normalize.repair.syllables import ONSETS, is_valid, skeleton
from normalize.unicode import tone_key

# Characters English OCR puts in place of Vietnamese letters, mapped before skeleton lookup.
CHAR_MAP = str.maketrans({"6": "o", "0": "o", "4": "a", "1": "l"})
# Symbols standing for a marked vowel (du¢c = được, ngh¢ = nghệ) or nothing (k§y = kỹ).
# A cent sign is also a c with its stroke ("¢an" = căn, "¢6" = cố) and, alone, a c with the
# marked vowel that followed it run into it ("¢" = cổ): "¢" is no symbol Vietnamese text
# writes, so every reading of it is damage.
CHAR_ALTS = {
    "¢": (("o", 0.0), ("e", 0.5), ("c", 1.0), ("co", 1.5)),
    "@": (("o", 0.0), ("e", 0.5)),
    "&": (("a", 0.0), ("e", 0.5), ("o", 1.0), ("u", 1.0)),
    "§": (("", 0.0), ("y", 0.5)),
    "8": (("e", 0.5), ("", 1.0)),
}
# Symbols that alone are a damaged word: "@" and "&" are ở (the renders: 52 and 80 times),
# "¢" is cổ. A lone "&" is an ampersand too ("GD & ĐT"): the model keeps it as written
# unless it stands between lower-case words of a damaged text (normalize.repair.model).
LONE_READ = ("@", "¢", "&")
# The horn of ơ/ư read as an apostrophe after o/u ("So'" = Sơ, "tru'o'ng" = trường)
HORN = re.compile("[oOuU]'")
_HORNS = {"o'": "ơ", "O'": "Ơ", "u'": "ư", "U'": "Ư"}
ROMAN = re.compile(r"^[IVXL1]{1,5}$")
# A Roman numeral with a "1" for one of its I's ("I1", "1V", "X111"): letters and a digit
# together are no number, so the 1 is read as I (a clean "II" never has one).
ROMAN_WITH_ONE = re.compile(r"^(?=.*1)(?=.*[IVX])X{0,3}(?:[I1]X|[I1]V|V?[I1]{0,3})$")
# Lower-case numerals are numbers only where they number a list ("vii)", "(iv)", see
# normalize.repair.model): elsewhere "vii" is vũ with its ũ read as "ii" ("cổ vũ").
LOWER_ROMAN = re.compile(r"^[ivx]{1,4}$")
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
# Readings with Đ kept for a capital P/B beyond MAX_CANDS ("Bé" = Đề: the B-readings the
# table saw fill the list, and "Đề án" never reached the search).
CAPITAL_D_KEEP = 3
SPLIT_P = 0.005  # P(two syllables came out glued as one token)
# A word glued to an abbreviation or a number before it, the space lost at a visible seam
# ("UBNDcua", "KHVNngay", "2022cua", "000d6ng", "3phién"): the seam itself says "two
# words". A one-digit number counts only with a digit English OCR never writes for a letter
# (0 1 4 6 stand for o l a o in CHAR_MAP, 8 for e, 9 for Đ in keys): "1am" is làm.
GLUED = re.compile(r"^([A-ZĐ]{2,}|\d{2,}|[2357])([^\W\d_].{2,})$")
GLUE_P = 0.5
BACKOFF_P = 0.05  # P(token | syllable) for a skeleton match never seen in the table
# ...lower for syllables the table saw often (and never in this form). 0.3 since the
# character channel prices most such readings (seeds 000+002 empty: 0.5 / 0.3 / 0.15 / 0
# gave 0.9519 / 0.9525 / 0.9522 / 0.9515; bench/repair/README.md).
UNSEEN_DECAY = 0.3
EDIT_COST = 4.0
MAX_CANDS = 8
SKELETON_CAP = 8  # syllables per skeleton (most frequent first) a rule match proposes
RANK_PRIOR = 1.0  # weight of log(syllable count + 1) when readings are ranked
PRUNE = 9.0  # drop candidates this far (nats) below the best channel score
# The character channel (normalize.repair.channel): its log P(token | syllable) x CHAR_SCALE
# + CHAR_OFFSET prices readings the OCR rules do not reach ("chac" = chức) and competes
# with the rule cost of those they do (the better of the two counts). CHAR_FORMS damaged
# forms per syllable are indexed; CHAR_PER_FORM syllables per form are kept.
CHAR_SCALE = 1.0
CHAR_OFFSET = -1.0
CHAR_FORMS = 16
CHAR_PER_FORM = 8
# A token no syllable's likeliest damaged forms reach (its best reading priced under
# FRAME_TRIGGER nats: "thiac" = thức, "québc" = quốc, "siz" = sử) is scored by the character
# channel against the FRAME_POOL commonest syllables that share its consonant frame (onset
# and final as written); the FRAME_KEEP best of those priced over FRAME_FLOOR join its readings.
FRAME_TRIGGER = -4.0
FRAME_POOL = 20
FRAME_KEEP = 3
FRAME_FLOOR = -9.0


def settings_key() -> str:
    """Short hash of the constants compiled readings depend on: part of the cache file name,
    so a change to them never loads readings compiled under the old ones."""
    values = (
        MAX_CANDS,
        SKELETON_CAP,
        RANK_PRIOR,
        PRUNE,
        EDIT_COST,
        BACKOFF_P,
        UNSEEN_DECAY,
        CAPITAL_D_COST,
        CAPITAL_D_KEEP,
        SPLIT_P,
        GLUE_P,
        GLUED.pattern,
        ROMAN.pattern,
        ROMAN_WITH_ONE.pattern,
        RULES,
        INITIAL_RULES,
        CHAR_ALTS,
        LONE_READ,
        CHAR_MAP,
        CHAR_SCALE,
        CHAR_OFFSET,
        CHAR_FORMS,
        CHAR_PER_FORM,
        FRAME_TRIGGER,
        FRAME_POOL,
        FRAME_KEEP,
        FRAME_FLOOR,
        channel.ALPHA,
        channel.MIN_COUNT,
        channel.GEN_PER_LETTER,
        channel.MAX_SEG,
        channel.UNSEEN_LOGP,
    )
    return f"{zlib.crc32(repr(values).encode()):08x}"


# How a reading's channel log-p follows from the text's damage prior (see Repairer._price).
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


class Lexicon:
    """Snapshot syllables, confusion table and skeleton indexes; a token's readings."""

    def __init__(self, snap: dict, ids: dict[str, int]) -> None:
        self.rhymes = frozenset(snap["rhymes"])
        self.vocab: dict[str, int] = snap["syllables"]
        self.table: dict[str, dict[str, int]] = snap["confusion"]
        self.totals: dict[str, int] = snap["confusion_totals"]
        # Place names of two to four syllables by the skeletons of their syllables, with
        # the share of each among the names spelt alike (by the wards they name): a run of
        # title-case tokens that spells one is read as one of them (see Repairer._names)
        places: dict[tuple[str, ...], list[tuple[tuple[str, ...], int]]] = {}
        for name, n in snap.get("place_names", {}).items():
            keys = tuple(name.split(" "))
            places.setdefault(tuple(map(name_skeleton, keys)), []).append((keys, n))
        self.places = {
            sk: [(keys, n / sum(m for _, m in alike)) for keys, n in alike]
            for sk, alike in places.items()
        }
        self.ids = ids
        index: dict[str, list[str]] = {}
        for k in sorted(self.vocab, key=lambda k: -self.vocab[k]):
            index.setdefault(skeleton(k).replace("đ", "d"), []).append(k)
        self.index = index
        self.deletes = _delete_index(index)
        # Per syllable: log(count + 1) (the rank prior) and the channel log-p of a rule match
        # the table never saw, before the rule cost (the unseen-decay backoff of _channel).
        self._log_count = {k: RANK_PRIOR * math.log(n + 1) for k, n in self.vocab.items()}
        self._unseen_lp = {k: math.log(self._channel(k, 0.0, {})) for k in self.vocab}
        self.char = CharChannel(snap["char_channel"]) if snap.get("char_channel") else None
        self.noisy = self._noisy_index() if self.char else {}
        self.compiled: dict[str, tuple] = {}
        self._frames: dict[tuple[str, str], list[str]] | None = None

    def _noisy_index(self) -> dict[str, tuple[tuple[float, str], ...]]:
        """Damaged form (lower case) -> (channel log-p, syllable) of the syllables the
        character channel says most often come out that way (both tone placements).

        A syllable's plain skeleton ("thanh" for thảnh) is left out: the skeleton rules price
        that reading already, against the token read as written; the channel pricing it too
        would tip clean names ("Nguyễn Văn Thanh") into "Thảnh"."""
        char = self.char
        assert char is not None
        found: dict[str, list[tuple[float, str]]] = {}
        for key in self.vocab:
            best: dict[str, float] = {}
            plain = skeleton(key).replace("đ", "d")
            for style in {key, old_style(key)}:
                for form, lp in char.forms(style, beam=CHAR_FORMS):
                    if form != plain and lp > best.get(form, -math.inf):
                        best[form] = lp
            for form, lp in best.items():
                found.setdefault(form, []).append((lp, key))
        prior = self._log_count
        return {
            form: tuple(
                sorted(rows, key=lambda r: r[0] + prior[r[1]], reverse=True)[:CHAR_PER_FORM]
            )
            for form, rows in found.items()
        }

    def compile(self) -> None:
        """Readings of every form the table knows and every syllable, lower case and
        capitalised (all-caps forms depend on the archive's acronyms: left to the model)."""
        forms = {*self.table, *self.vocab}
        forms |= {f[:1].upper() + f[1:] for f in forms}
        self.compiled = {f: self.find_readings(f, {}) for f in forms if not f.isupper()}

    def valid(self, key: str) -> bool:
        """A known or phonotactically valid syllable."""
        return key in self.vocab or is_valid(key, self.rhymes)

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
        (rank score, channel log-p, syllable) best first; and the cheapest rule cost."""
        bases = _bases(tok)
        if tok[:1] in ("P", "B"):  # a capital Đ read as P or B (Pang, Bang = Đảng)
            bases.append(("d" + bases[0][0][1:], CAPITAL_D_COST))
        costs = self._search(bases, _is_caps(tok))
        unseen, prior = self._unseen_lp, self._log_count
        rows = sorted(
            ((unseen[k] - c + prior[k], unseen[k] - c, k) for k, c in costs.items()), reverse=True
        )
        return rows, min(costs.values(), default=9.0)

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
            for k in index.get(s, ())[:SKELETON_CAP]:
                if k not in found or found[k] > c:
                    found[k] = c
        if not caps and 2 <= len(base) <= 7:
            near = self._near(base)
            near.sort(key=lambda x: -self.vocab.get(index[x[0]][0], 0))
            for s, dist in near[:12]:
                for k in index[s][:4]:
                    found.setdefault(k, EDIT_COST * dist)
        return found

    def find_readings(self, tok: str, acronyms: dict[str, str]) -> tuple:
        """(key, text, channel log-p, kind, first-syllable id) of each reading of a token."""
        if "'" in tok:  # the readings of the word with its horns, none of them as written
            horned = HORN.sub(lambda m: _HORNS[m.group()], tok)
            horn_readings = [
                (k, text, ch, DAMAGED if kind == SAME else kind, fid)
                for k, text, ch, kind, fid in self.find_readings(horned, acronyms)
                if k is not None and "'" not in text
            ]
            return ((None, tok, 0.0, KEPT, -1), *horn_readings)
        low = tok.lower()
        ident_key = tone_key(tok)
        ident_ok = self.valid(ident_key)
        glued = self._glued(tok, acronyms) if not ident_ok else ()
        if glued:
            return glued
        seen = self.table.get(low, {})
        if tok.isdigit():
            return tuple(self._digit_readings(tok, seen))
        acro = acronyms.get(skeleton(tok).upper()) if tok.isupper() and not ident_ok else None
        if acro and acro != tok:  # HDND -> HĐND, learned from clean text
            return ((None, tok, 0.0, KEPT, -1), (None, acro, 0.0, DAMAGED, -1))
        if ROMAN_WITH_ONE.match(tok):
            return ((None, tok, 0.0, KEPT, -1), (None, tok.replace("1", "I"), 0.0, DAMAGED, -1))
        lone_symbol = not any(ch.isalnum() for ch in tok) and tok not in LONE_READ
        damaged = _may_be_damaged(tok)
        if not ident_ok and (lone_symbol or ROMAN.match(tok) or not (seen or damaged)):
            return ((None, tok, 0.0, FIXED, -1),)
        if _is_caps(tok) and not damaged:
            return ((None, tok, 0.0, FIXED, -1),)
        rows, min_cost = self._skeleton_cands(tok) if damaged else ([], 9.0)
        if damaged and self.char is not None:
            rows = self._char_rows(low, rows)
            if not ident_ok and max((r[1] for r in rows), default=-math.inf) < FRAME_TRIGGER:
                rows = self._frame_rows(low, rows)
        # Syllables the table saw for this token are priced by the table instead; the top
        # MAX_CANDS + len(seen) rule rows are enough for the top MAX_CANDS after the merge.
        rule_lp = {k: lp for _, lp, k in rows}
        merged = [r for r in rows[: MAX_CANDS + len(seen) + 1] if r[2] not in seen]
        merged += [self._table_row(k, n, rule_lp.get(k)) for k, n in seen.items()]
        merged.sort(reverse=True)
        scored = [(lp, k) for _, lp, k in merged if k != ident_key]
        if seen:
            min_cost = 0.0
        out: list[tuple[str | None, str, float, int, int]]
        if ident_ok:
            p_same = self._channel(ident_key, 0.0, seen)
            out = [(ident_key, tok, math.log(p_same), SAME, -1)]
        else:
            out = [(None, tok, 0.0, KEPT, -1)]
        floor = (scored[0][0] if scored else 0.0) - PRUNE
        kept = scored[:MAX_CANDS]
        if tok[:1] in ("P", "B"):  # a capital Đ read as P or B: its best readings stay
            kept += [x for x in scored[MAX_CANDS:] if x[1][:1] == "đ"][:CAPITAL_D_KEEP]
        out.extend((k, apply_case(tok, k), lp, DAMAGED, -1) for lp, k in kept if lp >= floor)
        if not ident_ok and tok.isalpha() and len(tok) >= 4 and min_cost > 1:
            out.extend(self._splits(tok))
        return tuple(out)

    def _glued(self, tok: str, acronyms: dict[str, str]) -> tuple:
        """An abbreviation or a number with the next word glued on ("UBNDcua" = "UBND của",
        "2022cua" = "2022 của"): the token as written, or the head kept and the rest read
        as a word of its own (a number head is the LM's NUM before it).

        Only where the whole token is no syllable and the rest spells one ("TRUong" is one
        word in mixed case, "18nh" = lãnh is no number and a word)."""
        m = GLUED.match(tok)
        if m is None:
            return ()
        head, rest = m.groups()
        if head.isupper() and not rest[:1].islower():
            return ()
        if name_skeleton(tok) in self.index or name_skeleton(rest) not in self.index:
            return ()
        fid = self.ids[NUM] if head.isdigit() else -1
        head = head if head.isdigit() else acronyms.get(head, head)
        lp = math.log(GLUE_P)
        apart = [
            (k, f"{head} {text}", ch + lp, kind, fid)
            for k, text, ch, kind, _ in self.find_readings(rest, acronyms)
            if k is not None
        ]
        return ((None, tok, 0.0, KEPT, -1), *apart)

    def _char_rows(
        self, low: str, rows: list[tuple[float, float, str]]
    ) -> list[tuple[float, float, str]]:
        """The rule rows with the character channel's readings of the token added, each
        syllable at the better of its rule price and its character-channel price."""
        lp_of = {k: lp for _, lp, k in rows}
        for lp, k in self.noisy.get(low, ()):
            lp = CHAR_SCALE * lp + CHAR_OFFSET
            if lp > lp_of.get(k, -math.inf):
                lp_of[k] = lp
        prior = self._log_count
        return sorted(((lp + prior[k], lp, k) for k, lp in lp_of.items()), reverse=True)

    def _frame_rows(
        self, low: str, rows: list[tuple[float, float, str]]
    ) -> list[tuple[float, float, str]]:
        """The rows with the character channel's best readings among the syllables that
        share the token's consonant frame ("thiac": th…c, "québc": qu…c, "siz": s…).

        The channel's index holds each syllable's CHAR_FORMS likeliest damaged forms only;
        a rarer form of a common syllable (two letters damaged at once) is in no index, and
        its token got only readings of a letter or two, priced far below what the channel
        says of the right one. Onset and final consonants are what English OCR keeps best:
        the syllables that share them are the pool the channel scores the token against."""
        char = self.char
        assert char is not None
        pool = self.frames().get(frame_of(name_skeleton(low)), ())
        lp_of = {k: lp for _, lp, k in rows}
        scored = sorted(
            ((CHAR_SCALE * char.logp(low, k) + CHAR_OFFSET, k) for k in pool), reverse=True
        )
        for lp, k in scored[:FRAME_KEEP]:
            if lp >= FRAME_FLOOR and lp > lp_of.get(k, -math.inf):
                lp_of[k] = lp
        prior = self._log_count
        return sorted(((lp + prior[k], lp, k) for k, lp in lp_of.items()), reverse=True)

    def frames(self) -> dict[tuple[str, str], list[str]]:
        """Consonant frame -> the FRAME_POOL commonest syllables with it (built on first use:
        most texts never ask)."""
        if self._frames is None:
            frames: dict[tuple[str, str], list[str]] = {}
            for k in sorted(self.vocab, key=lambda k: -self.vocab[k]):
                bucket = frames.setdefault(frame_of(skeleton(k).replace("đ", "d")), [])
                if len(bucket) < FRAME_POOL:
                    bucket.append(k)
            self._frames = frames
        return self._frames

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
                out.append((b, text, lp, DAMAGED, self.ids.setdefault(a, len(self.ids))))
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

    def _table_row(self, key: str, n: int, rule_lp: float | None) -> tuple[float, float, str]:
        """(rank score, channel log-p, syllable) of a pair the confusion table saw n times.

        A pair seen once among a frequent syllable's hundreds of renders ("d4" for đã: 1 of
        825) is no less likely than one never seen: the rules' or the character channel's
        price (``rule_lp``) is its floor, else the table's sighting would push the syllable
        below readings that were never seen at all (đá, dạ).
        """
        lp = math.log(n / (self.totals.get(key, 0) + 1))
        if rule_lp is not None:
            lp = max(lp, rule_lp)
        return lp + self._log_count.get(key, 0.0), lp, key

    def _channel(self, key: str, cost: float, seen: dict[str, int]) -> float:
        """P(damaged token | syllable): the table if it saw the pair, else a rule backoff."""
        n = seen.get(key)
        total = self.totals.get(key, 0)
        if n:
            return n / (total + 1)
        return BACKOFF_P * math.exp(-cost) * (5 / (5 + total)) ** UNSEEN_DECAY


def name_skeleton(tok: str) -> str:
    """A token's letters without marks (đ as d), OCR digits read as letters: "H6a" -> "hoa"."""
    return skeleton(tok.translate(CHAR_MAP))


FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")


def frame_of(base: str) -> tuple[str, str]:
    """(onset, final consonant) of a skeleton as written: the longest onset it starts with
    and the longest final it ends with, each "" when there is none ("thiac" -> th, c)."""
    onset = next((on for on in ONSETS if base.startswith(on) and len(base) > len(on)), "")
    rest = base[len(onset) :]
    final = next((f for f in FINALS if rest.endswith(f) and len(rest) > len(f)), "")
    return onset, final


def _is_caps(tok: str) -> bool:
    letters = [c for c in tok if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _may_be_damaged(tok: str) -> bool:
    """Tokens worth looking up: not acronyms like UBND/THPT (all-caps without a vowel reading)."""
    letters = [c for c in tok if c.isalpha() or c == "¢"]
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
