"""documents (doc_key, doc_date, id): a number's bearers newest first, one index range a key

A query that is a document's number ("12/BC-HKH") lists the documents bearing it first,
newest first, a page at a time. With ``(doc_key, id)`` only, each page sorted every bearer
of the key (copies and rescans of a popular number can be thousands); this index gives
them in the list's order, read only as far as the page (``repo._bearer_page``).

PostgreSQL lists undated documents last when newest first (``DESC NULLS LAST``): the
index keeps NULL dates first, so its backward scan is that order. SQLite sorts NULL
first in an index and last in a descending scan already.

Revision ID: 0021
Revises: 0020
"""

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_documents_doc_key_date "
            "ON documents (doc_key, doc_date NULLS FIRST, id)"
        )
    else:
        op.create_index("ix_documents_doc_key_date", "documents", ["doc_key", "doc_date", "id"])


def downgrade() -> None:
    op.drop_index("ix_documents_doc_key_date", table_name="documents")
