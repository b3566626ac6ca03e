"""surges: extra demand in a ward for some hours of one week

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surge",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["team.id"],
        ),
        sa.PrimaryKeyConstraint("team_id", "id"),
    )
    with op.batch_alter_table("surge", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_surge_week_start"), ["week_start"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("surge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surge_week_start"))
    op.drop_table("surge")
