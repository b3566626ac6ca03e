"""server-side page sessions (web_session) and off-boarding (app_user.deactivated_at)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-13 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.tables

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deactivated_at", api.tables.UTCDateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "web_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("created_at", api.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", api.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", api.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("flash_feed", sa.Integer(), nullable=True),
        sa.Column("flash_sealed", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
        sa.ForeignKeyConstraint(["flash_feed"], ["feed_token.id"]),
        sa.ForeignKeyConstraint(["token_id"], ["api_token.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_hash"),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_token_id"), ["token_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_session_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_user_id"))
        batch_op.drop_index(batch_op.f("ix_web_session_token_id"))
    op.drop_table("web_session")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("deactivated_at")
