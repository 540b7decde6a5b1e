"""CSV and NDJSON feeds of documents, citations and figures, shared by CLI and API.

CSV starts with a UTF-8 BOM so that Excel shows Vietnamese correctly, and its text cells
are neutralised (no formulas, no control characters: safetext.csv_cell); NDJSON is as stored.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from sqlalchemy import select

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
        "text",
        "page",
    ],
}


def _figure(
    base: dict, head: dict, kind: str, value: object, unit: object, of: object, item: dict
) -> dict:
    page = (item.get("spans") or [{}])[0].get("page")
    return {
        **base,
        "document_date": head.get("date"),
        "kind": kind,
        "value": value,
        "unit": unit,
        "of": of,
        "text": item.get("text"),
        "page": page,
    }


def _doc_rows(doc: DocumentRow) -> dict[str, list[dict]]:
    rec = doc.record or {}
    head = rec.get("doc") or {}
    base = {"document_id": doc.id, "document_number": head.get("number")}
    documents = [
        {
            "id": doc.id,
            "sha256": doc.sha256,
            "filename": doc.filename,
            **{k: head.get(k) for k in _COLUMNS["documents"][3:13]},
            "key": doc.doc_key,
            "pages": doc.pages,
            "kind": doc.kind,
        }
    ]
    citations = [
        {**base, **{k: c.get(k) for k in _COLUMNS["citations"][2:]}}
        for c in rec.get("citations", [])
    ]
    figures = [
        _figure(base, head, "amount", a.get("vnd"), "VND", None, a) for a in rec.get("amounts", [])
    ] + [
        _figure(base, head, "count", c.get("value"), c.get("unit"), c.get("of"), c)
        for c in rec.get("counts", [])
    ]
    return {"documents": documents, "citations": citations, "figures": figures}


def rows(db: Database, kind: str) -> Iterator[dict]:
    """Rows of one feed, document by document (streams; never loads the whole archive)."""
    if kind not in KINDS:
        raise ValueError(f"unknown export {kind!r}; one of {', '.join(KINDS)}")
    with db.session() as s:
        for doc in s.scalars(
            select(DocumentRow).order_by(DocumentRow.id).execution_options(yield_per=200)
        ):
            yield from _doc_rows(doc)[kind]


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
