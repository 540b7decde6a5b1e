"""batch_items.sent_at: when the item's last broker message was sent

A queued item whose message the broker lost (a restart without persistence, a purge, a
send that failed after the row committed) is sent again once its last send is old and no
runner has taken anything for a while (service.batches.queue.unsent).

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("batch_items", sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("batch_items") as batch:
        batch.drop_column("sent_at")
