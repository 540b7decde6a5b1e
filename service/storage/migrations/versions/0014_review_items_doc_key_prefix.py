"""review queue table; documents.doc_key searchable by prefix on PostgreSQL

``review_items`` holds each value still to check (service.review keeps it up to date on
every save and correction), filled here for the documents already stored: the queue is
then a page of an index, whatever the archive's size.

Own-number search looks documents up by the prefix of their key ("46/", "46-"):

A btree index in the database's collation cannot serve ``LIKE '46/%'`` (glibc collations
also skip punctuation when comparing, so a range on ``'46/'`` is not a prefix either);
``text_pattern_ops`` compares byte by byte and serves it. SQLite's archives are small and
scan the (short) doc_key column.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Iterator
from typing import Any, cast

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_items_document", "review_items", ["document_id", "id"])
    _fill_review_items()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_documents_doc_key_pattern "
            "ON documents (doc_key text_pattern_ops)"
        )


def _fill_review_items() -> None:
    """The items of the documents already stored, by the rule the service applied at this
    revision (only the columns this revision knows are read: later revisions may add
    others)."""
    conn = op.get_bind()
    docs = sa.table(
        "documents",
        sa.column("id"), sa.column("kind"), sa.column("record", sa.JSON()),
    )  # fmt: skip
    items = sa.table(
        "review_items",
        sa.column("document_id"), sa.column("ref"), sa.column("field"), sa.column("value"),
        sa.column("reasons", sa.JSON()), sa.column("confidence"), sa.column("page"),
    )  # fmt: skip
    for row in conn.execute(sa.select(docs)).mappings():
        rows = [{"document_id": row["id"], **i} for i in _items(row["record"] or {}, row["kind"])]
        if rows:
            conn.execute(items.insert(), rows)


# --- the queue's rule as service.readmodel and service.review applied it at this revision ---
# A migration is a snapshot: it copies the service's code of its time instead of importing
# modules above storage, which change after it. The record's type (schemas) and the review
# rule (extract.review) are read as they are now, as the stored records themselves are.

_HEADER_FIELDS = (
    "issuer", "parent_issuer", "number", "doc_type", "date", "place", "title", "signer",
    "signer_title",
)  # fmt: skip
_VALUE_REFS = ("cit", "date", "amt", "cnt")


def _items(raw: dict, kind: str) -> list[dict[str, Any]]:
    """The review_items rows of one stored record (service.review.items_of, no boxes);
    none for a record that no longer validates (service.readmodel.read)."""
    from pydantic import ValidationError

    from extract.review import field_reasons, review_reasons
    from schemas import Record

    try:
        record = Record.model_validate(raw)
    except ValidationError:
        return []
    confirmed = _confirmed(raw, record)
    out = []
    for ref, name, confidence, flags, spans in _values(record):
        if ref in confirmed:
            continue
        value = _ref_value(record, ref)
        if name is not None:
            reasons = field_reasons(name, value, confidence, flags, kind)
        else:
            reasons = review_reasons(confidence, flags)
        if reasons:
            out.append(
                {
                    "ref": ref,
                    "field": name,
                    "value": value or "",
                    "reasons": reasons,
                    "confidence": confidence,
                    "page": spans[0].page if spans else None,
                }
            )
    return out


def _confirmed(raw: dict, record: Any) -> set[str]:
    """Refs corrected or confirmed: marked in the stored detail, or confirmed while they
    still hold the confirmed value."""
    out = set()
    detail = (raw.get("doc") or {}).get("detail") or {}
    for name, d in detail.items():
        if isinstance(d, dict) and d.get("corrected_by"):
            out.add(f"doc.{name}")
    for ref, mark in (raw.get("confirmed") or {}).items():
        if isinstance(mark, dict) and _ref_value(record, ref) == mark.get("value"):
            out.add(ref)
    return out


def _ref_value(record: Any, ref: str) -> str | None:
    prefix, _, rest = ref.partition(".")
    if prefix == "doc":
        value = getattr(record.doc, rest, None) if rest in _HEADER_FIELDS else None
        return value if isinstance(value, str) else None
    if prefix not in _VALUE_REFS or not rest.isdigit():
        return None
    i = int(rest)
    items = {
        "cit": record.citations,
        "date": record.date_details,
        "amt": record.amounts,
        "cnt": record.counts,
    }[prefix]
    if i >= len(items):
        return None
    item = items[i]
    if prefix == "cit":
        return cast(str, item.key)
    if prefix == "date":
        return cast(str, item.value)
    if prefix == "amt":
        return str(item.vnd)
    v = item.value
    return f"{int(v) if float(v).is_integer() else v} {item.unit}"


def _low(spans: list) -> float | None:
    known = [s.confidence for s in spans if s.confidence is not None]
    return min(known) if known else None


def _values(rec: Any) -> Iterator[tuple[str, str | None, float | None, list, list]]:
    """(ref, field, confidence, flags, spans) of every value of the record."""
    for name in _HEADER_FIELDS:
        d = rec.doc.detail.get(name)
        yield (
            f"doc.{name}",
            name,
            d.confidence if d else None,
            list(d.flags) if d else [],
            list(d.spans) if d else [],
        )
    for i, c in enumerate(rec.citations):
        known = [s.confidence for s in c.spans if s.confidence is not None]
        flags = (["partial"] if c.partial else []) + list(c.flags)
        yield f"cit.{i}", None, max(known) if known else None, flags, list(c.spans)
    for i, m in enumerate(rec.date_details):
        yield f"date.{i}", None, _low(m.spans), [], list(m.spans)
    for i, a in enumerate(rec.amounts):
        flags = ["words_disagree"] if a.checked is False else []
        yield f"amt.{i}", None, _low(a.spans), flags, list(a.spans)
    for i, n in enumerate(rec.counts):
        yield f"cnt.{i}", None, _low(n.spans), ["ambiguous"] if n.ambiguous else [], list(n.spans)


def downgrade() -> None:
    op.drop_index("ix_review_items_document", table_name="review_items")
    op.drop_table("review_items")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_doc_key_pattern")
