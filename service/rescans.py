"""Rescans: another scan of a document already in the archive is linked to it, not listed twice.

Two files are scans of one document when they carry the same số ký hiệu (canonical key),
the same date and the same issuer, and their texts agree once folded (OCR of two scans
never agrees letter for letter, so the text test is a similarity, not equality). The
later file points at the group's first document; search lists the group once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from normalize.fold import fold
from service.storage import repo
from service.storage.models import DocumentRow, RescanRow

# Similarity (0-100, rapidfuzz ratio of folded, space-collapsed text) above which two files
# with the same key, date and issuer are one document. Two OCR runs of scans of one page at
# ~5% character error still score ~90; different documents under one number score far lower.
MIN_SIMILARITY = 75.0
# Compared prefix of each text: the header and first paragraphs decide, and long documents
# stay cheap to compare.
COMPARED_CHARS = 6000


def _squash(text: str) -> str:
    return " ".join(fold(text).split())[:COMPARED_CHARS]


def similarity(a: str, b: str) -> float:
    """How alike two documents' texts are, 0-100, ignoring case, marks and spacing."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(_squash(a), _squash(b)))


def _same_issuer(a: str | None, b: str | None) -> bool:
    """Equal once folded, or one a word-aligned part of the other: OCR of a damaged header
    may keep only the end of the issuer line ("Sơn" of "Hội Khuyến học huyện Mai Sơn")."""
    if not a or not b:
        return True  # one header lost its issuer line: the text test decides
    x, y = (f" {' '.join(fold(v).lower().split())} " for v in (a, b))
    return x in y or y in x


def find_original(s: Session, doc: DocumentRow) -> tuple[DocumentRow, float] | None:
    """The archived document ``doc`` is another scan of, with the texts' similarity."""
    if not doc.doc_key or not doc.doc_date:
        return None
    candidates = s.scalars(
        select(DocumentRow)
        .where(
            DocumentRow.doc_key == doc.doc_key,
            DocumentRow.doc_date == doc.doc_date,
            DocumentRow.id != doc.id,
            DocumentRow.id.not_in(repo.hidden_ids()),
        )
        .order_by(DocumentRow.id)
    )
    best: tuple[DocumentRow, float] | None = None
    for cand in candidates:
        if not _same_issuer(cand.issuer, doc.issuer):
            continue
        score = similarity(cand.text, doc.text)
        if score >= MIN_SIMILARITY and (best is None or score > best[1]):
            best = (cand, score)
    return best


_KIND_RANK = {"born_digital": 0, "text": 1, "mixed": 2, "scanned": 3}


def quality_rank(doc: DocumentRow) -> int:
    """Which scan of a group to list (lower first): exact text with page images, then exact
    text, then OCR; text rebuilt by the diacritic repair last."""
    repaired = bool(((doc.record or {}).get("provenance") or {}).get("repair_model"))
    return 4 if repaired else _KIND_RANK.get(doc.kind, 3)


def link(s: Session, doc: DocumentRow) -> RescanRow | None:
    """Link a newly stored document to the one it rescans, if any (same transaction).
    A better copy than the group's listed one (see :func:`quality_rank`) becomes the listed
    one; the others then point at it."""
    found = find_original(s, doc)
    if found is None:
        return None
    head, score = found[0], round(found[1], 1)
    if quality_rank(doc) < quality_rank(head):
        for m in s.scalars(select(RescanRow).where(RescanRow.original_id == head.id)):
            m.original_id = doc.id
        row = RescanRow(document_id=head.id, original_id=doc.id, score=score)
    else:
        row = RescanRow(document_id=doc.id, original_id=head.id, score=score)
    s.add(row)
    s.flush()
    return row


def group(s: Session, doc: DocumentRow) -> dict:
    """The document's rescan links, for its detail view."""
    up = s.get(RescanRow, doc.id)
    original_id = up.original_id if up else doc.id
    members = s.scalars(
        select(RescanRow)
        .where(RescanRow.original_id == original_id)
        .order_by(RescanRow.document_id)
    )
    return {
        "rescan_of": up.original_id if up else None,
        "similarity": up.score if up else None,
        "rescans": [
            {"document_id": m.document_id, "similarity": m.score}
            for m in members
            if m.document_id != doc.id
        ],
    }


def unlink_group(s: Session, doc: DocumentRow) -> int | None:
    """Before deleting the group's original: its first rescan becomes the original.
    Returns the promoted document's id."""
    members = list(
        s.scalars(
            select(RescanRow).where(RescanRow.original_id == doc.id).order_by(RescanRow.document_id)
        )
    )
    if not members:
        return None
    head = members[0].document_id
    s.delete(members[0])
    for m in members[1:]:
        m.original_id = head
    s.flush()
    return head


def members(s: Session, original_ids: list[int]) -> dict[int, list[DocumentRow]]:
    """The other scans of each listed original (search shows them under it)."""
    out: dict[int, list[DocumentRow]] = {}
    if not original_ids:
        return out
    rows = s.execute(
        select(RescanRow.original_id, DocumentRow)
        .join(DocumentRow, DocumentRow.id == RescanRow.document_id)
        .where(RescanRow.original_id.in_(original_ids))
        .order_by(RescanRow.document_id)
    ).all()
    for original_id, doc in rows:
        out.setdefault(original_id, []).append(doc)
    return out
