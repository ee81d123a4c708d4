"""Planning is set-based: a planner's pass issues the same handful of SQL statements for 10 pairings as
for 200, so its cost grows with rows moved in bulk, never with round trips per row.

Statements are counted with a SQLAlchemy event listener (each cursor execution once, an executemany or a
multi-row insert included) in a world where every planner has work due (tests/planner_world.py). The
speed itself is measured in bench/bench_planner.py, never here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select

from bot.app import planners
from bot.clock import FixedClock
from bot.runtime import Runtime
from storage.db import Database
from storage.models import Base, OutboxMessage
from tests.harness import TEAM_ID
from tests.planner_world import seed_world

NOW = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # a Monday afternoon: past the nudge hour in every zone


def _count_statements(db: Database, runtime: Runtime, pairings: int) -> tuple[dict[str, int], int]:
    """Statements per planner in a fresh world of `pairings`, and how many rows they queued."""
    with db.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    with db.transaction() as session:
        seed_world(session, pairings, NOW, TEAM_ID)
    counts: dict[str, int] = {}
    current: list[str] = []

    def count(*_args: Any) -> None:
        if current:
            counts[current[0]] = counts.get(current[0], 0) + 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for planner in planners():
            current[:] = [planner.__name__]
            counts[planner.__name__] = 0
            with db.transaction() as session:
                planner(runtime, session, NOW)
            current.clear()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    with db.transaction() as session:
        queued = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    return counts, queued


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def test_every_planner_issues_as_many_statements_for_200_pairings_as_for_10(db: Database, runtime: Runtime):
    small, queued_small = _count_statements(db, runtime, 10)
    large, queued_large = _count_statements(db, runtime, 200)
    # Both passes had real work: 200 pairings queue twenty times what 10 did.
    assert queued_small > 0 and queued_large >= 15 * queued_small
    assert set(small) == {p.__name__ for p in planners()}
    grown = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert not grown, f"statements per pass grew with the pairings (10 → 200): {grown}"
