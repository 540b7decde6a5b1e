"""The issuer and its parent from the better of two readings of the heading block.

The OCR stage reads a first page's heading block twice: with the page at 300 dpi, and
alone at a higher resolution (``ocr.heading``, ``Page.heading``). Neither is always right:
at 300 dpi Tesseract misread the bodies of some real scans that the closer reading gets,
and the closer reading has its own slips ("DẦN", "TÍNH"), which the names' folding mostly
absorbs. So both are read by the same grammar (:func:`read_top`) and judged by what the
grammar and the lexicon can check without the answer: a body named like one (its kind
first, words not junk), matched exactly rather than fuzzily, and named by the number's
symbol (``…/BC-UBND``: an Ủy ban nhân dân). The closer reading's bodies replace the first's
only when they check out better; when the two differ and check out alike, the first
reading's bodies stay, flagged ``readings_disagree`` for a person to look: one of them is
wrong, and which is not known.
"""

from __future__ import annotations

import logging

from extract.header.checks import issuer_code, issuer_named
from extract.header.fields import HeaderField, HeaderResult
from extract.header.issuer import ISSUER_SUSPECT
from extract.header.lines import page_lines
from extract.header.top import read_top
from extract.text import PageText
from normalize.fold import fold
from schemas import Box, Word

__all__ = ["READINGS_DISAGREE", "second_reading"]

log = logging.getLogger(__name__)

READINGS_DISAGREE = "readings_disagree"
_BODIES = ("parent_issuer", "issuer")
# what a body's check costs its reading: named unlike a body (a line of junk or of
# something else), matched only fuzzily (an OCR slip taken for the nearest known name);
# a symbol naming another body costs the pair
_SUSPECT, _FUZZY, _UNNAMED = 2, 1, 2


def second_reading(first: PageText, out: HeaderResult) -> None:
    """Settle the issuer and parent of ``out`` (read from ``first``) against the heading
    block's second reading, when the page has one (see the module's doc)."""
    heading = first.heading
    if heading is None:
        return
    alt = HeaderResult()
    read_top(heading, page_lines(heading)[:40], alt)
    if alt.issuer is None or not alt.issuer.value or _same(out, alt):
        return
    code = issuer_code(out.number) or issuer_code(alt.number)
    mine, theirs = _checks(out, code), _checks(alt, code)
    if theirs < mine:
        taken = _located(first, heading, alt)
        if taken is not None:
            log.info(
                "issuer %r / parent %r read again as %r / %r",
                *(_value(out, n) for n in _BODIES),
                *(_value(alt, n) for n in _BODIES),
            )
            out.parent_issuer, out.issuer = taken
            return
    if mine < theirs:
        return  # the first reading checks out better: the second's slips are not a doubt
    log.info("issuer readings disagree: %r, %r", _value(out, "issuer"), _value(alt, "issuer"))
    for name in _BODIES:
        f = out.get(name)
        differs = _value(out, name) != _value(alt, name)
        if f is not None and (differs or name == "issuer") and READINGS_DISAGREE not in f.flags:
            f.flags.append(READINGS_DISAGREE)


def _value(out: HeaderResult, name: str) -> str | None:
    f = out.get(name)
    return fold(str(f.value)) if f is not None and f.value else None


def _same(a: HeaderResult, b: HeaderResult) -> bool:
    """Whether two readings name the same bodies (marks aside: they fold away in the names'
    matching, and a closer reading's "DẦN" for "DÂN" is no disagreement)."""
    return all(_value(a, n) == _value(b, n) for n in _BODIES)


def _checks(out: HeaderResult, code: str | None) -> int:
    """What the reading's bodies fail of the checks (lower is better; none read: worst)."""
    if out.issuer is None or not out.issuer.value:
        return 100
    cost = 0
    for f in (out.parent_issuer, out.issuer):
        if f is not None:
            cost += _SUSPECT * (ISSUER_SUSPECT in f.flags) + _FUZZY * ("doubtful" in f.flags)
    return cost + _UNNAMED * (issuer_named(out, code) is False)


def _located(
    first: PageText, heading: PageText, alt: HeaderResult
) -> tuple[HeaderField | None, HeaderField] | None:
    """The second reading's parent and issuer placed on the first reading's text (the same
    place on the page: the first reading's words under the second's), with the second
    reading's text and confidence; None when a body's words have no counterpart."""
    placed: list[HeaderField | None] = []
    for name in _BODIES:
        f = alt.get(name)
        if f is None:
            placed.append(None)
            continue
        own = f.parts or [(f.start, f.end)]
        parts = [p for a, b in own if (p := _under(first, heading.words_in(a, b)))]
        if not parts:
            return None
        evidence = [p for a, b in f.evidence if (p := _under(first, heading.words_in(a, b)))]
        read = [w for a, b in [*own, *f.evidence] for w in heading.words_in(a, b)]
        placed.append(
            HeaderField(
                f.value,
                first.number,
                parts[0][0],
                parts[-1][1],
                flags=list(f.flags),
                confidence=min(w.conf for w in read) / 100,
                parts=parts,
                evidence=evidence,
                text="\n".join(heading.text[a:b] for a, b in own),
            )
        )
    parent, issuer = placed
    return (parent, issuer) if issuer is not None else None


def _under(page: PageText, words: list[Word]) -> tuple[int, int] | None:
    """The stretch of ``page``'s text whose words stand where ``words`` (of another reading
    of the same page) stand: their centres inside the others' box."""
    if not words:
        return None
    box = Box(
        x0=min(w.box.x0 for w in words),
        y0=min(w.box.y0 for w in words),
        x1=max(w.box.x1 for w in words),
        y1=max(w.box.y1 for w in words),
    )
    hit = [
        w
        for w in page.words
        if w.start is not None
        and box.x0 <= (w.box.x0 + w.box.x1) / 2 <= box.x1
        and box.y0 <= (w.box.y0 + w.box.y1) / 2 <= box.y1
    ]
    if not hit:
        return None
    return min(w.start for w in hit if w.start is not None), max(
        w.start + len(w.text) for w in hit if w.start is not None
    )
