"""Building matching's inputs from the database: capacity left, the 90-day decline window, pauses."""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import FixedClock
from bot.copilots.match_data import load_match_data, match_rules
from bot.people.program_settings import ProgramSettings
from storage.db import Database
from storage.models import MentoringRequest, Offer
from tests.harness import TEAM_ID
from tests.worlds import make


def _request(session, mentee, now, status="open") -> MentoringRequest:
    row = MentoringRequest(
        team_id=TEAM_ID,
        mentee_id=mentee.id,
        goals="g" * 30,
        topics=["Testing"],
        cadence="weekly",
        status=status,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def _offer(session, request, copilot, now, status, answered_days_ago=None) -> Offer:
    answered = now - timedelta(days=answered_days_ago) if answered_days_ago is not None else None
    row = Offer(
        team_id=TEAM_ID,
        request_id=request.id,
        copilot_id=copilot.id,
        status=status,
        created_at=now,
        expires_at=now + timedelta(days=3),
        answered_at=answered,
    )
    session.add(row)
    session.flush()
    return row


def test_capacity_left_counts_open_pairings_and_pending_offers(db: Database, clock: FixedClock):
    now = clock.now()
    with db.transaction() as session:
        vic = make.person(session, "UVIC", now, org_team="Platform", level=3)
        a, b, c, d = (make.person(session, f"UM{i}", now) for i in range(4))
        make.volunteer(session, vic, now, topics=["Testing", "code review"], capacity=3)
        make.pairing(session, a, vic, now, state="active")
        make.pairing(session, b, vic, now, state="ended")  # ended: frees the place
        _offer(session, _request(session, c, now, "offered"), vic, now, "pending")
        _offer(session, _request(session, d, now), vic, now, "declined", answered_days_ago=1)

        data = load_match_data(session, TEAM_ID, now)
        [profile] = data.volunteers
        assert profile.capacity == 3 and profile.current_load == 2 and profile.remaining_capacity == 1
        assert profile.topics == frozenset({"Testing", "Code review"})  # one spelling per workspace topic
        assert profile.team == "Platform" and profile.level == 3 and profile.utc_offset_minutes == 60
        assert (a.id, vic.id) in data.history.current_pairs
        assert (b.id, vic.id) in data.history.past_pairs and (b.id, vic.id) not in data.history.current_pairs


def test_declines_count_for_90_days(db: Database, clock: FixedClock):
    now = clock.now()
    with db.transaction() as session:
        vic = make.person(session, "UVIC", now)
        recent, old, expired = (make.person(session, f"UM{i}", now) for i in range(3))
        make.volunteer(session, vic, now, topics=["Testing"])
        _offer(session, _request(session, recent, now), vic, now, "declined", answered_days_ago=89)
        _offer(session, _request(session, old, now), vic, now, "declined", answered_days_ago=91)
        _offer(session, _request(session, expired, now), vic, now, "expired", answered_days_ago=1)
        declined = load_match_data(session, TEAM_ID, now).history.recently_declined
        assert declined == frozenset({(recent.id, vic.id)})


def test_paused_switched_off_and_past_availability_count_as_paused(db: Database, clock: FixedClock):
    now = clock.now()
    today = now.date()
    with db.transaction() as session:
        rows = {
            "paused": dict(paused_until=today + timedelta(days=1)),
            "pause_over": dict(paused_until=today),
            "off": dict(active=False),
            "gone": dict(available_until=today - timedelta(days=1)),
            "until_later": dict(available_until=date(2026, 12, 31)),
        }
        ids = {}
        for name, fields in rows.items():
            who = make.person(session, f"U{name.upper()}", now)
            make.volunteer(session, who, now, topics=["Testing"], **fields)
            ids[who.id] = name
        left = make.person(session, "ULEFT", now, is_deleted=True)
        make.volunteer(session, left, now, topics=["Testing"])
        data = load_match_data(session, TEAM_ID, now)
        paused = {ids[v.person_id] for v in data.volunteers if v.paused and v.person_id in ids}
        assert paused == {"paused", "off", "gone"}
        assert next(v for v in data.volunteers if v.person_id == left.id).deactivated


def test_org_chart_and_rules_come_from_people_and_program_settings(db: Database, clock: FixedClock):
    now = clock.now()
    with db.transaction() as session:
        boss = make.person(session, "UBOSS", now)
        mia = make.person(session, "UMIA", now, manager_id=boss.id)
        data = load_match_data(session, TEAM_ID, now, seed=7)
        assert data.org.reporting_line(mia.id) == (boss.id,)
        assert data.rules.seed == 7 and data.rules.max_tz_gap_hours == 8.0
    rules = match_rules(
        ProgramSettings(max_tz_gap_hours=3, reporting_line_depth=2, allow_guests=True, prefer_senior=True)
    )
    assert (rules.max_tz_gap_hours, rules.reporting_line_depth, rules.allow_guests, rules.prefer_senior) == (
        3,
        2,
        True,
        True,
    )
