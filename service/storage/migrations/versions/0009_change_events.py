"""change feed events and rescan links

- ``change_events``: one row per change of a document (created, updated, corrected, deleted),
  written in the transaction of the change; its id is the feed's cursor.
- ``rescans``: a document that is another scan of an archived one points at it, so search
  shows the group once.

Revision ID: 0009
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_change_events_document", "change_events", ["document_id"])
    op.create_table(
        "rescans",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("original_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["original_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index("ix_rescans_original", "rescans", ["original_id"])


def downgrade() -> None:
    op.drop_index("ix_rescans_original", table_name="rescans")
    op.drop_table("rescans")
    op.drop_index("ix_change_events_document", table_name="change_events")
    op.drop_table("change_events")
