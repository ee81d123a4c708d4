"""the copilot vocabulary: the person who mentors is a copilot in tables too

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:00:00

mentor_profiles → copilot_profiles, and every mentor_* column → copilot_*. Stored role words follow:
pairings.organiser and the organiser answer, the role keys of agreed expectations, and who proposed a
value all say "copilot" where they said "mentor".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, old column, new column, indexed, referenced table or None)
_COLUMNS = [
    ("offers", "mentor_id", "copilot_id", True, "people"),
    ("pairings", "mentor_id", "copilot_id", True, "people"),
    ("mentoring_requests", "named_mentor_id", "named_copilot_id", True, "people"),
    ("agreements", "mentor_confirmed_at", "copilot_confirmed_at", False, None),
    ("report_backs", "shared_with_mentor", "shared_with_copilot", False, None),
]


def upgrade() -> None:
    _rename_profiles("mentor_profiles", "copilot_profiles")
    for table, old, new, indexed, referred in _COLUMNS:
        _rename_column(table, old, new, indexed, referred)
    _swap_role_word("mentor", "copilot")


def downgrade() -> None:
    _swap_role_word("copilot", "mentor")
    for table, old, new, indexed, referred in reversed(_COLUMNS):
        _rename_column(table, new, old, indexed, referred)
    _rename_profiles("copilot_profiles", "mentor_profiles")


def _rename_profiles(old: str, new: str) -> None:
    op.rename_table(old, new)
    with op.batch_alter_table(new, schema=None, recreate="always") as batch:
        batch.drop_index(f"ix_{old}_team_id")
        batch.create_index(f"ix_{new}_team_id", ["team_id"], unique=False)
        batch.drop_constraint(f"fk_{old}_person_id_people", type_="foreignkey")
        batch.create_foreign_key(
            f"fk_{new}_person_id_people", "people", ["person_id"], ["id"], ondelete="CASCADE"
        )
        batch.drop_constraint(f"pk_{old}", type_="primary")
        batch.create_primary_key(f"pk_{new}", ["person_id"])


def _rename_column(table: str, old: str, new: str, indexed: bool, referred: str | None) -> None:
    with op.batch_alter_table(table, schema=None) as batch:
        if indexed:
            batch.drop_index(f"ix_{table}_{old}")
        if referred:
            batch.drop_constraint(f"fk_{table}_{old}_{referred}", type_="foreignkey")
        batch.alter_column(old, new_column_name=new)
    with op.batch_alter_table(table, schema=None) as batch:
        if indexed:
            batch.create_index(f"ix_{table}_{new}", [new], unique=False)
        if referred:
            ondelete = "SET NULL" if new.startswith("named_") else "CASCADE"
            batch.create_foreign_key(
                f"fk_{table}_{new}_{referred}", referred, [new], ["id"], ondelete=ondelete
            )


def _swap_role_word(old: str, new: str) -> None:
    bind = op.get_bind()
    pairings = sa.table("pairings", sa.column("organiser", sa.String))
    bind.execute(pairings.update().where(pairings.c.organiser == old).values(organiser=new))
    role = {old: new}.get

    def answers(data: dict[str, Any]) -> dict[str, Any]:
        return (
            {**data, "organiser": role(data["organiser"], data["organiser"])} if "organiser" in data else data
        )

    def terms(data: dict[str, Any]) -> dict[str, Any]:
        data = answers(data)
        if isinstance(data.get("expectations"), dict):
            data = {**data, "expectations": {role(k, k): v for k, v in data["expectations"].items()}}
        return data

    def proposals(data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, entry in data.items():
            if key == "term_end" and isinstance(entry, dict):
                entry = {role(k, k): v for k, v in entry.items()}
            elif isinstance(entry, dict) and "by" in entry:
                entry = {**entry, "by": role(entry["by"], entry["by"])}
                if key == "organiser":
                    entry["value"] = role(entry.get("value"), entry.get("value"))
            out[key] = entry
        return out

    for name, columns in (
        ("expectation_answers", {"answers": answers}),
        ("agreements", {"terms": terms, "proposals": proposals}),
    ):
        table = sa.table(name, sa.column("id", sa.Integer), *(sa.column(c, sa.JSON) for c in columns))
        for row in bind.execute(sa.select(table)).mappings().all():
            changed = {c: swap(row[c]) for c, swap in columns.items() if isinstance(row[c], dict)}
            changed = {c: v for c, v in changed.items() if v != row[c]}
            if changed:
                bind.execute(table.update().where(table.c.id == row["id"]).values(**changed))
