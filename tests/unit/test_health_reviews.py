"""The health-review planner asks each person once per round, each workspace at its own interval.

A round is ``days since activation // health_review_days`` (UTC dates). The planner first asks the
database which pairings' rounds have come and were not asked, then reads only those; these tests hold
that short-cut to the rule, counted here independently, over pairings of every age in two workspaces
with different intervals, across passes and days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.checkins import pulses
from bot.checkins.pulses import plan_health_reviews
from bot.clock import FixedClock
from bot.people import program_settings as program
from bot.runtime import Runtime
from storage.db import Database
from storage.models import Pulse
from tests.harness import TEAM_ID
from tests.worlds import make

NOW = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
OTHER_TEAM = "TOTHER"
EVERY = {TEAM_ID: 60, OTHER_TEAM: 21}
AGES = [0, 6, 20, 21, 41, 42, 59, 60, 61, 119, 120, 130, 365]  # days since activation


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def _world(db: Database) -> dict[int, tuple[str, datetime]]:
    """A pairing per age in each workspace, one of them asked its first round already."""
    pairings = {}
    with db.transaction() as session:
        program.save(session, OTHER_TEAM, replace(program.ProgramSettings(), health_review_days=21), NOW)
        for team in EVERY:
            for n, age in enumerate(AGES):
                activated = NOW - timedelta(days=age, hours=n % 5)
                mentee = make.person(session, f"U{team}M{n}", activated, team_id=team)
                copilot = make.person(session, f"U{team}C{n}", activated, team_id=team)
                pair = make.pairing(session, mentee, copilot, activated)
                pairings[pair.id] = (team, activated)
                if age == 130 and team == TEAM_ID:  # round 2 has come; round 1 was asked long ago
                    for who in (mentee, copilot):
                        make.pulse(session, pair, who, activated + timedelta(days=60), round=1)
    return pairings


def _rounds_due(pairings: dict[int, tuple[str, datetime]], now: datetime) -> Counter[tuple[int, int]]:
    """(pairing, round) -> questions (one per person) by the rule, for rounds that have come."""
    due: Counter[tuple[int, int]] = Counter()
    for pairing_id, (team, activated) in pairings.items():
        review_round = (now.date() - activated.date()).days // EVERY[team]
        if review_round >= 1:
            due[(pairing_id, review_round)] = 2
    return due


def _asked(db: Database) -> Counter[tuple[int, int]]:
    with db.transaction() as session:
        return Counter(
            (row.pairing_id, row.round) for row in session.execute(select(Pulse.pairing_id, Pulse.round))
        )


@pytest.mark.parametrize("read", ["as ranges", "as lists"])
def test_each_round_is_asked_once_per_person_at_each_workspaces_interval(
    db: Database, runtime: Runtime, monkeypatch, read: str
):
    if read == "as lists":  # as for pairings scattered over the ids, the usual day's round
        monkeypatch.setattr(pulses, "DENSE_SPAN", 0)
    pairings = _world(db)
    already = _asked(db)

    with db.transaction() as session:
        first = plan_health_reviews(runtime, session, NOW)
    asked = _asked(db) - already
    expected = _rounds_due(pairings, NOW)
    assert asked == expected
    assert first == sum(expected.values())  # one question queued per pulse asked

    with db.transaction() as session:
        assert plan_health_reviews(runtime, session, NOW) == 0  # a second pass asks nothing

    later = NOW + timedelta(days=21)
    with db.transaction() as session:
        plan_health_reviews(runtime, session, later)
    new = _asked(db) - already - asked
    # only the rounds that came in those 21 days, each workspace at its own interval
    assert new == _rounds_due(pairings, later) - _rounds_due(pairings, NOW)
    assert any(pairings[p][0] == OTHER_TEAM for p, _ in new) and any(
        pairings[p][0] == TEAM_ID for p, _ in new
    )
