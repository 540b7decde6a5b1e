"""Queries and writes over the tables: the archive's vocabulary, not raw SQL, for callers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Float, Integer, Select, func, or_, select, text
from sqlalchemy.orm import Session

from normalize.fold import fold
from normalize.keys import KeyQuery
from schemas import Document, Record
from service.storage.models import CitationRow, CorrectionRow, DocumentRow, utcnow

# Header fields a human may correct; the value replaces the extracted one on every re-extraction.
CORRECTABLE = (
    "issuer",
    "parent_issuer",
    "number",
    "doc_type",
    "date",
    "place",
    "title",
    "signer",
    "signer_title",
)


@dataclass
class Filters:
    """Document list filters shared by CLI, API and UI."""

    doc_type: str | None = None
    issuer: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    has_figures: bool | None = None


@dataclass
class Hit:
    """A search result: the document, and why it matched."""

    document: DocumentRow
    snippet: str = ""
    highlights: list[tuple[int, int]] = field(default_factory=list)
    citations: list[CitationRow] = field(default_factory=list)


def find_by_sha(s: Session, sha256: str) -> DocumentRow | None:
    return s.scalar(select(DocumentRow).where(DocumentRow.sha256 == sha256))


def apply_corrections(record: dict, corrections: list[CorrectionRow]) -> dict:
    """Overlay human corrections (oldest first, newest wins) on an extracted record."""
    doc = dict(record.get("doc") or {})
    for c in sorted(corrections, key=lambda c: (c.created_at, c.id)):
        doc[c.field] = c.value
        doc.setdefault("detail", {}).setdefault(c.field, {})["corrected_by"] = c.author
    return {**record, "doc": doc}


def save_document(
    s: Session, filename: str, document: Document, record: Record, pipeline_version: str
) -> tuple[DocumentRow, bool]:
    """Insert or re-extract a document by sha256; returns (row, created)."""
    row = find_by_sha(s, document.source.sha256)
    created = row is None
    if row is None:
        row = DocumentRow(sha256=document.source.sha256, filename=filename)
        s.add(row)
    corrections = (
        []
        if created
        else list(s.scalars(select(CorrectionRow).where(CorrectionRow.document_id == row.id)))
    )
    data = apply_corrections(record.model_dump(mode="json"), corrections)
    head = data["doc"]
    full_text = document.text
    row.mime, row.size = document.source.mime, document.source.size
    row.pages, row.kind = document.source.pages, document.source.kind.value
    row.number, row.doc_type = head.get("number"), head.get("doc_type")
    row.doc_date = head.get("date")
    row.issuer, row.title = head.get("issuer"), head.get("title")
    row.has_figures = bool(record.amounts or record.counts)
    row.text, row.folded = full_text, fold(full_text)
    row.record = data
    row.pages_json = [p.model_dump(mode="json", exclude={"text"}) for p in document.pages]
    row.pipeline_version = pipeline_version
    row.updated_at = utcnow()
    row.citations = [
        CitationRow(
            key=c.key,
            number=c.number,
            year=c.year,
            type_code=c.type,
            issuer_code=c.issuer_code,
            date=c.date,
            partial=c.partial,
            text=c.text,
        )
        for c in record.citations
    ]
    s.flush()
    return row, created


def _citation_clause(q: KeyQuery):
    if q.key:
        # The exact key, or a partial citation whose parts agree with it.
        parts = [CitationRow.key == q.key]
        if q.number:
            parts.append((CitationRow.number == q.number) & (CitationRow.partial.is_(True)))
        return or_(*parts)
    clause = CitationRow.number == q.number
    if q.type_code:
        clause &= CitationRow.key.like(f"%{q.type_code}%")
    if q.issuer_code:
        clause &= CitationRow.key.like(f"%{q.issuer_code}%")
    if q.year:
        clause &= or_(CitationRow.year == q.year, CitationRow.year.is_(None))
    return clause


def _filtered(stmt: Select, f: Filters) -> Select:
    if f.doc_type:
        stmt = stmt.where(DocumentRow.doc_type == f.doc_type)
    if f.issuer:
        stmt = stmt.where(DocumentRow.issuer.ilike(f"%{f.issuer}%"))
    if f.date_from:
        stmt = stmt.where(DocumentRow.doc_date >= f.date_from)
    if f.date_to:
        stmt = stmt.where(DocumentRow.doc_date <= f.date_to + "\uffff")
    if f.has_figures is not None:
        stmt = stmt.where(DocumentRow.has_figures.is_(f.has_figures))
    return stmt


def citing(
    s: Session, q: KeyQuery, f: Filters | None = None, limit: int = 50, offset: int = 0
) -> list[Hit]:
    """Documents citing the queried key (partial citations included and flagged)."""
    if not (q.key or q.number):
        return []
    rows = s.execute(
        _filtered(
            select(DocumentRow, CitationRow)
            .join(CitationRow, CitationRow.document_id == DocumentRow.id)
            .where(_citation_clause(q)),
            f or Filters(),
        ).order_by(DocumentRow.doc_date.desc(), DocumentRow.id)
    ).all()
    hits: dict[int, Hit] = {}
    for doc, cit in rows:
        hits.setdefault(doc.id, Hit(doc)).citations.append(cit)
    return list(hits.values())[offset : offset + limit]


def cited_keys(s: Session, q: KeyQuery) -> list[str]:
    """The distinct keys a (possibly incomplete) query matches: shows ambiguity to the user."""
    if not (q.key or q.number):
        return []
    stmt = select(CitationRow.key).where(_citation_clause(q)).distinct().order_by(CitationRow.key)
    return list(s.scalars(stmt))


_TOKEN = re.compile(r"\w+")


def _snippet(doc: DocumentRow, terms: list[str], width: int = 80) -> tuple[str, list]:
    """Cut the text around the first match; fold is length-preserving so offsets map back."""
    phrase = " ".join(terms)
    pos = doc.folded.find(phrase)
    length = len(phrase)
    if pos < 0:
        pos, length = next(
            ((doc.folded.find(t), len(t)) for t in terms if doc.folded.find(t) >= 0), (0, 0)
        )
    start = max(0, pos - width)
    end = min(len(doc.text), pos + length + width)
    snippet = doc.text[start:end].replace("\f", " ")
    marks = [(pos - start, pos - start + length)] if length else []
    return snippet, marks


def fulltext(
    s: Session, query: str, f: Filters | None = None, limit: int = 50, offset: int = 0
) -> list[Hit]:
    """Diacritic- and case-insensitive search over the folded text, best matches first."""
    terms = _TOKEN.findall(fold(query))
    if not terms:
        return []
    if s.get_bind().dialect.name == "sqlite":
        match = " ".join(f'"{t}"' for t in terms)
        fts = (
            text(
                "SELECT rowid AS id, bm25(documents_fts) AS rank FROM documents_fts "
                "WHERE documents_fts MATCH :m"
            )
            .bindparams(m=match)
            .columns(id=Integer, rank=Float)
            .subquery()
        )
        stmt = (
            select(DocumentRow)
            .join(fts, fts.c.id == DocumentRow.id)
            .order_by(fts.c.rank, DocumentRow.id)
        )
    else:
        tsq = func.plainto_tsquery("simple", " ".join(terms))
        vec = func.to_tsvector("simple", DocumentRow.folded)
        stmt = (
            select(DocumentRow)
            .where(vec.op("@@")(tsq))
            .order_by(func.ts_rank(vec, tsq).desc(), DocumentRow.id)
        )
    stmt = _filtered(stmt, f or Filters()).limit(limit).offset(offset)
    hits = []
    for doc in s.scalars(stmt):
        snippet, marks = _snippet(doc, terms)
        hits.append(Hit(doc, snippet, marks))
    return hits


def list_documents(
    s: Session, f: Filters | None = None, limit: int = 50, offset: int = 0
) -> list[DocumentRow]:
    stmt = _filtered(select(DocumentRow), f or Filters())
    stmt = stmt.order_by(DocumentRow.doc_date.desc(), DocumentRow.id.desc())
    return list(s.scalars(stmt.limit(limit).offset(offset)))


def count_documents(s: Session, f: Filters | None = None) -> int:
    return s.scalar(_filtered(select(func.count(DocumentRow.id)), f or Filters())) or 0


def cites_of(s: Session, doc: DocumentRow) -> list[tuple[CitationRow, DocumentRow | None]]:
    """What a document cites, with the cited document when it is itself in the archive."""
    out = []
    for c in doc.citations:
        target = s.scalar(select(DocumentRow).where(DocumentRow.number == c.key).limit(1))
        out.append((c, target))
    return out


def cited_by(s: Session, doc: DocumentRow) -> list[DocumentRow]:
    """Documents whose citations name this document's number."""
    if not doc.number:
        return []
    stmt = (
        select(DocumentRow)
        .join(CitationRow, CitationRow.document_id == DocumentRow.id)
        .where(CitationRow.key == doc.number, DocumentRow.id != doc.id)
        .distinct()
    )
    return list(s.scalars(stmt))


def most_cited(s: Session, limit: int = 20) -> list[tuple[str, int]]:
    stmt = (
        select(CitationRow.key, func.count(func.distinct(CitationRow.document_id)).label("n"))
        .group_by(CitationRow.key)
        .order_by(text("n DESC"), CitationRow.key)
        .limit(limit)
    )
    return [(k, n) for k, n in s.execute(stmt).all()]


def add_correction(s: Session, doc: DocumentRow, field_name: str, value: str | None, who: str):
    """Record a correction and apply it to the stored record at once."""
    if field_name not in CORRECTABLE:
        raise ValueError(f"field {field_name!r} cannot be corrected")
    previous = (doc.record.get("doc") or {}).get(field_name)
    row = CorrectionRow(
        document_id=doc.id, field=field_name, value=value, previous=previous, author=who
    )
    s.add(row)
    s.flush()
    doc.record = apply_corrections(doc.record, [row])
    column = {"date": "doc_date"}.get(field_name, field_name)
    if hasattr(DocumentRow, column):
        setattr(doc, column, value)
    doc.updated_at = utcnow()
    return row
