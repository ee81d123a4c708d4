"""lead user groups and weekly digest snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-03-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead_usergroups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("lead_person_id", sa.Integer(), nullable=False),
        sa.Column("usergroup_id", sa.String(length=32), nullable=False),
        sa.Column("member_user_ids", sa.JSON(), nullable=False),
        sa.Column("members_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_person_id"],
            ["people.id"],
            name=op.f("fk_lead_usergroups_lead_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_usergroups")),
        sa.UniqueConstraint(
            "team_id",
            "lead_person_id",
            "usergroup_id",
            name=op.f("uq_lead_usergroups_team_id_lead_person_id_usergroup_id"),
        ),
    )
    with op.batch_alter_table("lead_usergroups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_usergroups_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_lead_usergroups_lead_person_id"), ["lead_person_id"], unique=False
        )

    op.create_table(
        "lead_digests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("lead_person_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_person_id"],
            ["people.id"],
            name=op.f("fk_lead_digests_lead_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_digests")),
        sa.UniqueConstraint("lead_person_id", "week", name=op.f("uq_lead_digests_lead_person_id_week")),
    )
    with op.batch_alter_table("lead_digests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_digests_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lead_digests_lead_person_id"), ["lead_person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lead_digests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_digests_lead_person_id"))
        batch_op.drop_index(batch_op.f("ix_lead_digests_team_id"))
    op.drop_table("lead_digests")
    with op.batch_alter_table("lead_usergroups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_usergroups_lead_person_id"))
        batch_op.drop_index(batch_op.f("ix_lead_usergroups_team_id"))
    op.drop_table("lead_usergroups")
