"""Codings and the feedback on their lines.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "codings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("note_id", sa.String(200), nullable=False),
        sa.Column("note_sha256", sa.String(64), nullable=False),
        sa.Column("note_chars", sa.Integer, nullable=False),
        sa.Column("note_text", sa.Text, nullable=True),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("kb_version", sa.String(100), nullable=False),
        sa.Column("date_of_service", sa.String(10), nullable=True),
        sa.Column("setting", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_codings_note_sha256", "codings", ["note_sha256"])
    op.create_index("ix_codings_created_at", "codings", ["created_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "coding_id",
            sa.String(32),
            sa.ForeignKey("codings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("new_code", sa.String(10), nullable=True),
        sa.Column("units", sa.Integer, nullable=True),
        sa.Column("modifiers", sa.JSON, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feedback_coding_id", "feedback", ["coding_id"])


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_table("codings")
