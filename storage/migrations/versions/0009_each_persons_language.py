"""each person's language: what Slack says, and their own choice

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:00:00

people.slack_locale: the locale Slack reports for the person (users.info / users.list with
include_locale), such as "fr-CA". people.language: the language the person chose with
`/mentor language` or in App Home ("en", "fr"); NULL means "follow Slack". The workspace's default
language is a program setting (workspace_settings.settings JSON, key "language"), so it needs no column:
a workspace without it reads in English.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns: plain ALTER TABLE ADD COLUMN on every backend, no table rebuild.
    op.add_column("people", sa.Column("slack_locale", sa.String(length=16), nullable=True))
    op.add_column("people", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("language")
        batch.drop_column("slack_locale")
