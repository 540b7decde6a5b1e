"""batch leases: items carry a heartbeat, batches a state (receiving while files arrive)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_items") as t:
        t.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("batches") as t:
        # Batches made before this revision were created in one transaction: all received.
        t.add_column(
            sa.Column("state", sa.String(length=20), nullable=False, server_default="received")
        )
        t.add_column(sa.Column("runner", sa.String(length=200), nullable=True))
        t.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_batches_state", "batches", ["state"])


def downgrade() -> None:
    op.drop_index("ix_batches_state", table_name="batches")
    with op.batch_alter_table("batches") as t:
        t.drop_column("updated_at")
        t.drop_column("runner")
        t.drop_column("state")
    with op.batch_alter_table("batch_items") as t:
        t.drop_column("heartbeat_at")
