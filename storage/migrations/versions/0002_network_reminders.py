"""network reminders: when a contact's keep-in-touch reminder is due, and which promise dates were nudged

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("touch_due_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_contacts_touch_due_on"), ["touch_due_on"], unique=False)
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nudges_sent", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("nudged_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("promises", schema=None) as batch_op:
        batch_op.drop_column("nudged_on")
        batch_op.drop_column("nudges_sent")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_touch_due_on"))
        batch_op.drop_column("touch_due_on")
