"""Database tables (SQLAlchemy 2). The schema itself is owned by Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    """One stored document: identified by the sha256 of its original bytes."""

    __tablename__ = "documents"
    # the first document bearing a key: one index probe (migration 0017)
    __table_args__ = (Index("ix_documents_doc_key_id", "doc_key", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    filename: Mapped[str] = mapped_column(String(1024))
    mime: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20), default="")
    number: Mapped[str | None] = mapped_column(String(200), index=True)
    # canonical key of the number (677/QĐ-TTg): what citations of this document are stored under
    doc_key: Mapped[str | None] = mapped_column(String(300), index=True)
    doc_type: Mapped[str | None] = mapped_column(String(100), index=True)
    doc_date: Mapped[str | None] = mapped_column(String(10), index=True)
    issuer: Mapped[str | None] = mapped_column(String(500), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    has_figures: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    folded: Mapped[str] = mapped_column(Text, default="")
    record: Mapped[dict] = mapped_column(JSON, default=dict)
    pipeline_version: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    citations: Mapped[list[CitationRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )


class DocumentPageRow(Base):
    """One stored page of a document (migration 0020): its route, size, OCR words, boxes and
    repairs, without its text (``documents.text`` holds the pages' text whole). One row a
    page, written page by page: a long scan is never one value in memory. Read through
    service.readmodel."""

    __tablename__ = "document_pages"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1-based, in page order
    data: Mapped[dict] = mapped_column(JSON)


class CitationRow(Base):
    """A cited document key, indexed so "documents citing X" is one index lookup.

    ``number`` (no leading zeros), ``type_code`` (QĐ, NQ ...), ``issuer_code`` and ``year``
    are the parts of ``key``, so an incomplete query ("QĐ 677") is an index range too."""

    __tablename__ = "citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(300))
    number: Mapped[str | None] = mapped_column(String(50))
    year: Mapped[int | None] = mapped_column(Integer)
    type_code: Mapped[str | None] = mapped_column(String(30))
    issuer_code: Mapped[str | None] = mapped_column(String(100))
    date: Mapped[str | None] = mapped_column(String(10))
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text, default="")
    # the citing document's date ("" when undated): "citing X, newest first" is one index range
    doc_date: Mapped[str] = mapped_column(String(10), default="")

    document: Mapped[DocumentRow] = relationship(back_populates="citations")

    __table_args__ = (
        Index("ix_citations_key_date", "key", "doc_date", "document_id"),
        Index("ix_citations_number_type", "number", "type_code"),
        Index("ix_citations_document", "document_id"),
    )


class CitedKeyRow(Base):
    """Each distinct cited key once, with its parts: an incomplete query ("QĐ 677") finds its
    candidate keys here by one index seek, however many documents cite each of them."""

    __tablename__ = "cited_keys"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    number: Mapped[str | None] = mapped_column(String(50))
    year: Mapped[int | None] = mapped_column(Integer)
    type_code: Mapped[str | None] = mapped_column(String(30))
    issuer_code: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_cited_keys_number_type", "number", "type_code"),)


class CorrectionRow(Base):
    """A human correction of one record field; re-applied after every re-extraction."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(Text)
    previous: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RescanRow(Base):
    """``document_id`` is another scan of ``original_id`` (migration 0009; service.rescans
    decides which files are scans of one document)."""

    __tablename__ = "rescans"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    original_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)


class ChangeEventRow(Base):
    """One change of one document; ``id`` is the feed cursor (migration 0009; written and
    read by service.feed)."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewItemRow(Base):
    """One value still to check (migration 0014): kept up to date whenever a record is
    saved or corrected (service.review), so the queue is an index range, not a scan."""

    __tablename__ = "review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(40))
    field: Mapped[str | None] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    confidence: Mapped[float | None] = mapped_column(Float)
    page: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_review_items_document", "document_id", "id"),)


class TokenRow(Base):
    """An API token; only its sha256 is stored."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # set at most once a minute (service.auth.touch): a read never becomes a write each time
    last_used: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SessionRow(Base):
    """A UI login: the cookie holds a random id whose sha256 is stored here, never the API
    token itself, so a session can end (logout, expiry) while the token lives on."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("tokens.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class BatchRow(Base):
    """A batch of files submitted together; its items carry the per-file state."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(1024), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # receiving -> received (or interrupted: its creator died while files arrived)
    state: Mapped[str] = mapped_column(String(20), default="received", index=True)
    runner: Mapped[str | None] = mapped_column(String(200))  # "host:pid" while receiving
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow)

    items: Mapped[list[BatchItemRow]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", order_by="BatchItemRow.id"
    )


class BatchItemRow(Base):
    """One file of a batch: queued -> processing -> done | failed."""

    __tablename__ = "batch_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    outcome: Mapped[str | None] = mapped_column(String(20))  # stored | known
    error_kind: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    retryable: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    document_id: Mapped[int | None] = mapped_column(Integer)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(200))  # "host:pid" of the runner
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # lease
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # its last message
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    batch: Mapped[BatchRow] = relationship(back_populates="items")


class HoSoRow(Base):
    """A hồ sơ (archival file): documents grouped by the archivist, with the file's own data
    (Thông tư 05/2025/TT-BNV). Its less used fields sit in ``data`` under their TT names."""

    __tablename__ = "ho_so"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)  # mã hồ sơ
    title: Mapped[str] = mapped_column(Text, default="")  # tiêu đề hồ sơ
    retention: Mapped[str] = mapped_column(String(100), default="")  # thời hạn bảo quản
    start_date: Mapped[str | None] = mapped_column(String(10))  # None: from its documents
    end_date: Mapped[str | None] = mapped_column(String(10))
    sheets: Mapped[int | None] = mapped_column(Integer)  # số lượng tờ (counted on paper)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[HoSoDocumentRow]] = relationship(
        back_populates="ho_so",
        cascade="all, delete-orphan",
        order_by="HoSoDocumentRow.position",
    )


class HoSoDocumentRow(Base):
    """A document's place in a hồ sơ (số thứ tự, 1-based)."""

    __tablename__ = "ho_so_documents"

    ho_so_id: Mapped[int] = mapped_column(
        ForeignKey("ho_so.id", ondelete="CASCADE"), primary_key=True
    )
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    ho_so: Mapped[HoSoRow] = relationship(back_populates="members")
    document: Mapped[DocumentRow] = relationship()
