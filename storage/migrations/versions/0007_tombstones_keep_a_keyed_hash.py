"""a forgotten person's tombstone keeps a keyed hash of their Slack id

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10 00:00:00

people.forgotten_hash: HMAC-SHA256 of "team:user" (bot.people.tombstones), set when someone runs
forget-me, so the same Slack id coming back is recognised and their reports' reporting line is whole
again. The Slack id itself is not kept.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A nullable column and an index: plain ALTER TABLE ADD COLUMN on every backend, no table rebuild.
    op.add_column("people", sa.Column("forgotten_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_people_forgotten_hash", "people", ["forgotten_hash"])


def downgrade() -> None:
    op.drop_index("ix_people_forgotten_hash", table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("forgotten_hash")
