"""The typed result of the header reader: one :class:`HeaderField` per header value."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class HeaderField:
    """A header value with where it was read from and any doubts about it."""

    value: str | list[str] | None
    page: int
    start: int
    end: int
    precision: str | None = None
    flags: list[str] = field(default_factory=list)
    symbol: str | None = None  # for the number: the symbol part read, sure even when digits aren't
    confidence: float | None = None  # when not the OCR words': the handwriting reading's
    # The stretches of text the value is made of, when it spans lines that hold other text
    # too (a two-column header: the issuer's lines beside the national motto; the signer's
    # title beside the "Nơi nhận" list); empty: [start, end) is the value.
    parts: list[tuple[int, int]] = field(default_factory=list)
    # Text the value was read against beside its own (the other body of the issuer block:
    # where the parent ends and the issuer begins is one reading of both): its words' OCR
    # doubt is the value's doubt too, though they are not the value's spans.
    evidence: list[tuple[int, int]] = field(default_factory=list)
    # The value's text as read, when not the page text's at its spans: a second reading of
    # the heading block (``extract.header.heading``) read it; the spans still say where.
    text: str | None = None


@dataclass
class HeaderResult:
    """The header fields of one document; a field the page does not show stays ``None``."""

    issuer: HeaderField | None = None
    parent_issuer: HeaderField | None = None
    number: HeaderField | None = None
    doc_type: HeaderField | None = None
    date: HeaderField | None = None
    place: HeaderField | None = None
    title: HeaderField | None = None
    signer: HeaderField | None = None
    signer_title: HeaderField | None = None
    recipients: HeaderField | None = None
    # fields whose line the page shows but whose value was not read ("Số: 1337 7C1-5N", a
    # seal over the symbol): left empty, they are flagged ``missing``, not silently absent
    unread: list[str] = field(default_factory=list)

    def get(self, name: str) -> HeaderField | None:
        """The field by name (``None`` when absent or unknown): the record builds by name."""
        return getattr(self, name, None) if name in self.names() else None

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls) if f.name != "unread")
