"""Cross-checks between header fields: values read apart that must agree.

Each field is read from its own place on the page, so one misreading leaves the others
intact: the type heading (TỜ TRÌNH) names the type the number's symbol carries (``TTr``),
and a number with a year (``12/2024/QĐ-UBND``) is signed in that year. When two fields
disagree one of them is wrong and which is not known, so both are flagged
``fields_disagree`` for review; nothing is changed.
"""

from __future__ import annotations

import logging

from extract.header.fields import HeaderField, HeaderResult
from normalize.fold import fold
from normalize.keys import TYPE_CODES, parse_key

__all__ = ["FIELDS_DISAGREE", "cross_check"]

log = logging.getLogger(__name__)

FIELDS_DISAGREE = "fields_disagree"


def cross_check(out: HeaderResult) -> None:
    """Flag header fields that contradict one another (see the module's doc)."""
    number = out.number
    if number is None:
        return
    parts = parse_key(str(number.value)) if number.value else None
    if parts is None and number.symbol:
        parts = parse_key(f"1/{number.symbol}")
    if parts is None:
        return
    kind = out.doc_type
    named = TYPE_CODES.get(parts.type_code or "")
    if kind is not None and named and fold(named) != fold(str(kind.value)):
        _disagree(number, kind)
    date = out.date
    year = str(date.value)[:4] if date is not None else ""
    if date is not None and parts.year and year.isdigit() and int(year) != parts.year:
        _disagree(number, date)


def _disagree(*fields: HeaderField) -> None:
    for f in fields:
        if FIELDS_DISAGREE not in f.flags:
            f.flags.append(FIELDS_DISAGREE)
    log.info("header fields disagree: %s", ", ".join(repr(f.value) for f in fields))
