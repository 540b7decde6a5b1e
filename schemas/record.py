"""The extracted record: what ``sohoa extract`` prints and other systems consume.

Bump :data:`SCHEMA_VERSION` on any change to the flat keys; adding optional
detail is a minor bump, renaming or removing a key a major one.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.document import Source, Span

_REVIEW = "a person should check it: flagged, or read with low confidence (extract.review)"

SCHEMA_VERSION = "1.2"


class FieldDetail(BaseModel):
    """Provenance of one header field: the text as written and where it stands."""

    text: str = ""
    spans: list[Span] = Field(default_factory=list)
    confidence: float | None = None
    precision: str | None = Field(default=None, description="for dates: day | month | year")
    flags: list[str] = Field(default_factory=list, description="e.g. 'uncertain_digits'")
    needs_review: bool = Field(default=False, description=_REVIEW)


class DocHeader(BaseModel):
    """Header components per Nghị định 30/2020/NĐ-CP. ``date`` is ISO or ``YYYY-MM``."""

    issuer: str | None = None
    parent_issuer: str | None = None
    number: str | None = None
    doc_type: str | None = None
    date: str | None = None
    place: str | None = None
    title: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = Field(default_factory=list)
    detail: dict[str, FieldDetail] = Field(
        default_factory=dict, description="per-field provenance, keyed by field name"
    )


# The header's single values, in reading order: what a person may correct or confirm, what
# the review queue lists, what the extractor fills (with the recipients list besides).
HEADER_VALUE_FIELDS: tuple[str, ...] = tuple(
    name for name in DocHeader.model_fields if name not in ("recipients", "detail")
)


class Citation(BaseModel):
    """A document cited in the text, under its canonical key (``677/QĐ-TTg``)."""

    key: str
    type: str | None = None
    number: str | None = None
    year: int | None = None
    issuer_code: str | None = None
    date: str | None = None
    partial: bool = False
    text: str = Field(default="", description="as written in the document")
    spans: list[Span] = Field(default_factory=list)
    confidence: float | None = None
    flags: list[str] = Field(
        default_factory=list, description="e.g. 'key_repaired', 'unknown_code', 'law_fuzzy'"
    )
    needs_review: bool = Field(default=False, description=_REVIEW)
    aliases: list[str] = Field(
        default_factory=list,
        description="other keys of the same document, e.g. a law's number '31/2024/QH15'",
    )


class DateMention(BaseModel):
    """A date in the text with its precision (day, month or year)."""

    value: str
    precision: str = "day"
    text: str = ""
    end: str | None = Field(default=None, description="end of a range, ISO")
    spans: list[Span] = Field(default_factory=list)
    needs_review: bool = Field(default=False, description=_REVIEW)


class Amount(BaseModel):
    """A sum of money, as an integer number of đồng."""

    vnd: int
    text: str = ""
    words: str | None = Field(default=None, description="the amount in words, when given")
    checked: bool | None = Field(default=None, description="digits agree with words")
    measure: str = Field(default="total", description="total | change | target, as for counts")
    spans: list[Span] = Field(default_factory=list)
    needs_review: bool = Field(default=False, description=_REVIEW)


class Count(BaseModel):
    """A number with the unit noun it counts, or a percentage (``unit='%'``)."""

    value: float | int
    unit: str
    text: str = ""
    of: float | int | None = Field(default=None, description="denominator of a ratio")
    ambiguous: bool = False
    measure: str = Field(
        default="total",
        description="total | change (tăng, thêm, mới) | target (phấn đấu, chỉ tiêu): "
        "only like quantities add up",
    )
    spans: list[Span] = Field(default_factory=list)
    needs_review: bool = Field(default=False, description=_REVIEW)


class Entity(BaseModel):
    """A named entity (ORG, PER, LOC ...) found by the spaCy pipeline."""

    label: str
    text: str
    norm: str | None = None
    spans: list[Span] = Field(default_factory=list)


class RecordWarning(BaseModel):
    """Something the user should know about the record (damaged page, doubtful value)."""

    code: str
    message: str
    page: int | None = None


class Signature(BaseModel):
    """Who signed the file digitally and when: from the signature stamp or the PDF's
    signature dictionary; document metadata, never part of the body text."""

    signer: str | None = None
    organisation: str | None = None
    email: str | None = None
    signed_at: str | None = Field(default=None, description="ISO date-time of the (first) signing")
    times: list[str] = Field(default_factory=list, description="every signing time found")
    reason: str | None = None
    location: str | None = None
    source: str = Field(default="stamp", description="stamp | pdf_signature")


class Provenance(BaseModel):
    """Which versions of which stages produced the record."""

    pipeline_version: str = ""
    extractor_version: str = ""
    ocr_engine: str | None = None
    repair_model: str | None = None
    page_routes: list[str] = Field(default_factory=list)


class Record(BaseModel):
    """The structured record of one document."""

    schema_version: str = SCHEMA_VERSION
    source: Source
    doc: DocHeader = Field(default_factory=DocHeader)
    citations: list[Citation] = Field(default_factory=list)
    dates: list[str] = Field(default_factory=list)
    date_details: list[DateMention] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    counts: list[Count] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    warnings: list[RecordWarning] = Field(default_factory=list)
    signatures: list[Signature] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)
