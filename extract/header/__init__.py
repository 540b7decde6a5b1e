"""The document header prescribed by Nghị định 30/2020/NĐ-CP.

Top left: parent body and issuer, then ``Số: 16/BC-HKH``; top right: the national
motto and ``Sơn La, ngày 30 tháng 5 năm 2025``; centred: the type (BÁO CÁO) and
the trích yếu; at the end: nơi nhận on the left, the signature block on the right.

Parts: :mod:`.lines` (the :class:`Line` record and shared patterns), :mod:`.top`
(number, date, place), :mod:`.issuer`, :mod:`.heading` (the issuer from the better of the
heading block's two readings), :mod:`.title`, :mod:`.digits` (handwritten
number and day), :mod:`.signature`, :mod:`.names` (signer plausibility), :mod:`.checks`
(fields that must agree); the result is a :class:`HeaderResult`.
"""

from __future__ import annotations

from extract.header.checks import cross_check
from extract.header.digits import hand_digits
from extract.header.fields import HeaderField, HeaderResult
from extract.header.heading import second_reading
from extract.header.issuer import normal_case
from extract.header.lines import Line, page_lines
from extract.header.signature import read_signature
from extract.header.title import consensus_marks, settle_marks
from extract.header.top import read_top
from extract.text import PageText

__all__ = [
    "HeaderField",
    "HeaderResult",
    "Line",
    "consensus_marks",
    "find_header",
    "normal_case",
]


def find_header(pages: list[PageText], signed_on: str | None = None) -> HeaderResult:
    """Header fields of a document from its first page and its signature page.

    ``signed_on`` (ISO date of the first digital signature, if any) bounds the issue date:
    a document is signed on or after the day it is dated.
    """
    out = HeaderResult()
    if not pages:
        return out
    first = next((p for p in pages if p.text.strip()), pages[0])
    read_top(first, page_lines(first)[:40], out)
    second_reading(first, out)
    hand_digits(first, out, signed_on)
    read_signature(pages, out)
    if out.title is not None:
        settle_marks(out.title, pages)
    cross_check(out, signed_on is not None or _scanned(pages, out))
    return out


def _scanned(pages: list[PageText], out: HeaderResult) -> bool:
    """Whether the signature block was read from a scan (OCR words), not a draft's text."""
    title = out.signer_title
    return title is not None and any(p.number == title.page and p.words for p in pages)
