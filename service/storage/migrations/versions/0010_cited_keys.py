"""the distinct cited keys with their parts, for candidate lookup

"QĐ 677" used to find its candidate keys with a DISTINCT over every citation of number 677:
a key cited by most of the archive made that a scan of most of the citations table.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cited_keys",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("type_code", sa.String(length=30), nullable=True),
        sa.Column("issuer_code", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_cited_keys_number_type", "cited_keys", ["number", "type_code"])
    # the parts of a key are a function of the key: any citation row of it carries them
    op.execute(
        "INSERT INTO cited_keys (key, number, year, type_code, issuer_code) "
        "SELECT key, MIN(number), MIN(year), MIN(type_code), MIN(issuer_code) "
        "FROM citations GROUP BY key"
    )


def downgrade() -> None:
    op.drop_index("ix_cited_keys_number_type", table_name="cited_keys")
    op.drop_table("cited_keys")
