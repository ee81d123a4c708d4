"""mentoring cohorts: the cohorts, their private survey answers, and the cohort a sign-up came from

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-03 17:00:00

A request or a volunteer's profile names the cohort they signed up for through its announcement; a
request that names one waits for the cohort's round instead of being offered at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cohorts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("length_months", sa.Integer(), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("paired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("midpoint_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["people.id"], name=op.f("fk_cohorts_opened_by_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
    )
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohorts_closes_at"), ["closes_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohorts_opened_by_id"), ["opened_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohorts_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohorts_team_id"), ["team_id"], unique=False)

    op.create_table(
        "cohort_surveys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("useful", sa.Integer(), nullable=True),
        sa.Column("recommend", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_cohort_surveys_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pairing_id"],
            ["pairings.id"],
            name=op.f("fk_cohort_surveys_pairing_id_pairings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_cohort_surveys_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohort_surveys")),
        sa.UniqueConstraint(
            "cohort_id",
            "pairing_id",
            "person_id",
            "stage",
            name=op.f("uq_cohort_surveys_cohort_id_pairing_id_person_id_stage"),
        ),
    )
    with op.batch_alter_table("cohort_surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohort_surveys_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_surveys_pairing_id"), ["pairing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_surveys_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohort_surveys_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("copilot_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cohort_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_copilot_profiles_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_copilot_profiles_cohort_id_cohorts"),
            "cohorts",
            ["cohort_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("mentoring_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cohort_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_mentoring_requests_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_mentoring_requests_cohort_id_cohorts"),
            "cohorts",
            ["cohort_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("mentoring_requests", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_mentoring_requests_cohort_id_cohorts"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_mentoring_requests_cohort_id"))
        batch_op.drop_column("cohort_id")

    with op.batch_alter_table("copilot_profiles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_copilot_profiles_cohort_id_cohorts"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_copilot_profiles_cohort_id"))
        batch_op.drop_column("cohort_id")

    with op.batch_alter_table("cohort_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohort_surveys_team_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_surveys_person_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_surveys_pairing_id"))
        batch_op.drop_index(batch_op.f("ix_cohort_surveys_cohort_id"))

    op.drop_table("cohort_surveys")
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohorts_team_id"))
        batch_op.drop_index(batch_op.f("ix_cohorts_state"))
        batch_op.drop_index(batch_op.f("ix_cohorts_opened_by_id"))
        batch_op.drop_index(batch_op.f("ix_cohorts_closes_at"))

    op.drop_table("cohorts")
