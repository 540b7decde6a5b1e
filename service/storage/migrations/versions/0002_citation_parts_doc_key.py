"""citation key parts and document keys for the citation graph; stored tsvector on PostgreSQL

- ``documents.doc_key``: the canonical key of a document's own number, so "cited by" and the
  links from a citation to the archived document it names are index lookups.
- ``citations``: the citing document's date, and ``(key, doc_date, document_id)`` in place of
  the key index, so "documents citing X, newest first" reads one index range as far as the
  page needs; ``number``/``type_code`` re-derived from the key (type as its code: QĐ).
- PostgreSQL: a stored, GIN-indexed ``tsvector`` of the folded text. Ranking with the
  expression index of 0001 re-parsed every matching document's text at query time.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from normalize.keys import canonical_key, parse_key

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doc_key", sa.String(length=300), nullable=True))
        batch_op.create_index("ix_documents_doc_key", ["doc_key"], unique=False)
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("doc_date", sa.String(length=10), nullable=False, server_default="")
        )
        batch_op.drop_index("ix_citations_key")
        batch_op.create_index(
            "ix_citations_key_date", ["key", "doc_date", "document_id"], unique=False
        )
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE documents ADD COLUMN fts tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', folded)) STORED"
        )
        op.execute("CREATE INDEX ix_documents_fts_vec ON documents USING GIN (fts)")
        op.execute("DROP INDEX IF EXISTS ix_documents_fts")


def _backfill() -> None:
    conn = op.get_bind()
    for doc_id, number in conn.execute(sa.text("SELECT id, number FROM documents")).all():
        if number:
            key = canonical_key(number) or number.strip() or None
            conn.execute(
                sa.text("UPDATE documents SET doc_key = :k WHERE id = :i"), {"k": key, "i": doc_id}
            )
    conn.execute(
        sa.text(
            "UPDATE citations SET doc_date = COALESCE((SELECT doc_date FROM documents "
            "WHERE documents.id = citations.document_id), '')"
        )
    )
    for cit_id, key in conn.execute(sa.text("SELECT id, key FROM citations")).all():
        parts = parse_key(key)
        if parts:
            conn.execute(
                sa.text("UPDATE citations SET number = :n, type_code = :t WHERE id = :i"),
                {"n": parts.number.lstrip("0") or "0", "t": parts.type_code, "i": cit_id},
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_documents_fts ON documents USING GIN (to_tsvector('simple', folded))"
        )
        op.execute("DROP INDEX IF EXISTS ix_documents_fts_vec")
        op.execute("ALTER TABLE documents DROP COLUMN fts")
    with op.batch_alter_table("citations", schema=None) as batch_op:
        batch_op.drop_index("ix_citations_key_date")
        batch_op.create_index("ix_citations_key", ["key"], unique=False)
        batch_op.drop_column("doc_date")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index("ix_documents_doc_key")
        batch_op.drop_column("doc_key")
