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

from types import SimpleNamespace
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
    """The items of the documents already stored, by the rule the service applies (only
    the columns this revision knows are read: later revisions may add others)."""
    from service import readmodel, review

    conn = op.get_bind()
    docs = sa.table(
        "documents",
        sa.column("id"), sa.column("filename"), sa.column("kind"), sa.column("pages"),
        sa.column("record", sa.JSON()), sa.column("pages_json", sa.JSON()),
    )  # fmt: skip
    items = sa.table(
        "review_items",
        sa.column("document_id"), sa.column("ref"), sa.column("field"), sa.column("value"),
        sa.column("reasons", sa.JSON()), sa.column("confidence"), sa.column("page"),
    )  # fmt: skip
    for row in conn.execute(sa.select(docs)).mappings():
        doc = readmodel.read(cast(Any, SimpleNamespace(**row)))  # a row of the table as it is here
        rows = [
            {
                "document_id": row["id"],
                "ref": i.ref,
                "field": i.field,
                "value": i.value,
                "reasons": i.reasons,
                "confidence": i.confidence,
                "page": i.page,
            }
            for i in (review.items_of(doc, boxes=False) if doc is not None else [])
        ]
        if rows:
            conn.execute(items.insert(), rows)


def downgrade() -> None:
    op.drop_index("ix_review_items_document", table_name="review_items")
    op.drop_table("review_items")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_doc_key_pattern")
