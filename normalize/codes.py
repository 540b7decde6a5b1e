"""The lexicon of key parts (ký hiệu) and the OCR confusions that damage them.

OCR of a cited key can turn one valid code into another string (``STP`` read
``SIP``, ``TTg`` read ``TT1g``, ``SNV`` read ``SNY``): the citation is then both
missed and invented. :func:`repair_part` moves a part that is not in the lexicon
to a lexicon code only when one known confusion explains the difference and
the context agrees (the issuer can issue that type, the code or the body's
name appears elsewhere in the document); otherwise the part is kept as read
and reported unknown, so a reviewer sees it. A part the lexicon knows is never
touched, and codes the archive's own clean documents use can be added
(:meth:`Lexicon.with_extra`, :func:`set_extra_codes`), so a valid rare code is
known. Everything here is a pure function of its inputs: the same key in the
same context is always repaired the same way.
"""

from __future__ import annotations

import fcntl
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from normalize.fold import fold
from normalize.keys import (
    ISSUER_CODES,
    PARTY_ISSUERS,
    TYPE_CODES,
    KeyParts,
    normalize_type_code,
    parse_key,
)
from schemas.files import write_atomic

__all__ = [
    "EVIDENCE_FILE",
    "KEY_REPAIRED",
    "LEARN_MIN_DOCUMENTS",
    "UNKNOWN_CODE",
    "YEAR_MISMATCH",
    "CodeContext",
    "Lexicon",
    "confusions",
    "default_lexicon",
    "digit_slip",
    "key_parts",
    "learn_archive_codes",
    "load_archive_codes",
    "reissued",
    "repair_part",
    "retyped",
    "set_extra_codes",
]

log = logging.getLogger(__name__)

KEY_REPAIRED = "key_repaired"
UNKNOWN_CODE = "unknown_code"
YEAR_MISMATCH = "year_mismatch"

_DATA = Path(__file__).with_name("codes.json")

# Characters OCR reads for one another, folded (lower case, no marks): a confusion
# is one substitution inside a group (C/G and N/H: a broken stroke or a filled gap; Đ/D
# and 0: a round letter; g and q: the same tail),
# ``rn``/``m`` (and ``vw``/``w``: the first stroke of a W read apart), a stray thin stroke
# read as a character (``TT1g``, ``STNMĨT``: fold turns Ĩ into i), an extra trailing O/0
# (a seal or underline edge after ``NQ``), a letter read twice (``HĐBTT`` for ``HĐBT``,
# ``PTTTr`` for ``PTTr``: Tesseract splits a glyph) or the pair ``ĐĐ`` read as one ``Đ``
# (the one double the synthetic pages show merged; other letters are not guessed back).
_GROUPS = ("itl1fj|!", "vyu", "oq0", "s5", "b8", "g6", "z2", "cg", "nh", "d0", "gq")
_GROUP_OF: dict[str, str] = {}
for _g in _GROUPS:  # a character may be in two groups (g: 6 and c)
    for _c in _g:
        _GROUP_OF[_c] = _GROUP_OF.get(_c, "") + _g
_MULTI = (("rn", "m"), ("m", "rn"), ("vw", "w"))
_STRAY = set("1li|!'.")
_TRAILING = set("o0")
# Digits a scan confuses; numerically adjacent pairs (5/6, 8/9) are excluded in
# the last place, where they are more often consecutive documents than a slip.
_DIGIT_PAIRS = {
    frozenset(p) for p in ("08", "06", "09", "17", "14", "38", "35", "56", "68", "89", "27", "49")
}
_PROVINCIAL_HINT = re.compile(r"\b(?:tinh|huyen|uy ban nhan dan|ubnd|hdnd|thanh pho)\b")
# A code followed by a number and maybe a place (``BCĐ138``, ``BCĐ389QNg``, ``QH9``); one
# digit inside letters is a slip rather than a number (``UB1ND``).
# A unit part OCR damaged: a digit among letters (not a numbered code's number), a small
# letter before a capital ("HlCSN"); "TTr" or "QNg" end in small letters and are fine.
_LOOKS_DAMAGED = re.compile(r"[^\W\d_]\d(?:\D|$)(?<!\d{2})|[a-zđ][A-ZĐ]|^\d")
_NUMBERED = re.compile(r"^(?P<code>[^\W\d_]{2,}?)(?:\d{2,4}[^\W\d_]{0,4}|\d)$")


@dataclass(frozen=True)
class Lexicon:
    """Valid key parts: type codes, issuer codes by class, unit suffixes, extra codes."""

    types: tuple[str, ...]
    party_types: tuple[str, ...]
    issuers: Mapping[str, frozenset[str]]
    names: Mapping[str, str]
    units: frozenset[str]
    class_types: Mapping[str, frozenset[str]]
    extra: frozenset[str] = field(default=frozenset())

    @classmethod
    def load(cls, path: Path = _DATA) -> Lexicon:
        """The lexicon in ``codes.json`` joined with the tables the key parser uses."""
        data = json.loads(path.read_text(encoding="utf-8"))
        issuers: dict[str, set[str]] = {}
        names: dict[str, str] = {}
        for klass, codes in data["issuers"].items():
            for code, name in codes.items():
                issuers.setdefault(code, set()).add(klass)
                names.setdefault(code, name)
        for code, name in ISSUER_CODES.items():  # the parser's table is never out of the lexicon
            issuers.setdefault(code, {"party" if code in PARTY_ISSUERS else "org"})
            names.setdefault(code, name)
        return cls(
            types=tuple(dict.fromkeys([*data["types"], *TYPE_CODES])),
            party_types=tuple(data["party_types"]),
            issuers={k: frozenset(v) for k, v in issuers.items()},
            names=names,
            units=frozenset(data["units"]),
            class_types={k: frozenset(v) for k, v in data["class_types"].items()},
        )

    def with_extra(self, codes: Iterable[str]) -> Lexicon:
        """This lexicon plus the parts of ``codes`` (whole keys or single parts).

        Codes the archive's clean documents use make a rare valid code known, so
        it is never "repaired" into a common one.
        """
        return replace(self, extra=self.extra | key_parts(codes))

    @cached_property
    def folded(self) -> dict[str, dict[str, str]]:
        """Folded code -> code, per role; where two codes fold alike (HD/HĐ) the first
        listed, the more common, wins."""
        issuers = [*sorted(self.issuers), *sorted(self.extra)]
        pools = {
            "type": self.types,
            "party_type": self.party_types,
            "issuer": issuers,
            "unit": [*sorted(self.units), *issuers, *self.types],
        }
        out: dict[str, dict[str, str]] = {}
        for role, codes in pools.items():
            out[role] = {}
            for c in codes:
                out[role].setdefault(fold(c), c)
        return out

    def knows(self, seg: str, role: str = "issuer") -> bool:
        """Whether ``seg`` is a valid part in ``role``: a listed code, a type code standing
        among issuers (old ``UB-QĐ-NĐ``), or a numbered code (``BCĐ138``, ``QH15``)."""
        f = fold(seg)
        if f in self.folded[role] or (role in ("issuer", "unit") and f in self.folded["type"]):
            return True
        m = _NUMBERED.match(f)
        if m and len(f) - len(m.group("code")) == 1 and len(m.group("code")) > 2:
            return False  # "UBND1", "VPCP1": a stray stroke, not a numbered body like "QH9"
        return bool(m and m.group("code") in self.folded["issuer"])

    def fits(self, type_code: str | None, issuer: str, party: bool) -> bool:
        """Whether ``issuer`` issues documents of ``type_code`` (any type when unknown)."""
        classes = self.issuers.get(issuer)
        if classes is None:
            return issuer in self.extra
        if party:
            return "party" in classes
        if type_code is None:
            return True
        return any(type_code in self.class_types.get(k, ()) for k in classes if k != "party")


def key_parts(codes: Iterable[str]) -> set[str]:
    """The code parts of whole keys (``7/KH-SIP``: KH, SIP) or of single parts given as such."""
    parts: set[str] = set()
    for code in codes:
        key = parse_key(code)
        if key is not None:
            parts.update(x for x in (key.type_code, *(key.issuer_code or "").split("-")) if x)
        elif re.fullmatch(r"[^\W\d_][\w&]{0,19}", code.strip()):
            parts.add(code.strip())
    return parts


def confusions(seg: str) -> set[str]:
    """Folded strings one OCR confusion away from ``seg`` (folded)."""
    f = fold(seg)
    out: set[str] = set()
    for i, c in enumerate(f):
        out.update(f[:i] + alt + f[i + 1 :] for alt in _GROUP_OF.get(c, "") if alt != c)
        if c in _STRAY and len(f) > 2:
            out.add(f[:i] + f[i + 1 :])
    for a, b in _MULTI:
        for m in re.finditer(re.escape(a), f):
            out.add(f[: m.start()] + b + f[m.end() :])
    if len(f) > 2 and f[-1] in _TRAILING:
        out.add(f[:-1])
    for i, c in enumerate(f):
        if c == "d" and seg[i : i + 1] in ("Đ", "Ð"):
            out.add(f[: i + 1] + f[i:])  # ĐĐ read as one Đ
        if i and c == f[i - 1] and len(f) > 2:
            out.add(f[:i] + f[i + 1 :])  # a letter read twice
    out.discard(f)
    return out


def digit_slip(better: str, worse: str, *, consecutive: bool = False) -> bool:
    """Whether number ``worse`` is ``better`` with its leading digit lost or one digit confused.

    A last digit one apart (735/736) is allowed only with ``consecutive``: numbers of
    one issuer are consecutive documents far more often than such a slip.
    """
    if len(better) == len(worse) + 1:
        return better[1:] == worse and better[0] != "0"
    if len(better) != len(worse) or not (better + worse).isdigit():
        return False
    diff = [i for i, (a, b) in enumerate(zip(better, worse, strict=True)) if a != b]
    if len(diff) != 1:
        return False
    i = diff[0]
    adjacent = abs(int(better[i]) - int(worse[i])) == 1 and i == len(better) - 1
    return frozenset((better[i], worse[i])) in _DIGIT_PAIRS and (consecutive or not adjacent)


@dataclass(frozen=True)
class CodeContext:
    """What the document says around a key: its type, form, clean codes and text."""

    type_code: str | None = None
    party: bool = False
    attested: frozenset[str] = frozenset()
    text: str = ""

    @property
    def provincial(self) -> bool:
        """A provincial document: a Sở or Ban code fits it."""
        return bool(_PROVINCIAL_HINT.search(self.text))


def _named(code: str, lex: Lexicon, ctx: CodeContext) -> bool:
    """The body's full name in the document ("Sở Tư pháp" beside ``SIP``)."""
    name = fold(lex.names.get(code, ""))
    return len(name.split()) >= 3 and name in ctx.text


def _fits(code: str, role: str, lex: Lexicon, ctx: CodeContext) -> bool:
    if role != "issuer":
        return True
    if not lex.fits(ctx.type_code, code, ctx.party):
        return False
    classes = lex.issuers.get(code, frozenset())
    return ctx.provincial or classes != {"provincial"}


def _type_for_issuer(seg: str, role: str, cands: list[str], lex: Lexicon, ctx: CodeContext) -> bool:
    """A type code standing as the issuer of a typed key (``NĐ-GP``) where one confusion
    gives an issuer of that type (``CP``): damage, not an old ``UB-QĐ`` form."""
    if role != "issuer" or ctx.type_code is None or fold(seg) in lex.folded["issuer"]:
        return False
    return any(lex.fits(ctx.type_code, c, ctx.party) for c in cands)


def repair_part(
    seg: str, role: str, ctx: CodeContext, lex: Lexicon | None = None
) -> tuple[str, str | None]:
    """A key part checked against the lexicon: ``(part, flag)``.

    The flag is None for a known part (kept), :data:`KEY_REPAIRED` when a
    confusion moved it to a code the context agrees with, :data:`UNKNOWN_CODE`
    when it is kept as read. Context agrees when exactly one candidate is
    attested in the document (read cleanly or named in full), or when exactly
    one candidate fits the key's type and the document's level.
    ``role`` is ``type``, ``party_type``, ``issuer`` or ``unit``; units
    (``UBND-TTHC``) are an open set, so they are repaired only on attestation
    and reported unknown only when they look damaged: one confusion off a known
    code (``KITH`` beside ``KTTH``), a digit among the letters (``K5TT``), a small
    letter among capitals (``KTlNS``).
    """
    lex = lex or default_lexicon()
    pool = lex.folded[role]
    cands = sorted({pool[f] for f in confusions(seg) if f in pool})
    if lex.knows(seg, role) and not _type_for_issuer(seg, role, cands, lex, ctx):
        spelt = pool.get(fold(seg), seg)
        if seg in lex.extra or spelt.upper() == seg.upper():
            return seg, None
        if _bare(spelt) == _bare(seg):  # Đ written without its bar (text without marks)
            return spelt, None
        # marks a code has not ("BTGHỦ": a diacritic repair took HU for a word): the code
        log.debug("key part %r respelt %r", seg, spelt)
        return spelt, KEY_REPAIRED
    fitting = [c for c in cands if _fits(c, role, lex, ctx)]
    attested = [c for c in fitting if fold(c) in ctx.attested or _named(c, lex, ctx)]
    pick = None
    if len(attested) == 1:
        pick = attested[0]
    elif len(fitting) == 1 and not attested and role != "unit":
        pick = fitting[0]
    elif not fitting and (edited := _one_edit(seg, role, lex, ctx)) is not None:
        pick = edited
    if pick is not None:
        log.debug("key part %r repaired to %r", seg, pick)
        return pick, KEY_REPAIRED
    if role == "unit" and not cands and not _LOOKS_DAMAGED.search(seg):
        return seg, None
    return seg, UNKNOWN_CODE


def _one_edit(seg: str, role: str, lex: Lexicon, ctx: CodeContext) -> str | None:
    """The one code the document writes cleanly elsewhere, or names in full, that ``seg``
    is one character off: one more (``TTEg`` beside ``TTg`` or "Thủ tướng Chính phủ": a
    speck read as a letter), one other (``TTE``: the g's tail lost) or one fewer; or None.
    Only such a code, not any in the lexicon: an added or misread glyph may be any letter,
    so the lexicon alone offers too many codes one edit away."""
    f = fold(seg)
    if len(f) < 3:
        return None
    found = {
        code
        for folded, code in lex.folded[role].items()
        if len(folded) >= 3 and Levenshtein.distance(f, folded) == 1
    }
    found = {c for c in found if fold(c) in ctx.attested or _named(c, lex, ctx)}
    fitting = [c for c in found if _fits(c, role, lex, ctx)]
    return fitting[0] if len(fitting) == 1 else None


def _bare(code: str) -> str:
    """A code in capitals with Đ as D: how a text without marks writes it."""
    return code.upper().replace("Đ", "D").replace("Ð", "D")


_PARTY_FORM = re.compile(r"(\d{1,5})-+([^/\-]+)/(.+)")


def retyped(written: str, lex: Lexicon | None = None) -> KeyParts | None:
    """A key the parser refuses for its damaged type, type repaired: a Party key
    (``57-NQO/TW``) when the issuer is a known Party body and one confusion gives a Party
    type; a State key (``01/TIr-UBND``) as :func:`_state_retyped` allows."""
    lex = lex or default_lexicon()
    m = _PARTY_FORM.fullmatch(re.sub(r"\s+", "", written))
    if not m:
        return _state_retyped(written, lex)
    code, flag = repair_part(m.group(2), "party_type", CodeContext(party=True), lex)
    parts = parse_key(f"{m.group(1)}-{code}/{m.group(3)}") if flag == KEY_REPAIRED else None
    if parts is None or not lex.fits(None, parts.issuer_code or "", True):
        return None
    return parts


_STATE_FORM = re.compile(r"(\d{1,5})/((?:19|20)\d\d/)?([^/]+)")
_STROKE_END = re.compile(r"(?<=[A-ZĐ])[l|1]$")
# a stroke OCR reads for a T or an I: the one damage a type code shows that makes no code
_STROKE = re.compile(r"[Il1|!]")


def _unknown_type(written: str, lex: Lexicon) -> tuple[str, str, str, str] | None:
    """(number, "year/" or "", type part, issuer) of a State key whose type part the
    lexicon knows neither as type nor as issuer (an archive's rare code is never touched);
    None for any other text."""
    m = _STATE_FORM.fullmatch(re.sub(r"\s+", "", written))
    if not m or m.group(3).count("-") < 1:
        return None
    part, issuer = m.group(3).split("-", 1)
    if lex.knows(part, "type") or lex.knows(part):
        return None
    return m.group(1), m.group(2) or "", part, issuer


def _state_retyped(written: str, lex: Lexicon) -> KeyParts | None:
    """``01/TIr-UBND``: a type part that is no code, with a stroke in it, where one
    confusion gives exactly one type code that the known issuer after it issues."""
    found = _unknown_type(written, lex)
    if found is None or not _STROKE.search(found[2]):
        return None
    number, year, part, issuer = found
    pool = lex.folded["type"]
    cands = sorted({pool[f] for f in confusions(part) if f in pool})
    first = issuer.split("-")[0]
    if len(cands) != 1 or not lex.knows(first) or not lex.fits(cands[0], first, False):
        return None
    return parse_key(f"{number}/{year}{cands[0]}-{issuer}")


def typed_as(written: str, type_code: str, lex: Lexicon | None = None) -> KeyParts | None:
    """``793/TTTr-PTK`` under the heading TỜ TRÌNH: a type part that is no code, one OCR
    confusion from ``type_code`` (the code of the type the document's own heading names,
    read apart in larger print), is that code. Unlike :func:`retyped`, the issuer need not
    be known: the heading is the context."""
    found = _unknown_type(written, lex or default_lexicon())
    if found is None or fold(type_code) not in confusions(found[2]):
        return None
    number, year, _, issuer = found
    return parse_key(f"{number}/{year}{type_code}-{issuer}")


def reissued(written: str, lex: Lexicon | None = None) -> KeyParts | None:
    """A key the parser refuses for its damaged issuer (``6717/U8ND-NC``, ``2105/UBNlD-NC``,
    ``4039/5TC-HCSN``, ``01/KH-8CĐ``), issuer repaired: only when the part shows damage (a
    digit or a stroke among its capitals, a digit first) and one confusion gives exactly
    one known issuer. A part the lexicon knows (an archive's rare code) is never touched."""
    lex = lex or default_lexicon()
    m = _STATE_FORM.fullmatch(re.sub(r"\s+", "", written))
    if not m:
        return None
    segs = m.group(3).split("-")
    i = 1 if len(segs) >= 2 and normalize_type_code(segs[0]) else 0
    part = segs[i]
    if lex.knows(part) or not (_LOOKS_DAMAGED.search(part) or _STROKE_END.search(part)):
        return None
    pool = lex.folded["issuer"]
    cands = sorted({pool[f] for f in confusions(part) if f in pool})
    if len(cands) != 1:
        return None
    segs[i] = cands[0]
    return parse_key(f"{m.group(1)}/{m.group(2) or ''}{'-'.join(segs)}")


_default: Lexicon | None = None


def default_lexicon() -> Lexicon:
    """The process's lexicon: the repo's data plus any codes given to :func:`set_extra_codes`."""
    global _default
    if _default is None:
        _default = Lexicon.load()
    return _default


def set_extra_codes(codes: Iterable[str]) -> Lexicon:
    """Make the archive's own clean codes known to :func:`default_lexicon` (e.g. at start-up)."""
    global _default
    _default = Lexicon.load().with_extra(codes)
    return _default


# The archive's own codes, one part a line, beside the repair model's adaptation file.
ARCHIVE_CODES_FILE = "archive-codes.txt"
_loaded: tuple[Path, float] | None = None


def load_archive_codes(models_dir: Path) -> Lexicon:
    """The process's lexicon with the codes the archive's clean documents taught it.

    Re-read only when the file changed, so every extraction can call it: a worker
    process sees the codes another process learned since it started."""
    global _loaded
    path = Path(models_dir) / ARCHIVE_CODES_FILE
    mtime = path.stat().st_mtime if path.exists() else 0.0
    if _loaded != (path, mtime):
        codes = path.read_text(encoding="utf-8").split() if mtime else []
        set_extra_codes(codes)
        _loaded = (path, mtime)
        log.info("lexicon: %d codes learned from the archive", len(codes))
    return default_lexicon()


# A code the repo's lexicon lacks is learned once this many distinct clean documents use it:
# one document can be damaged (a legacy text file that is really OCR output, a typo), and
# a single ``12/QĐ1-UBND`` would make every later ``1373/QĐ1-TTg`` look valid.
LEARN_MIN_DOCUMENTS = 2
EVIDENCE_FILE = "archive-codes-evidence.tsv"


def learn_archive_codes(models_dir: Path, keys: Iterable[str], *, source: str) -> Lexicon:
    """Count the key parts of a clean stored document (its own number, its sure citations)
    as the evidence of ``source`` (the document's identity); a part the repo's lexicon
    lacks is learned (written to the archive's code file) once
    :data:`LEARN_MIN_DOCUMENTS` distinct documents used it. Under a lock: workers store
    in parallel."""
    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    repo = Lexicon.load()
    new = {p for p in key_parts(keys) if not _repo_knows(repo, p)}
    with (models_dir / ".archive-codes.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        seen = _read_evidence(models_dir / EVIDENCE_FILE)
        for part in new:
            seen.setdefault(part, set()).add(source)
        if new:
            _write_evidence(models_dir / EVIDENCE_FILE, seen)
        path = models_dir / ARCHIVE_CODES_FILE
        old = set(path.read_text(encoding="utf-8").split()) if path.exists() else set()
        sure = {p for p in new if len(seen[p]) >= LEARN_MIN_DOCUMENTS} - old
        if sure:
            log.info("archive codes learned: %s", ", ".join(sorted(sure)))
            write_atomic(path, "\n".join(sorted(old | sure)).encode("utf-8") + b"\n")
        pending = sorted(p for p in new if len(seen[p]) < LEARN_MIN_DOCUMENTS)
        if pending:
            log.info("archive codes seen, not yet learned: %s", ", ".join(pending))
    return load_archive_codes(models_dir)


def _repo_knows(repo: Lexicon, part: str) -> bool:
    return any(repo.knows(part, role) for role in ("type", "party_type", "issuer"))


def _read_evidence(path: Path) -> dict[str, set[str]]:
    """Part -> identities of the documents that used it (``part<TAB>id id``)."""
    out: dict[str, set[str]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            part, _, ids = line.partition("\t")
            if part:
                out[part] = set(ids.split())
    return out


def _write_evidence(path: Path, seen: dict[str, set[str]]) -> None:
    lines = [f"{p}\t{' '.join(sorted(ids))}" for p, ids in sorted(seen.items())]
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
