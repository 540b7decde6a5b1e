"""Shared data types of the pipeline.

Every stage is a set of pure functions over these types; nothing here imports
another layer. The flat keys of :class:`Record` (``doc.number``, ``doc.date``,
``citations[].key``, ``dates[]``, ``amounts[].vnd`` ...) are the stable surface
other systems read; detail (spans, boxes, confidence, text as written) sits
beside them, never instead of them.
"""

from schemas.document import (
    Box,
    DigitAlternative,
    DigitReading,
    Document,
    HeadingReading,
    LineReading,
    Page,
    PageKind,
    PageRoute,
    RepairDoubt,
    RepairEdit,
    Source,
    SourceKind,
    Span,
    Word,
)
from schemas.errors import ErrorKind, ExitCode, SohoaError
from schemas.limits import Limits
from schemas.record import (
    HEADER_VALUE_FIELDS,
    SCHEMA_VERSION,
    Amount,
    Citation,
    Count,
    DateMention,
    DocHeader,
    Entity,
    FieldDetail,
    Provenance,
    Record,
    RecordWarning,
    Signature,
)

__all__ = [
    "HEADER_VALUE_FIELDS",
    "SCHEMA_VERSION",
    "Amount",
    "Box",
    "Citation",
    "Count",
    "DateMention",
    "DigitAlternative",
    "DigitReading",
    "DocHeader",
    "Document",
    "Entity",
    "ErrorKind",
    "ExitCode",
    "FieldDetail",
    "HeadingReading",
    "Limits",
    "LineReading",
    "Page",
    "PageKind",
    "PageRoute",
    "Provenance",
    "Record",
    "RecordWarning",
    "RepairDoubt",
    "RepairEdit",
    "Signature",
    "SohoaError",
    "Source",
    "SourceKind",
    "Span",
    "Word",
]
