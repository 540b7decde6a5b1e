"""One way from a pipeline's result to the archive, for every caller (batches, reprocess,
trash restore): the document row with its citations (``storage.repo``), what derives from
it (rescan link, review items, change-feed event: :func:`save_document`), whatever the
caller records in the same transaction, then the repair's learning from clean new text.

It sits above ``service/storage/``, which only reads and writes tables: the derived rows
need the rescan test, the review rule and the read model, which sit above storage too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from extract.header import numbering
from normalize import codes, repair
from schemas import Document, PageRoute, Record
from service import PIPELINE_VERSION, feed, rescans, review
from service.storage import repo
from service.storage.db import Database
from service.storage.models import DocumentRow

log = logging.getLogger(__name__)

Within = Callable[[Session, DocumentRow, bool], None]  # (session, row, created)


@dataclass
class Stored:
    document_id: int
    created: bool


def store(
    db: Database,
    filename: str,
    document: Document,
    record: Record,
    models_dir: Path,
    within: Within | None = None,
    pages: Iterable[dict] | None = None,
) -> Stored:
    """Insert (or re-extract) a document and run ``within`` in the same transaction.
    ``pages``: the pages' stored form when the pipeline has it (read from its page spool).

    Two runners storing the same content at once: the second insert fails on the unique
    sha256 and is retried, finding the first one's row (``created`` False).
    """
    try:
        stored = _save(db, filename, document, record, within, pages)
    except IntegrityError:
        stored = _save(db, filename, document, record, within, pages)
    if stored.created and is_clean_text(document):
        repair.learn_clean_text(models_dir, document.text)
        codes.learn_archive_codes(models_dir, sure_keys(record), source=identity(document, record))
    learn_sure_number(models_dir, record)
    log.info("stored %s as document %d", filename, stored.document_id)
    return stored


def learn_sure_number(models_dir: Path, record: Record) -> None:
    """Keep the document's number and day in the archive's numbering of its issuer's series
    (:mod:`extract.header.numbering`) when neither needs review: the next handwritten
    number of that series is read within what they allow."""
    doc = record.doc
    if not (doc.number and doc.date and len(doc.date) >= 10 and doc.issuer):
        return
    if any(d.needs_review for d in (doc.detail.get("number"), doc.detail.get("date")) if d):
        return
    numbering.learn_number(models_dir, doc.number, doc.issuer, doc.date)


def _save(
    db: Database,
    filename: str,
    document: Document,
    record: Record,
    within: Within | None,
    pages: Iterable[dict] | None,
) -> Stored:
    with db.session() as s:
        row, created = save_document(s, filename, document, record, PIPELINE_VERSION, pages)
        if within is not None:
            within(s, row, created)
        return Stored(row.id, created)


def save_document(
    s: Session,
    filename: str,
    document: Document,
    record: Record,
    pipeline_version: str,
    pages: Iterable[dict] | None = None,
) -> tuple[DocumentRow, bool]:
    """Insert or re-extract a document by sha256 (corrections re-applied), link a new one
    to the document it rescans, refresh its review items and append its change event;
    returns (row, created). For callers that hold a session (a package import): others
    call :func:`store`."""
    row, created = repo.write_document(s, filename, document, record, pipeline_version, pages)
    if created:
        rescans.link(s, row)
    # A new document's row holds the record as dumped (no correction to overlay): its items
    # are read from the record in hand rather than from a second, re-validated copy of it.
    review.refresh(s, row, record if created else None)
    feed.record(s, row, "created" if created else "updated")
    return row, created


def is_clean_text(document: Document) -> bool:
    """Born-digital or clean text teaches the in-domain repair model; OCR text does not."""
    pages = document.pages
    return bool(pages) and all(
        p.route in (PageRoute.TEXT_LAYER, PageRoute.TEXT_FILE) and not p.repairs for p in pages
    )


def identity(document: Document, record: Record) -> str:
    """Which document taught a code: its own number and date when it has both (a .txt and a
    PDF of one document are one piece of evidence), else its content's sha256."""
    if record.doc.number and record.doc.date:
        return f"{record.doc.number}@{record.doc.date}"
    return document.source.sha256


def sure_keys(record: Record) -> list[str]:
    """A clean document's own number and the citations nobody needs to check: the codes
    they use are valid, however rare, and the key repair must leave them alone."""
    keys = [record.doc.number] if record.doc.number else []
    return keys + [c.key for c in record.citations if not c.needs_review and c.number]
