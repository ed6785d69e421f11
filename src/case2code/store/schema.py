"""The audit tables: one row per coding, feedback rows pointing at the coding they judge.

SQLAlchemy Core tables shared by the store and the Alembic migrations, so the two cannot drift:
the migration `0001` creates exactly these columns.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

codings = sa.Table(
    "codings",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("note_id", sa.String(200), nullable=False),
    sa.Column("note_sha256", sa.String(64), nullable=False, index=True),
    sa.Column("note_chars", sa.Integer, nullable=False),
    sa.Column("note_text", sa.Text, nullable=True),
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("kb_version", sa.String(100), nullable=False),
    sa.Column("date_of_service", sa.String(10), nullable=True),
    sa.Column("setting", sa.String(20), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "coding_id",
        sa.String(32),
        sa.ForeignKey("codings.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
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
