"""outbox rows name their subject; one spelling for message kinds

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-09 00:00:00

outbox.subject_id is the id of the record a row is about (its kind says which table), indexed with the
kind, so services cancel and reschedule rows by subject instead of matching dedupe keys. Existing rows
get it from their dedupe key (a check-in nudge, a pulse and a digest through the record the key names);
a row whose record no longer exists keeps NULL. Kinds spelled with a dot now use an underscore like the
others. Dedupe keys keep their text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESPELLED = {
    "nudge.checkin": "nudge_checkin",
    "nudge.stalled": "nudge_stalled",
    "nudge.report_back_follow_up": "nudge_report_back_follow_up",
    "pairing.unreachable": "pairing_unreachable",
}
# Kinds about a pairing: the subject is the row's pairing_id.
PAIRING_KINDS = frozenset(
    {
        "nudge_stalled",
        "pairing_unreachable",
        "pairing_matched",
        "expectations_kickoff",
        "expectations_differences",
        "expectations_proposal",
        "expectations_confirm",
        "expectations_agreed",
        "expectations_withdrawn",
        "nudge_expectations",
        "first_meeting",
        "term_end",
        "pairing_paused",
        "pairing_lapsed",
        "pairing_ended",
    }
)
# Kinds whose key names the subject's id: (key prefix, position of the id among the key's parts).
ID_IN_KEY = {
    "nudge_report_back_follow_up": ("report_back_follow_up", 1),
    "report_back": ("report_back", 1),
    "offer": ("offer", 1),
    "offer_closed": ("offer", 1),
    "request_update": ("request", 1),
    "admin_waiting": ("admin", 3),
    "intro": ("intro", 1),
    "nudge_intro_followup": ("intro", 1),
    "intro_report": ("intro", 1),
    "nudge_promise": ("promise", 1),
    "nudge_keep_in_touch": ("contact", 1),
}

outbox = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("dedupe_key", sa.String),
    sa.column("pairing_id", sa.Integer),
    sa.column("subject_id", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch:
        batch.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch.create_index("ix_outbox_subject", ["kind", "subject_id"], unique=False)
    _respell(RESPELLED)
    _backfill_subjects()


def downgrade() -> None:
    _respell({new: old for old, new in RESPELLED.items()})
    with op.batch_alter_table("outbox", schema=None) as batch:
        batch.drop_index("ix_outbox_subject")
        batch.drop_column("subject_id")


def _respell(spellings: dict[str, str]) -> None:
    bind = op.get_bind()
    for old, new in spellings.items():
        bind.execute(outbox.update().where(outbox.c.kind == old).values(kind=new))


def _backfill_subjects() -> None:
    bind = op.get_bind()
    bind.execute(
        outbox.update()
        .where(outbox.c.kind.in_(sorted(PAIRING_KINDS)), outbox.c.pairing_id.is_not(None))
        .values(subject_id=outbox.c.pairing_id)
    )
    checkins = _lookup(bind, "checkins", ("pairing_id", "cycle"))
    pulses = _lookup(bind, "pulses", ("pairing_id", "round", "person_id"))
    digests = _lookup(bind, "lead_digests", ("lead_person_id", "week"))
    # key → subject id, per kind whose key names a record rather than the subject's id
    through: dict[str, Callable[[list[str]], int | None]] = {
        "nudge_checkin": lambda parts: checkins.get((_int(parts[1]), _int(parts[2]))),
        "pulse": lambda parts: pulses.get((_int(parts[1]), _int(parts[2]), _int(parts[3]))),
        "digest": lambda parts: digests.get((_int(parts[1]), parts[2])),
    }
    rows = bind.execute(
        sa.select(outbox.c.id, outbox.c.kind, outbox.c.dedupe_key).where(
            outbox.c.kind.in_(sorted({*ID_IN_KEY, *through})), outbox.c.subject_id.is_(None)
        )
    ).all()
    found: list[dict[str, Any]] = []
    for row_id, kind, key in rows:
        parts = key.split(":")
        subject: int | None = None
        if kind in ID_IN_KEY:
            prefix, position = ID_IN_KEY[kind]
            if parts[0] == prefix and len(parts) > position:
                subject = _int(parts[position])
        elif len(parts) >= {"nudge_checkin": 3, "pulse": 4, "digest": 3}[kind]:
            subject = through[kind](parts)
        if subject is not None:
            found.append({"row_id": row_id, "subject": subject})
    if found:
        bind.execute(
            outbox.update()
            .where(outbox.c.id == sa.bindparam("row_id"))
            .values(subject_id=sa.bindparam("subject")),
            found,
        )


def _lookup(bind: Any, name: str, columns: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
    table = sa.table(name, sa.column("id", sa.Integer), *(sa.column(c) for c in columns))
    rows = bind.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all()
    return {tuple(row[1:]): row[0] for row in rows}


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None
