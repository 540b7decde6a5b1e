"""a batch may hold the same content twice: every file submitted keeps its own line

Two files with equal bytes in one batch (a copy in a sub-folder, a zip that repeats a
file) were folded into one item, so the second name vanished from the batch report.
Each file now has its item; the copy ends "known", pointing at the same document.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_items", schema=None) as batch_op:
        batch_op.drop_constraint("uq_batch_item_sha", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("batch_items", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_batch_item_sha", ["batch_id", "sha256"])
