"""The one builder of test rows: every world in tests/worlds/ and every test that seeds rows uses these.

Each function adds one row with the defaults a real flow would have given it (its workspace taken from
the person or pairing it belongs to, its creation time `now`), flushes it so its id is known, and
returns it. `person(..., slack=...)` also registers the same user with the fake Slack.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.demo.slack_standin import SlackStandIn
from storage.models import (
    Agreement,
    BuddyOffer,
    BuddyPairing,
    CheckIn,
    Contact,
    CopilotProfile,
    ExpectationAnswer,
    Introduction,
    MentoringRequest,
    Offer,
    Pairing,
    Person,
    Promise,
    Pulse,
    Reflection,
    ReportBack,
)
from tests.harness import TEAM_ID, RunningBot

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
    proposals: dict[str, Any] | None = None,
) -> Agreement:
    row = Agreement(
        team_id=pair.team_id,
        pairing_id=pair.id,
        version=version,
        status="confirmed" if confirmed else "drafting",
        terms=terms,
        proposals=proposals or {},
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


def _add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def checkin(session: Session, pair: Pairing, due_at: datetime, *, cycle: int = 1, **fields: Any) -> CheckIn:
    return _add(
        session, CheckIn(team_id=pair.team_id, pairing_id=pair.id, cycle=cycle, due_at=due_at, **fields)
    )


def report_back(
    session: Session, pair: Pairing, author: Person, text: str, now: datetime, **fields: Any
) -> ReportBack:
    row = ReportBack(
        team_id=pair.team_id, pairing_id=pair.id, author_id=author.id, text=text, created_at=now, **fields
    )
    return _add(session, row)


def pulse(
    session: Session, pair: Pairing, who: Person, asked_at: datetime, *, round: int = 1, **fields: Any
) -> Pulse:
    row = Pulse(
        team_id=pair.team_id, pairing_id=pair.id, person_id=who.id, round=round, asked_at=asked_at, **fields
    )
    return _add(session, row)


def answers(
    session: Session, pair: Pairing, who: Person, given: dict[str, Any], now: datetime, **fields: Any
) -> ExpectationAnswer:
    row = ExpectationAnswer(
        team_id=pair.team_id, pairing_id=pair.id, person_id=who.id, answers=given, submitted_at=now, **fields
    )
    return _add(session, row)


def reflection(session: Session, pair: Pairing, author: Person, text: str, now: datetime) -> Reflection:
    row = Reflection(team_id=pair.team_id, pairing_id=pair.id, author_id=author.id, text=text, created_at=now)
    return _add(session, row)


def request(
    session: Session, mentee: Person, now: datetime, *, goals: str, status: str = "open", **fields: Any
) -> MentoringRequest:
    fields.setdefault("cadence", "weekly")
    row = MentoringRequest(
        team_id=mentee.team_id, mentee_id=mentee.id, goals=goals, status=status, created_at=now, **fields
    )
    return _add(session, row)


def offer(
    session: Session,
    to: MentoringRequest,
    copilot: Person,
    now: datetime,
    *,
    status: str = "pending",
    **fields: Any,
) -> Offer:
    fields.setdefault("expires_at", now + timedelta(days=3))
    row = Offer(
        team_id=to.team_id, request_id=to.id, copilot_id=copilot.id, status=status, created_at=now, **fields
    )
    return _add(session, row)


def buddy_pairing(
    session: Session,
    new_hire: Person,
    buddy: Person | None,
    now: datetime,
    *,
    state: str = "active",
    **fields: Any,
) -> BuddyPairing:
    """An onboarding buddy pairing; active ones run their 90 days from `now`."""
    fields.setdefault("started_on", now.date())
    fields.setdefault("term_days", 90)
    if state == "active":
        fields.setdefault("activated_at", now)
        fields.setdefault("ends_at", now + timedelta(days=fields["term_days"]))
    row = BuddyPairing(
        team_id=new_hire.team_id,
        new_hire_id=new_hire.id,
        buddy_id=buddy.id if buddy else None,
        state=state,
        checklist=fields.pop("checklist", []),
        checkins_sent=fields.pop("checkins_sent", 0),
        created_at=now,
        **fields,
    )
    return _add(session, row)


def buddy_offer(
    session: Session, to: BuddyPairing, buddy: Person, now: datetime, **fields: Any
) -> BuddyOffer:
    fields.setdefault("expires_at", now + timedelta(days=3))
    fields.setdefault("status", "pending")
    row = BuddyOffer(team_id=to.team_id, buddy_pairing_id=to.id, buddy_id=buddy.id, created_at=now, **fields)
    return _add(session, row)


def introduction(
    session: Session,
    introducer: Person,
    introduced: Person,
    contact: Person,
    now: datetime,
    *,
    reason: str,
    **fields: Any,
) -> Introduction:
    row = Introduction(
        team_id=introducer.team_id,
        introducer_id=introducer.id,
        introduced_id=introduced.id,
        contact_id=contact.id,
        reason=reason,
        created_at=now,
        **fields,
    )
    return _add(session, row)


def contact(session: Session, owner: Person, now: datetime, *, name: str, **fields: Any) -> Contact:
    row = Contact(
        team_id=owner.team_id, owner_id=owner.id, name=name, created_at=now, updated_at=now, **fields
    )
    return _add(session, row)


def promise(
    session: Session, owner: Person, now: datetime, *, text: str, due_on: date, **fields: Any
) -> Promise:
    row = Promise(
        team_id=owner.team_id, owner_id=owner.id, text=text, due_on=due_on, created_at=now, **fields
    )
    return _add(session, row)


def seed_pair(
    bot: RunningBot,
    *,
    mentee_tz: str = "Europe/Berlin",
    copilot_tz: str = "Europe/Berlin",
    cadence: str = "weekly",
    activated: datetime | None = None,
    **terms: Any,
) -> int:
    """Ana (mentee) and Sam (copilot), active since `activated` with a confirmed agreement; the pairing id."""
    at = activated or bot.clock.now()
    with bot.runtime.db.transaction() as session:
        ana = person(session, "UANA", at, name="ana", real_name="Ana Ruiz", tz=mentee_tz, slack=bot.slack)
        sam = person(session, "USAM", at, name="sam", real_name="Sam Lee", tz=copilot_tz, slack=bot.slack)
        pair = pairing(session, ana, sam, at, cadence=cadence)
        agreement(session, pair, at, terms=standard_terms(cadence=cadence, **terms))
        return pair.id
