"""The change feed: what happened to which document, in cursor order, for other systems.

Each change of a document (created, updated = re-extracted, corrected, deleted) appends one
event in the transaction that makes the change, so the feed never shows a change that was
rolled back nor misses one that was committed. The event id is the cursor: a consumer asks
for events after the last id it has seen and applies them in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from service.storage.models import ChangeEventRow, DocumentRow, RescanRow

ACTIONS = ("created", "updated", "corrected", "deleted")


def record(s: Session, doc: DocumentRow, action: str, detail: dict | None = None) -> None:
    """Append an event for ``doc`` to the current transaction.

    On PostgreSQL ids come from a sequence at insert time while transactions commit in any
    order, so a reader could see id 8 before id 7 commits and skip 7 forever. The lock
    serialises event writers until commit; SQLite already has a single writer."""
    if action not in ACTIONS:
        raise ValueError(f"unknown change {action!r}")
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("LOCK TABLE change_events IN SHARE ROW EXCLUSIVE MODE"))
    s.add(ChangeEventRow(document_id=doc.id, sha256=doc.sha256, action=action, detail=detail))


def document_state(doc: DocumentRow) -> dict[str, Any]:
    """What a consumer needs to mirror a document: the record's flat keys and the text."""
    return {
        "id": doc.id,
        "sha256": doc.sha256,
        "file": doc.filename,
        "number": doc.number,
        "doc_key": doc.doc_key,
        "doc_type": doc.doc_type,
        "date": doc.doc_date,
        "issuer": doc.issuer,
        "title": doc.title,
        "pages": doc.pages,
        "pipeline_version": doc.pipeline_version,
        "updated_at": doc.updated_at.isoformat() if doc.updated_at else None,
        "record": doc.record,
    }


def changes(s: Session, since: int = 0, limit: int = 100) -> tuple[list[dict], int]:
    """Events after cursor ``since`` (oldest first) and the cursor to ask from next.

    A non-deleted event carries the document's current state (not its state at the time of
    the event): a consumer that applies events in order ends equal to the archive.
    ``rescan_of`` names the document it is another scan of (to list the group once)."""
    limit = max(1, min(limit, 1000))
    rows = list(
        s.scalars(
            select(ChangeEventRow)
            .where(ChangeEventRow.id > since)
            .order_by(ChangeEventRow.id)
            .limit(limit)
        )
    )
    docs = {
        d.id: d
        for d in s.scalars(
            select(DocumentRow).where(DocumentRow.id.in_({r.document_id for r in rows}))
        )
    }
    links = dict(
        s.execute(
            select(RescanRow.document_id, RescanRow.original_id).where(
                RescanRow.document_id.in_(docs)
            )
        ).all()
    )
    out = []
    for r in rows:
        event = {
            "cursor": r.id,
            "action": r.action,
            "document_id": r.document_id,
            "sha256": r.sha256,
            "at": r.at.isoformat(),
            "detail": r.detail,
        }
        doc = docs.get(r.document_id)
        live = doc if doc is not None and doc.sha256 == r.sha256 and r.action != "deleted" else None
        event["document"] = (
            {**document_state(live), "rescan_of": links.get(live.id)} if live else None
        )
        out.append(event)
    return out, rows[-1].id if rows else since


def iter_changes(s: Session, since: int = 0, page: int = 500) -> Iterator[dict]:
    """Every event after ``since``, read page by page."""
    while True:
        events, since = changes(s, since, page)
        yield from events
        if len(events) < page:
            return
