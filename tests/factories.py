"""Seed rows for tests, and register the same people with the fake Slack."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.demo.slack_standin import SlackStandIn
from storage.models import Agreement, CopilotProfile, Pairing, Person
from tests.harness import TEAM_ID

TZ_OFFSETS = {
    "America/New_York": -5 * 3600,
    "Europe/Berlin": 3600,
    "Europe/London": 0,
    "Asia/Kolkata": 19800,
    "UTC": 0,
}


def person(
    session: Session,
    slack_user_id: str,
    now: datetime,
    *,
    name: str | None = None,
    tz: str = "Europe/Berlin",
    team_id: str = TEAM_ID,
    slack: SlackStandIn | None = None,
    **fields: Any,
) -> Person:
    """A people row; with `slack`, the same user is added to the fake Slack (users.info etc. work)."""
    display = name or slack_user_id.lower()
    row = Person(
        team_id=team_id,
        slack_user_id=slack_user_id,
        name=display,
        real_name=fields.pop("real_name", display.title()),
        tz=tz,
        tz_offset=fields.pop("tz_offset", TZ_OFFSETS.get(tz, 0)),
        created_at=now,
        synced_at=now,
        **fields,
    )
    session.add(row)
    session.flush()
    if slack is not None:
        slack.add_user(
            slack_user_id,
            name=display,
            real_name=row.real_name,
            tz=tz,
            deleted=row.is_deleted,
            is_bot=row.is_bot,
            is_restricted=row.is_guest,
            is_admin=row.is_workspace_admin,
            team_id=team_id,
        )
    return row


def volunteer(
    session: Session, who: Person, now: datetime, *, topics: list[str], capacity: int = 1, **fields: Any
) -> CopilotProfile:
    profile = CopilotProfile(
        person_id=who.id,
        team_id=who.team_id,
        topics=topics,
        capacity=capacity,
        created_at=now,
        updated_at=now,
        **fields,
    )
    session.add(profile)
    session.flush()
    return profile


def pairing(
    session: Session,
    mentee: Person,
    copilot: Person,
    now: datetime,
    *,
    state: str = "active",
    cadence: str = "weekly",
    channel_id: str | None = None,
    **fields: Any,
) -> Pairing:
    row = Pairing(
        team_id=mentee.team_id,
        mentee_id=mentee.id,
        copilot_id=copilot.id,
        state=state,
        cadence=cadence,
        channel_id=channel_id,
        created_at=now,
        activated_at=now if state in ("active", "paused", "stalled") else None,
        **fields,
    )
    session.add(row)
    session.flush()
    return row


def agreement(
    session: Session,
    pair: Pairing,
    now: datetime,
    *,
    terms: dict[str, Any],
    version: int = 1,
    confirmed: bool = True,
) -> Agreement:
    row = Agreement(
        team_id=pair.team_id,
        pairing_id=pair.id,
        version=version,
        status="confirmed" if confirmed else "drafting",
        terms=terms,
        proposals={},
        created_at=now,
        mentee_confirmed_at=now if confirmed else None,
        copilot_confirmed_at=now if confirmed else None,
        confirmed_at=now if confirmed else None,
    )
    session.add(row)
    session.flush()
    return row


def standard_terms(**overrides: Any) -> dict[str, Any]:
    terms = {
        "relationship_kind": "copilot",
        "cadence": "weekly",
        "meeting_minutes": 45,
        "meeting_format": "video",
        "length": {"meetings": 6},
        "organiser": "mentee",
        "preferred_days": [],
        "time_window": None,
        "goals": "Get better at giving feedback to senior colleagues",
        "offer": "Ten years of code review and feedback practice",
        "expectations": {"mentee": "Honest feedback", "copilot": "Come prepared"},
        "confidentiality": True,
    }
    terms.update(overrides)
    return terms


def day(text: str) -> date:
    return date.fromisoformat(text)
