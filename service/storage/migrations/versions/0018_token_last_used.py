"""tokens.last_used: when a token (or a UI session started with it) was last used

Set at most once a minute per token (service.auth), so a busy client does not turn every
read into a write; the tokens page shows it beside each token.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tokens", sa.Column("last_used", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tokens") as batch:
        batch.drop_column("last_used")
