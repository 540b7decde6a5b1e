"""own-number search: documents.doc_key searchable by prefix ("46/", "46-") on PostgreSQL

A btree index in the database's collation cannot serve ``LIKE '46/%'`` (glibc collations
also skip punctuation when comparing, so a range on ``'46/'`` is not a prefix either);
``text_pattern_ops`` compares byte by byte and serves it. SQLite's archives are small and
scan the (short) doc_key column.

Revision ID: 0014
Revises: 0011
"""

from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_documents_doc_key_pattern "
            "ON documents (doc_key text_pattern_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_documents_doc_key_pattern")
