"""A world where every planner has work due, seeded with Core inserts (fast enough for 100,000 pairings).

Used by bench/bench_planner.py and by the statement-count test (tests/unit/test_planner_statements.py).
At `now` (a Monday afternoon in UTC, past the nudge hour in all three zones): `count` active pairings of
2 x `count` people in three time zones, each with a confirmed agreement of six meetings, one met check-in
and the next one due now (one cycle: the one after falls a week later), activated 70 days ago (a health
review is due) and last met two weeks ago on a weekly cadence (a stall nudge is due); beside them
`count`/10 pairings setting expectations for 8 days (their second reminders are due), `count`/10
introductions made 8 days ago, `count`/10 contacts and `count`/10 promises due today, and one lead per
100 people (the org chart's managers) whose weekly digest is due.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from storage.models import Agreement, CheckIn, Contact, Introduction, Pairing, Person, Promise

ZONES = ("Europe/Berlin", "America/New_York", "Asia/Kolkata")
BATCH = 5000


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _ids(session: Session, model: Any, team: str) -> list[int]:
    return list(session.scalars(select(model.id).where(model.team_id == team).order_by(model.id)))


def seed_world(session: Session, count: int, now: datetime, team: str) -> None:
    activated = now - timedelta(days=70)
    met = now - timedelta(days=14)
    tenth = max(1, count // 10)
    _insert(
        session,
        Person,
        [
            dict(
                team_id=team,
                slack_user_id=f"U{team}{n:07d}",
                name=f"p{n}",
                real_name=f"Person {n}",
                tz=ZONES[n % 3],
                tz_offset=0,
                created_at=activated,
            )
            for n in range(count * 2)
        ],
    )
    people = _ids(session, Person, team)
    # One lead per 100 people: the org chart's managers, whose weekly digest is due.
    leads = people[::100]
    session.execute(
        Person.__table__.update()
        .where(Person.__table__.c.id == bindparam("pid"))
        .values(manager_id=bindparam("lead")),
        [{"pid": pid, "lead": leads[i // 100]} for i, pid in enumerate(people) if i % 100],
    )
    _insert(
        session,
        Pairing,
        [
            dict(
                team_id=team,
                mentee_id=people[2 * n],
                copilot_id=people[2 * n + 1],
                state="active",
                cadence="weekly",
                organiser="mentee",
                created_at=activated,
                activated_at=activated,
                last_met_at=met - timedelta(hours=n % 7),
                next_checkin_at=now,
                version=0,
            )
            for n in range(count)
        ]
        + [
            dict(
                team_id=team,
                mentee_id=people[2 * n + 1],
                copilot_id=people[2 * n],
                state="setting_expectations",
                cadence="weekly",
                organiser="mentee",
                created_at=now - timedelta(days=8),
                version=0,
            )
            for n in range(tenth)
        ],
    )
    pairings = _ids(session, Pairing, team)
    active, setting = pairings[:count], pairings[count:]
    terms = {"cadence": "weekly", "organiser": "mentee", "length": {"meetings": 6}}
    _insert(
        session,
        Agreement,
        [
            dict(
                team_id=team,
                pairing_id=pid,
                version=1,
                status="confirmed",
                terms=terms,
                proposals={},
                created_at=activated,
                confirmed_at=activated,
            )
            for pid in active
        ]
        + [
            dict(
                team_id=team,
                pairing_id=pid,
                version=1,
                status="drafting",
                terms={},
                proposals={},
                created_at=now - timedelta(days=8),
            )
            for pid in setting
        ],
    )
    _insert(
        session,
        CheckIn,
        [dict(team_id=team, pairing_id=pid, cycle=1, due_at=met, status="met", met_at=met) for pid in active],
    )
    _insert(
        session,
        Introduction,
        [
            dict(
                team_id=team,
                introducer_id=people[3 * n % len(people)],
                introduced_id=people[(3 * n + 1) % len(people)],
                contact_id=people[(3 * n + 2) % len(people)],
                reason="",
                status="made",
                follow_ups_sent=0,
                created_at=now - timedelta(days=8),
            )
            for n in range(tenth)
        ],
    )
    today = now.date()
    _insert(
        session,
        Contact,
        [
            dict(
                team_id=team,
                owner_id=people[n],
                slack_user_id=f"U{n + 1:07d}",
                name=f"Contact {n}",
                keep_in_touch_days=30,
                last_talked_at=today - timedelta(days=30),
                touch_due_on=today,
                created_at=activated,
                updated_at=activated,
            )
            for n in range(tenth)
        ],
    )
    _insert(
        session,
        Promise,
        [
            dict(
                team_id=team,
                owner_id=people[n],
                to_slack_user_id=f"U{n + 1:07d}",
                to_name="",
                text=f"send the notes {n}",
                due_on=today,
                status="open",
                nudges_sent=0,
                created_at=activated,
            )
            for n in range(tenth)
        ],
    )
