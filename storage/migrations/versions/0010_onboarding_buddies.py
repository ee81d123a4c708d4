"""onboarding buddies: a new hire's start date, volunteers who welcome new colleagues, buddy pairings

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 17:00:00

people.start_date comes from the org chart CSV. copilot_profiles gains "I'd welcome new colleagues" and
its own buddy capacity. buddy_pairings and buddy_offers hold the buddy relationship and the asking.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
    with op.batch_alter_table("copilot_profiles", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("welcomes_new_colleagues", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("buddy_capacity", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "buddy_pairings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("new_hire_id", sa.Integer(), nullable=False),
        sa.Column("buddy_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("term_days", sa.Integer(), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_checkin_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkins_sent", sa.Integer(), nullable=False),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["new_hire_id"],
            ["people.id"],
            name=op.f("fk_buddy_pairings_new_hire_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["buddy_id"], ["people.id"], name=op.f("fk_buddy_pairings_buddy_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_pairings")),
    )
    with op.batch_alter_table("buddy_pairings", schema=None) as batch_op:
        for column in ("team_id", "new_hire_id", "buddy_id", "state", "next_checkin_at"):
            batch_op.create_index(batch_op.f(f"ix_buddy_pairings_{column}"), [column], unique=False)
    op.create_table(
        "buddy_offers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("buddy_pairing_id", sa.Integer(), nullable=False),
        sa.Column("buddy_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["buddy_pairing_id"],
            ["buddy_pairings.id"],
            name=op.f("fk_buddy_offers_buddy_pairing_id_buddy_pairings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["buddy_id"], ["people.id"], name=op.f("fk_buddy_offers_buddy_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buddy_offers")),
    )
    with op.batch_alter_table("buddy_offers", schema=None) as batch_op:
        for column in ("team_id", "buddy_pairing_id", "buddy_id", "status"):
            batch_op.create_index(batch_op.f(f"ix_buddy_offers_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("buddy_offers")
    op.drop_table("buddy_pairings")
    with op.batch_alter_table("copilot_profiles", schema=None) as batch_op:
        batch_op.drop_column("buddy_capacity")
        batch_op.drop_column("welcomes_new_colleagues")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("start_date")
