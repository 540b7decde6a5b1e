"""Cross-checks between header fields: values read apart that must agree.

Each field is read from its own place on the page, so one misreading leaves the others
intact: the type heading (TỜ TRÌNH) names the type the number's symbol carries (``TTr``),
a number with a year (``12/2024/QĐ-UBND``) is signed in that year, and the body its
symbol names (``SNV``) is the issuer at the top, and a local body's place is its
locality. When two fields
disagree one of them is wrong and which is not known, so both are flagged
``fields_disagree`` for review; nothing is changed. The number's own code parts are
checked against the key lexicon as citations are (``12/QĐ1-UBND``: a stray stroke after
the type): a part the lexicon does not accept is flagged ``unknown_code``, never changed.
"""

from __future__ import annotations

import itertools
import logging
import re

from extract.header.fields import HeaderField, HeaderResult
from normalize.codes import UNKNOWN_CODE, CodeContext, default_lexicon, repair_part
from normalize.fold import fold
from normalize.keys import TYPE_CODES, KeyParts, parse_key

__all__ = [
    "FIELDS_DISAGREE",
    "SIGNER_TITLE_SUSPECT",
    "cross_check",
    "issuer_code",
    "issuer_named",
]

log = logging.getLogger(__name__)

FIELDS_DISAGREE = "fields_disagree"
SIGNER_TITLE_SUSPECT = "signer_title_suspect"
_LOCALITY_WORD = re.compile(r"^(?:tinh|thanh pho|tp\.?|huyen|quan|thi xa|xa|phuong|thi tran)\s+")
_LOCALITY = re.compile(r"\b(?:tinh|thanh pho|huyen|quan|thi xa|phuong|thi tran)\s+\w")
_DELEGATION = re.compile(r"^(?:kt|tm|tl|tuq|q|t/m|k/t|t/l)\b\.?")


def cross_check(out: HeaderResult, issued: bool = False) -> None:
    """Flag header fields that contradict one another (see the module's doc). ``issued``:
    the document was signed or is a scan of paper, so its signature block is complete even
    where OCR lost the name."""
    _signer_title(out.signer_title, issued or out.signer is not None)
    _place_of_issuer(out)
    number = out.number
    if number is None:
        return
    parts = parse_key(str(number.value)) if number.value else None
    if parts is None and number.symbol:
        parts = parse_key(f"1/{number.symbol}")
    if parts is None:
        return
    _number_codes(out, number, parts)
    kind = out.doc_type
    named = TYPE_CODES.get(parts.type_code or "")
    if kind is not None and named and fold(named) != fold(str(kind.value)):
        _disagree(number, kind)
    date = out.date
    year = str(date.value)[:4] if date is not None else ""
    if date is not None and parts.year and year.isdigit() and int(year) != parts.year:
        _disagree(number, date)
    if not parts.party:
        _issuer_named(out, (parts.issuer_code or "").split("-")[0])


def _number_codes(out: HeaderResult, number: HeaderField, parts: KeyParts) -> None:
    """Flag a number whose type or issuer code the lexicon would repair or does not know
    (a rare code the archive's clean documents taught is known, see normalize.codes)."""
    segs = parts.issuer_code.split("-") if parts.issuer_code else []
    heads = " ".join(fold(str(f.value)) for f in (out.issuer, out.parent_issuer) if f and f.value)
    ctx = CodeContext(parts.type_code, parts.party, text=heads)
    lex = default_lexicon()
    roles = ["issuer"] + ["unit"] * (len(segs) - 1)
    if parts.type_code is None and len(segs) >= 2 and not lex.knows(segs[0]):
        roles[0] = "type"  # an untyped reading whose first part is a damaged type: QĐ1-UBND
    doubts = [repair_part(seg, role, ctx, lex)[1] for seg, role in zip(segs, roles, strict=True)]
    if any(doubts) and UNKNOWN_CODE not in number.flags:
        number.flags.append(UNKNOWN_CODE)
        log.info("number %r: a code the lexicon does not accept", number.value)


def _issuer_named(out: HeaderResult, code: str | None) -> None:
    """The issuer the number's symbol names (``SNV``: Sở Nội vụ) is the issuer read at the
    top, or its parent; a symbol whose body the lexicon does not name says nothing."""
    if out.number and out.issuer and issuer_named(out, code) is False:
        _disagree(out.number, out.issuer)


def issuer_code(number: HeaderField | None) -> str | None:
    """The issuer code of a State number's symbol (``UBND`` of ``22/BC-UBND``), None for a
    Party number or none."""
    if number is None:
        return None
    parts = parse_key(str(number.value)) if number.value else None
    if parts is None and number.symbol:
        parts = parse_key(f"1/{number.symbol}")
    if parts is None or parts.party:
        return None
    return (parts.issuer_code or "").split("-")[0] or None


def issuer_named(out: HeaderResult, code: str | None) -> bool | None:
    """Whether the issuer or its parent read at the top is the body the symbol's issuer
    ``code`` names; None when the lexicon names no body by it or no issuer was read."""
    base = re.match(r"[^\W\d_]+", code or "")
    name = default_lexicon().names.get(base.group()) if base else None
    if not (base and name and out.issuer and out.issuer.value):
        return None
    heads = [fold(str(f.value)) for f in (out.issuer, out.parent_issuer) if f and f.value]
    short = re.compile(rf"\b{re.escape(fold(base.group()))}\b")  # "UBND tỉnh Quảng Ngãi"
    return any(fold(name) in h or short.search(h) for h in heads)


def _place_of_issuer(out: HeaderResult) -> None:
    """A local body dates its documents at its own locality (Nghị định 30/2020: "Quảng
    Ngãi, ngày …" under "Ủy ban nhân dân tỉnh Quảng Ngãi"; a Sở under its province): a
    place the issuer and its parent do not name disagrees with them. A central body's
    issuer names no locality and is not checked."""
    place, issuer = out.place, out.issuer
    if place is None or issuer is None or not place.value or not issuer.value:
        return
    heads = " / ".join(fold(str(f.value)) for f in (issuer, out.parent_issuer) if f and f.value)
    if not _LOCALITY.search(heads):
        return
    where = fold(str(place.value))
    where = _LOCALITY_WORD.sub("", where).strip()
    if where and where not in heads:
        _disagree(place, issuer)


def _signer_title(title: HeaderField | None, signed: bool) -> None:
    """A delegation (``KT.``, ``TM.``, ``TL.``) is followed by the signer's own role, and
    one signing for the head (``KT.``) is a deputy (``PHÓ …``): a block that ends on the
    delegation above a name, or whose deputy line is not one, lost or misread a line (an
    unsigned draft may end on the delegation)."""
    if title is None or not title.value:
        return
    parts = [fold(p).strip() for p in str(title.value).split(" / ")]
    cut = signed and bool(_DELEGATION.match(parts[-1]))
    not_deputy = any(
        p.startswith(("kt", "k/t")) and not nxt.startswith("pho")
        for p, nxt in itertools.pairwise(parts)
    )
    if (cut or not_deputy) and SIGNER_TITLE_SUSPECT not in title.flags:
        title.flags.append(SIGNER_TITLE_SUSPECT)


def _disagree(*fields: HeaderField) -> None:
    for f in fields:
        if FIELDS_DISAGREE not in f.flags:
            f.flags.append(FIELDS_DISAGREE)
    log.info("header fields disagree: %s", ", ".join(repr(f.value) for f in fields))
