"""A planner pass shared by several transactions (lanes) plans exactly what one transaction would.

On PostgreSQL the scheduler runs the planners that divide their pairings with SKIP LOCKED (check-ins,
stalled pairings, health reviews) in ``LANES`` transactions at once. These tests hold it to its promise:
every pairing planned once, the same nudges as a single lane, and the work really shared.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from bot import scheduler
from bot.app import planners
from bot.checkins.planning import plan_checkins
from bot.checkins.pulses import plan_health_reviews
from bot.checkins.stalls import plan_stalled_pairings
from bot.clock import FixedClock
from bot.logs import current_request_id, request_scope
from bot.runtime import Runtime
from storage.db import Database
from storage.models import Base, CheckIn, OutboxMessage
from tests.harness import TEAM_ID
from tests.planner_world import seed_world

NOW = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # a Monday afternoon: past the nudge hour in every zone
PAIRINGS = 2500  # three chunks of the planners' 1,000
on_postgres = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="SQLite has one writer: its planners run in one lane"
)
SHARED = (plan_checkins, plan_stalled_pairings, plan_health_reviews)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def _fresh_world(db: Database) -> None:
    """The same world each time, ids included (so two worlds' nudge keys can be compared)."""
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with db.transaction() as session:
        seed_world(session, PAIRINGS, NOW, TEAM_ID)
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))  # as after a day's autovacuum: the planner's reads use their indexes


def _queued(db: Database) -> list[tuple[str, str, str, datetime]]:
    """What the pass queued, without the ids a lane happened to draw (they sit in the payloads too)."""
    with db.transaction() as session:
        rows = session.execute(
            select(OutboxMessage.dedupe_key, OutboxMessage.kind, OutboxMessage.channel, OutboxMessage.due_at)
        ).all()
    return sorted(tuple(row) for row in rows)


def test_only_the_planners_that_skip_locked_pairings_share_a_pass(runtime: Runtime):
    expected = scheduler.LANES if not runtime.db.is_sqlite else 1
    every = planners()
    for planner in every:
        lanes = scheduler.lanes_for(runtime, planner)
        assert lanes == (expected if planner in SHARED else 1), planner.__name__
    assert all(planner in every for planner in SHARED)


@on_postgres
def test_two_lanes_queue_exactly_what_one_lane_queues(db: Database, runtime: Runtime, monkeypatch):
    monkeypatch.setattr(scheduler, "LANES", 1)
    _fresh_world(db)
    one_lane_added = scheduler.plan(runtime, list(SHARED), NOW)
    one_lane = _queued(db)

    monkeypatch.setattr(scheduler, "LANES", 2)
    _fresh_world(db)
    two_lanes_added = scheduler.plan(runtime, list(SHARED), NOW)
    two_lanes = _queued(db)

    # check-ins (one per pairing), stall nudges and health pulses (one per person) were all due
    assert one_lane_added == len(one_lane) >= PAIRINGS * 5
    assert two_lanes_added == one_lane_added
    assert two_lanes == one_lane
    assert scheduler.plan(runtime, list(SHARED), NOW) == 0  # and nothing is left for another pass


@on_postgres
def test_lanes_share_the_check_ins_and_plan_each_pairing_once(db: Database, runtime: Runtime):
    _fresh_world(db)
    both_started = threading.Barrier(2)

    def plan_together(runtime: Runtime, session, now: datetime) -> int:
        both_started.wait(timeout=30)
        return plan_checkins(runtime, session, now)

    per_lane = scheduler.plan_in_lanes(runtime, plan_together, NOW, 2)

    assert sum(per_lane) == PAIRINGS
    assert min(per_lane) > 0, f"one lane did all the work: {per_lane}"
    with db.transaction() as session:
        new_checkins = session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.due_at >= NOW.replace(hour=0))
        )
        planned_pairings = session.scalar(
            select(func.count(func.distinct(CheckIn.pairing_id))).where(CheckIn.due_at >= NOW.replace(hour=0))
        )
    assert new_checkins == planned_pairings == PAIRINGS


@on_postgres
def test_each_lane_has_a_transaction_of_its_own_and_the_ticks_request_id(db: Database, runtime: Runtime):
    seen: list[tuple[int, str | None]] = []
    both_started = threading.Barrier(2)

    def note_lane(runtime: Runtime, session, now: datetime) -> int:
        both_started.wait(timeout=30)
        seen.append((id(session), current_request_id.get()))
        return 0

    with request_scope("tick-lanes"), db.one_transaction() as outer:
        scheduler.plan_in_lanes(runtime, note_lane, NOW, 2)
    sessions = {session for session, _ in seen}
    assert len(sessions) == 2 and id(outer) not in sessions  # not the caller's shared transaction
    assert {request_id for _, request_id in seen} == {"tick-lanes"}
