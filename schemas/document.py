"""A document as the early stages see it: its source and its pages of text."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field
from pydantic.dataclasses import dataclass


class SourceKind(StrEnum):
    """How the document's text came to be; decided per page, summarised here."""

    SCANNED = "scanned"
    BORN_DIGITAL = "born_digital"
    MIXED = "mixed"
    TEXT = "text"


class PageRoute(StrEnum):
    """Which way a page's text was obtained, recorded so users can see why."""

    TEXT_LAYER = "text_layer"  # the PDF's own text is the page content
    OCR = "ocr"  # no usable text layer: the page image was OCRed
    CONVERTED = "converted"  # legacy font encoding (TCVN3/VNI) converted to Unicode
    TEXT_FILE = "text_file"  # a plain-text source file


class PageKind(StrEnum):
    """What a page holds. Blank and seal-only pages are kinds, not errors."""

    CONTENT = "content"
    BLANK = "blank"
    SEAL_ONLY = "seal_only"


# Box and Span are slotted dataclasses, not models: a long document's record holds one Span
# (and mostly one Box) per mention of an entity, citation or date on every page (~8,300 at
# 288 scanned pages), and a model instance carries a dict and a set of the fields it was
# given: ~1.7 KB a span with its box, against ~0.37 KB here (issue #22). Validation,
# serialisation and the JSON schema are pydantic's, the same as a model's.
@dataclass(slots=True)
class Box:
    """A rectangle in page-image pixels at the page's ``dpi`` (origin top-left)."""

    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(slots=True)
class Span:
    """Where a value stands: 1-based page, character offsets into that page's NFC text."""

    page: int
    start: int
    end: int
    box: Box | None = None
    confidence: float | None = None


class Word(BaseModel):
    """One OCR word with its box and Tesseract confidence (0-100)."""

    text: str
    box: Box
    conf: float
    block: int = 0
    line: int = 0
    start: int | None = Field(default=None, description="offset of the word in the page text")


class RepairEdit(BaseModel):
    """A stretch of page text changed by diacritic repair: what was there before."""

    start: int
    end: int
    original: str


class RepairDoubt(BaseModel):
    """A word of repaired text whose reading the repair was unsure of: the posterior of the
    reading kept (changed or not), so that values read over it are checked, not trusted."""

    start: int
    end: int
    p: float


class DigitAlternative(BaseModel):
    """One reading of handwritten digits and its probability."""

    text: str
    p: float


class DigitReading(BaseModel):
    """Handwritten digits of a header blank (number or day), re-read by the digit classifier.

    Kept apart from the page text, which stays what Tesseract read: the extractor weighs
    these readings against what else it knows and says which one it used.
    """

    field: str = Field(description="'number' (Số: __/…) or 'day' (ngày __ tháng)")
    text: str
    confidence: float = Field(description="probability of the best reading")
    alternatives: list[DigitAlternative] = Field(default_factory=list)
    box: Box
    model: str


class LineReading(BaseModel):
    """A line read again on its own (Tesseract's single-line mode on a tight crop with red
    ink faded): a bold name under a seal keeps marks the page reading lost ("Tuẫn" at 39 on
    the page, "Tuấn" at 94 alone), an italic key its digits ("373/TTr-SNY" at 40, "573/TTr-SNV"
    at 69). Kept apart from the page text, which stays the page reading: the extractor
    weighs the two."""

    box: Box = Field(description="the line as the page reading placed it")
    words: list[Word] = Field(description="the words read again, boxes in page pixels")
    model: str


class HeadingReading(BaseModel):
    """A second reading of a first page's heading block (issuer, parent, "Số:" line) at a
    higher resolution than the page's, kept apart from the page's text: the extractor
    weighs the two readings and says which one it used."""

    box: Box = Field(description="the block read, in the page's pixels")
    dpi: int = Field(description="the resolution the block was read at")
    text: str = ""
    words: list[Word] = Field(
        default_factory=list, description="in the page's pixels; offsets into this text"
    )


class Page(BaseModel):
    """One page's text and how it was obtained."""

    number: int
    text: str = ""
    route: PageRoute
    route_reason: str = ""
    kind: PageKind = PageKind.CONTENT
    width: int | None = None
    height: int | None = None
    dpi: int | None = None
    words: list[Word] = Field(default_factory=list)
    confidence: float | None = None
    original_text: str | None = Field(
        default=None, description="text before repair, when repair changed it"
    )
    repairs: list[RepairEdit] = Field(default_factory=list)
    repair_doubts: list[RepairDoubt] = Field(
        default_factory=list, description="repaired words whose reading is in doubt"
    )
    stamp_text: str | None = Field(
        default=None, description="digital-signature stamp text found on the page, kept apart"
    )
    hand_digits: list[DigitReading] = Field(
        default_factory=list, description="handwritten header digits re-read from the image"
    )
    line_readings: list[LineReading] = Field(
        default_factory=list, description="name lines and unsure key lines re-read on their own"
    )
    heading: HeadingReading | None = Field(
        default=None, description="the heading block read again at a higher resolution"
    )


class Source(BaseModel):
    """The file a document came from, identified by content."""

    file: str
    sha256: str
    pages: int
    kind: SourceKind
    mime: str = ""
    size: int = 0


class Document(BaseModel):
    """A document after ingest (+ OCR + normalize): the input of extraction."""

    source: Source
    pages: list[Page]
    metadata: dict[str, str] = Field(default_factory=dict)

    @property
    def text(self) -> str:
        """All page texts, pages separated by a form feed."""
        return "\f".join(p.text for p in self.pages)
