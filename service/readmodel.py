"""One typed view of a stored document: its Record (corrections applied), pages and copies.

The UI, the API, the review queue, the figures and the exports all read stored documents
through :func:`read` / :func:`read_many`, never the raw JSON: a value confirmed or corrected
by a person, or a file that is only another copy of a document, then looks the same
everywhere. A document's pages (one row a page, migration 0020) are read here too, and only
when asked for (:func:`page_infos`, :func:`pages_of`, ``read(..., pages=...)``): a listing
never loads OCR words. Confirmation marks live beside the record (``confirmed``), keyed by the ref
ids the pages and the queue use (``doc.date``, ``cit.0``, ``amt.1`` ...).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas import HEADER_VALUE_FIELDS, Page, Record
from service.storage.models import DocumentPageRow, DocumentRow, RescanRow
from service.storage.repo import VALUE_REFS

log = logging.getLogger(__name__)

HEADER_FIELDS = HEADER_VALUE_FIELDS


@dataclass
class StoredDocument:
    """A stored document as every reader sees it."""

    id: int
    filename: str
    kind: str  # scanned | born_digital | mixed | text
    pages: int
    record: Record
    pages_info: list[dict] = field(default_factory=list)  # empty unless read with its pages
    copy_of: int | None = None  # the listed copy of this document, when this is another
    confirmed: dict[str, str] = field(default_factory=dict)  # ref id -> who confirmed/corrected

    @property
    def number(self) -> str | None:
        return self.record.doc.number

    @property
    def date(self) -> str | None:
        return self.record.doc.date

    @property
    def doc_type(self) -> str | None:
        return self.record.doc.doc_type


def ref_value(record: Record, ref: str) -> str | None:
    """The value a ref id stands for, as a person confirms it: a header field's text, a
    citation's key, an amount's đồng, a count's number and unit, a date. None when the
    record has no such value (a re-extraction moved it)."""
    prefix, _, rest = ref.partition(".")
    if prefix == "doc":
        value = getattr(record.doc, rest, None) if rest in HEADER_FIELDS else None
        return value if isinstance(value, str) else None
    if prefix not in VALUE_REFS or not rest.isdigit():
        return None
    i = int(rest)
    by_prefix: dict[str, Sequence[Any]] = {
        "cit": record.citations,
        "date": record.date_details,
        "amt": record.amounts,
        "cnt": record.counts,
    }
    items = by_prefix[prefix]
    if i >= len(items):
        return None
    item = items[i]
    if prefix == "cit":
        return item.key
    if prefix == "date":
        return item.value
    if prefix == "amt":
        return str(item.vnd)
    return f"{_plain(item.value)} {item.unit}"


def _plain(v: float | int) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _confirmations(raw: dict, record: Record) -> dict[str, str]:
    """Header fields corrected or confirmed (marked in the stored detail), and other values
    confirmed while they still hold the confirmed value."""
    out: dict[str, str] = {}
    detail = (raw.get("doc") or {}).get("detail") or {}
    for name, d in detail.items():
        if isinstance(d, dict) and d.get("corrected_by"):
            out[f"doc.{name}"] = d["corrected_by"]
    for ref, mark in (raw.get("confirmed") or {}).items():
        if isinstance(mark, dict) and ref_value(record, ref) == mark.get("value"):
            out[ref] = mark.get("by") or ""
    return out


def read(
    row: DocumentRow,
    copy_of: int | None = None,
    pages: list[dict] | None = None,
    record: Record | None = None,
) -> StoredDocument | None:
    """The typed view of one stored row, with ``pages`` (:func:`page_infos`) when the
    reader needs them (boxes on page images); None (logged) for a record that no longer
    validates, so that one damaged row never breaks a page listing many.

    ``record``: the row's record already typed, when the caller has just written the row
    from it unchanged (a new document: no correction overlaid). Validating the stored JSON
    again would hold a second copy of every span and box at once: ~10 MB on a 288-page
    scan, the peak of storing it (issue #22). Such a row holds no confirmation either, and
    its stored JSON is not read back at all."""
    confirmed: dict[str, str] = {}
    if record is None:
        raw = row.record or {}
        try:
            record = Record.model_validate(raw)
        except ValidationError as e:
            log.warning("document %s: stored record does not validate: %s", row.id, e)
            return None
        confirmed = _confirmations(raw, record)
    return StoredDocument(
        id=row.id,
        filename=row.filename,
        kind=row.kind,
        pages=row.pages,
        record=record,
        pages_info=list(pages or []),
        copy_of=copy_of,
        confirmed=confirmed,
    )


def copy_links(s: Session, ids: Iterable[int] | None = None) -> dict[int, int]:
    """document id -> the id of the copy listed for it, for documents that are copies."""
    stmt = select(RescanRow.document_id, RescanRow.original_id)
    if ids is not None:
        stmt = stmt.where(RescanRow.document_id.in_(list(ids)))
    return {doc: head for doc, head in s.execute(stmt).all()}


def read_many(s: Session, rows: Iterable[DocumentRow], pages: bool = False) -> list[StoredDocument]:
    """The typed views of rows, copies marked (one query for the links), with their pages
    when ``pages`` (one query for them all)."""
    rows = list(rows)
    ids = [r.id for r in rows]
    links = copy_links(s, ids)
    infos = page_infos_many(s, ids) if pages else {}
    out = [read(r, links.get(r.id), infos.get(r.id)) for r in rows]
    return [d for d in out if d is not None]


def iter_page_infos(s: Session, doc_id: int) -> Iterator[dict]:
    """A document's stored pages in order (all but their text: route, size, OCR words and
    boxes, repairs), fetched a few rows at a time."""
    stmt = (
        select(DocumentPageRow.data)
        .where(DocumentPageRow.document_id == doc_id)
        .order_by(DocumentPageRow.number)
        .execution_options(yield_per=16)
    )
    yield from s.scalars(stmt)


def page_infos(s: Session, doc_id: int) -> list[dict]:
    """A document's stored pages in order: what the API's ``pages_info`` shows."""
    return list(iter_page_infos(s, doc_id))


def page_infos_many(s: Session, ids: Iterable[int]) -> dict[int, list[dict]]:
    """The stored pages of several documents, in page order, in one query."""
    ids = list(ids)
    out: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    stmt = (
        select(DocumentPageRow.document_id, DocumentPageRow.data)
        .where(DocumentPageRow.document_id.in_(ids))
        .order_by(DocumentPageRow.document_id, DocumentPageRow.number)
    )
    for doc_id, data in s.execute(stmt):
        out[doc_id].append(data)
    return out


def pages_of(s: Session, row: DocumentRow) -> list[Page]:
    """The stored pages with their text (the document's text, split at form feeds), as
    the OCR stage made them: what a searchable PDF's text layer needs."""
    texts = row.text.split("\f")
    return [
        Page.model_validate({**info, "text": texts[i] if i < len(texts) else ""})
        for i, info in enumerate(iter_page_infos(s, row.id))
    ]


def copies_of(s: Session, doc_id: int) -> list[DocumentRow]:
    """Every other file of the same logical document, the listed one first."""
    up = s.get(RescanRow, doc_id)
    head = up.original_id if up else doc_id
    ids = [head, *s.scalars(select(RescanRow.document_id).where(RescanRow.original_id == head))]
    rows = {r.id: r for r in s.scalars(select(DocumentRow).where(DocumentRow.id.in_(ids)))}
    return [rows[i] for i in ids if i != doc_id and i in rows]
