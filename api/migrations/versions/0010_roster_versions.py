"""roster versions: a team's tours and rest days for a period, draft or published

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.tables

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", api.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", api.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("late_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("period", sa.JSON(), nullable=False),
        sa.Column("roster", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "start", "number"),
    )
    with op.batch_alter_table("roster_version", schema=None) as batch_op:
        batch_op.create_index(
            "one_published_per_period",
            ["team_id", "start"],
            unique=True,
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("roster_version", schema=None) as batch_op:
        batch_op.drop_index(
            "one_published_per_period",
            sqlite_where=sa.text("status = 'published'"),
            postgresql_where=sa.text("status = 'published'"),
        )
    op.drop_table("roster_version")
