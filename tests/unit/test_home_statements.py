"""An App Home page costs the same few dozen SQL statements whatever the size of the program: every section
reads its rows in bulk, never one query per pairing, introduction or person. Measured with the busy world
of tests/planner_world.py at 10 and at 200 pairings, for a mentee who is also the program admin (every
section draws) and for a lead. Time is measured in bench/, never here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select

from bot.app import HOME, build_runtime
from bot.clock import FixedClock
from bot.config import Settings
from storage.db import Database
from storage.models import Base, Pairing, Person
from tests.harness import TEAM_ID
from tests.planner_world import seed_world

NOW = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
# Today's count is 43 with every section drawn; the ceiling leaves room for a new section's few queries.
CEILING = 50


class _Client:
    def views_publish(self, **kwargs: Any) -> None:
        self.view = kwargs["view"]


def _statements_per_page(db: Database, pairings: int) -> dict[str, tuple[int, int]]:
    """(statements, pool checkouts) per page, for the admin and for the lead."""
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    with db.transaction() as session:
        seed_world(session, pairings, NOW, TEAM_ID)
        mentee = session.scalar(
            select(Person.slack_user_id).join(Pairing, Pairing.mentee_id == Person.id).limit(1)
        )
        managers = select(Person.manager_id).where(Person.manager_id.is_not(None))
        lead = session.scalar(select(Person.slack_user_id).where(Person.id.in_(managers)).limit(1))
    assert mentee and lead
    settings = Settings(slack_bot_token="xoxb-test", admin_user_ids=(mentee,))
    runtime = build_runtime(settings, clock=FixedClock(NOW), db=db)
    counts: dict[str, tuple[int, int]] = {}
    for who, user_id in (("admin", mentee), ("lead", lead)):
        seen = [0, 0]

        def count(*_args: Any, seen: list[int] = seen) -> None:
            seen[0] += 1

        def checkout(*_args: Any, seen: list[int] = seen) -> None:
            seen[1] += 1

        client = _Client()
        event.listen(db.engine, "before_cursor_execute", count)
        event.listen(db.engine, "checkout", checkout)
        try:
            HOME.publish(runtime, client, TEAM_ID, user_id)  # type: ignore[arg-type]
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
            event.remove(db.engine, "checkout", checkout)
        assert client.view["blocks"], f"the {who}'s page is empty"
        counts[who] = (seen[0], seen[1])
    return counts


def test_an_app_home_page_issues_as_many_statements_for_200_pairings_as_for_10(db: Database):
    small = _statements_per_page(db, 10)
    large = _statements_per_page(db, 200)
    assert large == small, f"statements per page grew with the program (10 → 200 pairings): {small} → {large}"
    assert max(statements for statements, _ in large.values()) <= CEILING, large


def test_an_app_home_page_is_one_transaction(db: Database):
    """Its sections only read: one pool checkout, one BEGIN/COMMIT and one snapshot for the whole page."""
    pages = _statements_per_page(db, 10)
    assert {who: checkouts for who, (_, checkouts) in pages.items()} == {"admin": 1, "lead": 1}
