"""documents (doc_key, id): the first document bearing a key in one index probe

"Documents citing QĐ 677" shows, beside each candidate key, the archived document bearing
it (the first stored: copies and rescans share a number). With only ``(doc_key)`` that
read every bearer of the key; ``(doc_key, id)`` answers ``min(id)`` from the first index
entry, on both backends (1,000,000-document bench: bench/query).

Revision ID: 0017
Revises: 0014
"""

from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_doc_key_id", "documents", ["doc_key", "id"])


def downgrade() -> None:
    op.drop_index("ix_documents_doc_key_id", table_name="documents")
