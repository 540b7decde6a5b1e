"""Structured records from document text: header, citations, dates, money, counts, entities.

:func:`build_record` is a pure function of a :class:`schemas.Document`; every
value carries the page span it was read from (with OCR box and confidence when
the page has words) and the record names :data:`EXTRACTOR_VERSION`.
"""

from __future__ import annotations

from extract.record import EXTRACTOR_VERSION, build_record
from extract.text import PageSource

__all__ = ["EXTRACTOR_VERSION", "PageSource", "build_record"]
