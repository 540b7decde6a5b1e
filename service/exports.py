"""CSV and NDJSON feeds of documents, citations and figures, shared by CLI and API.

CSV starts with a UTF-8 BOM so that Excel shows Vietnamese correctly, and its text cells
are neutralised (no formulas, no control characters: safetext.csv_cell); NDJSON is as stored.
Figures come from service.figures, the extractor the UI uses: money in đồng, units as the
lexicon spells them, each figure's measure, and ``copy_of`` for another copy's figures.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import select

from service import readmodel
from service.figures import figures_of
from service.readmodel import StoredDocument
from service.safetext import csv_cell
from service.storage.db import Database
from service.storage.models import DocumentRow

KINDS = ("documents", "citations", "figures")

_COLUMNS = {
    "documents": [
        "id",
        "sha256",
        "filename",
        "number",
        "key",
        "doc_type",
        "date",
        "issuer",
        "parent_issuer",
        "place",
        "title",
        "signer",
        "signer_title",
        "pages",
        "kind",
        "copy_of",
    ],
    "citations": [
        "document_id",
        "document_number",
        "key",
        "type",
        "number",
        "year",
        "issuer_code",
        "date",
        "partial",
        "text",
    ],
    "figures": [
        "document_id",
        "document_number",
        "document_date",
        "kind",
        "value",
        "unit",
        "of",
        "measure",
        "text",
        "page",
        "copy_of",
    ],
}


def _doc_rows(doc: StoredDocument, row: DocumentRow) -> dict[str, list[dict]]:
    rec = doc.record
    head = rec.doc
    base = {"document_id": doc.id, "document_number": head.number}
    documents = [
        {
            "id": doc.id,
            "sha256": row.sha256,
            "filename": doc.filename,
            **{k: getattr(head, k) for k in _COLUMNS["documents"][3:13] if k != "key"},
            "key": row.doc_key,
            "pages": doc.pages,
            "kind": doc.kind,
            "copy_of": doc.copy_of,
        }
    ]
    citations = [
        {**base, **c.model_dump(mode="json", include=set(_COLUMNS["citations"][2:]))}
        for c in rec.citations
    ]
    figures = [
        {
            **base,
            "document_date": f.document_date,
            "kind": f.kind,
            "value": f.value,
            "unit": f.unit,
            "of": f.of,
            "measure": f.measure,
            "text": f.text,
            "page": f.page,
            "copy_of": f.copy_of,
        }
        for f in figures_of(doc)
    ]
    return {"documents": documents, "citations": citations, "figures": figures}


def rows(db: Database, kind: str) -> Iterator[dict]:
    """Rows of one feed, document by document (streams; never loads the whole archive).
    Every file is listed; a file that is another copy of a document names the copy
    listed for it in ``copy_of`` (its figures are not to be added to that one's)."""
    if kind not in KINDS:
        raise ValueError(f"unknown export {kind!r}; one of {', '.join(KINDS)}")
    with db.session() as s:
        links = readmodel.copy_links(s)
        for row in s.scalars(
            select(DocumentRow).order_by(DocumentRow.id).execution_options(yield_per=200)
        ):
            doc = readmodel.read(row, links.get(row.id))
            if doc is not None:
                yield from _doc_rows(doc, row)[kind]


def ndjson(db: Database, kind: str) -> Iterator[str]:
    for row in rows(db, kind):
        yield json.dumps(row, ensure_ascii=False) + "\n"


def csv_lines(db: Database, kind: str) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=_COLUMNS[kind], extrasaction="ignore")
    writer.writeheader()
    yield "\ufeff" + buf.getvalue()
    for row in rows(db, kind):
        buf.seek(0)
        buf.truncate()
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
        yield buf.getvalue()
