"""planner writes less: three unused indexes dropped, outbox payloads as text, room for HOT updates

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 20:20:00

A check-in pass writes 100,000 check-ins, moves 100,000 pairings' next check-in and queues 100,000
nudges; every index on those tables is one more insert per row. These three serve no query:
``pairings.next_checkin_at`` (the planner reads due pairings in id order; the index also made each move
of the date a non-HOT update), ``checkins.pairing_id`` (the unique (pairing_id, cycle) index leads with
it) and ``outbox.team_id`` (only a data-rights request reads a workspace's rows).

On PostgreSQL the outbox's payload becomes TEXT (only Python reads it; JSON made the server parse
every document written), and pairings get fillfactor 50, so moving every pairing's next check-in in one
pass is a HOT update (the new row version on its own page, no index entries). Existing pages keep their
fill until rewritten (VACUUM FULL pairings, at a quiet hour, if an old database needs it).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = (
    ("pairings", "ix_pairings_next_checkin_at", "next_checkin_at"),
    ("checkins", "ix_checkins_pairing_id", "pairing_id"),
    ("outbox", "ix_outbox_team_id", "team_id"),
)


def upgrade() -> None:
    for table, name, _column in DROPPED:
        op.drop_index(name, table_name=table)
    if op.get_bind().dialect.name == "postgresql":  # SQLite stores JSON as text already
        op.execute("ALTER TABLE outbox ALTER COLUMN payload TYPE TEXT USING payload::text")
        op.execute("ALTER TABLE pairings SET (fillfactor = 50)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE pairings RESET (fillfactor)")
        op.execute("ALTER TABLE outbox ALTER COLUMN payload TYPE JSON USING payload::json")
    for table, name, column in DROPPED:
        op.create_index(name, table, [column], unique=False)
