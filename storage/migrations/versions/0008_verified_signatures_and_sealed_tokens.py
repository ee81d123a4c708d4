"""verified request signatures shared by every process; handled events pruned; room for sealed tokens

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-03 00:00:00

seen_signatures holds the Slack signatures of verified requests until Slack's five-minute window has
passed, so a replay to another process is refused too. handled_events gets an index on handled_at, for the
pruning job. slack-sdk's token columns are VARCHAR(200); a Fernet-sealed token is longer, so on
PostgreSQL they become TEXT (SQLite does not enforce a length).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_COLUMNS = {
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}


def upgrade() -> None:
    op.create_table(
        "seen_signatures",
        sa.Column("signature", sa.String(length=80), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("signature", name=op.f("pk_seen_signatures")),
    )
    with op.batch_alter_table("seen_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seen_signatures_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("handled_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handled_events_handled_at"), ["handled_at"], unique=False)
    if op.get_bind().dialect.name != "sqlite":
        for table, columns in TOKEN_COLUMNS.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length=200))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for table, columns in TOKEN_COLUMNS.items():
            for column in columns:
                op.alter_column(table, column, type_=sa.String(length=200), existing_type=sa.Text())
    with op.batch_alter_table("handled_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handled_events_handled_at"))
    with op.batch_alter_table("seen_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seen_signatures_expires_at"))
    op.drop_table("seen_signatures")
