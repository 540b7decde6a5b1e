"""document_pages: a document's stored pages, one row a page

A document's pages (route, size, OCR words and boxes, repairs; their text is stored whole in
``documents.text``) were one JSON value, ``documents.pages_json``: storing a long scan built
it as one string (~13 MB at 288 pages) and the driver copied it again, so the runner's memory
grew with the page count. One row a page is written page by page as the pages come off the
page spool (service.pagespool), and a reader that wants one page reads one row.

The upgrade moves every document's pages into rows and drops the column; the downgrade
puts them back together in page order. Both run in SQL, never a whole archive in Python.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_pages",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("documents.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("data", sa.JSON(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO document_pages (document_id, number, data)"
            " SELECT d.id, e.n, e.value FROM documents d,"
            " json_array_elements(d.pages_json) WITH ORDINALITY AS e(value, n)"
            " WHERE json_typeof(d.pages_json) = 'array'"
        )
    else:
        op.execute(
            "INSERT INTO document_pages (document_id, number, data)"
            " SELECT d.id, e.key + 1, e.value FROM documents d, json_each(d.pages_json) AS e"
            " WHERE json_type(d.pages_json) = 'array'"
        )
    # SQLite drops the column in place (3.35+): a batch copy of ``documents`` would drop the
    # old table, and with foreign keys on that deletes every row that cascades from it
    op.drop_column("documents", "pages_json")


def downgrade() -> None:
    op.add_column(
        "documents",
        sa.Column("pages_json", sa.JSON(), nullable=False, server_default="[]"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE documents SET pages_json = p.pages FROM"
            " (SELECT document_id, json_agg(data ORDER BY number) AS pages"
            "  FROM document_pages GROUP BY document_id) p WHERE p.document_id = documents.id"
        )
    else:
        op.execute(
            "UPDATE documents SET pages_json = (SELECT json_group_array(json(data)) FROM"
            " (SELECT data FROM document_pages p WHERE p.document_id = documents.id"
            "  ORDER BY number)) WHERE id IN (SELECT document_id FROM document_pages)"
        )
    op.drop_table("document_pages")
