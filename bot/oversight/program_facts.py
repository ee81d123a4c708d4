"""The reads behind lead and admin summaries, digests and the export: program-level columns only, named one
by one, turned into the facts `bot.rules.summary_figures` computes with; and who leads whom.

Never select a whole ORM entity of a table that has private columns here: a test
(tests/flows/test_summaries.py) watches every statement the summary, the digest planner and the export
send, and fails if a column listed by storage.models.private_columns() appears in one.

It lives in `bot.oversight`, not `storage`, because it builds the rules' fact dataclasses: storage is the
bottom layer and imports nothing from `bot`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.rules.summary_figures import (
    BuddyFacts,
    IntroFacts,
    MeetingFacts,
    OfferFacts,
    PairingFacts,
    PersonFacts,
    ProgramFacts,
    PulseFacts,
    RequestFacts,
    VolunteerFacts,
)
from storage.models import (
    BuddyPairing,
    CheckIn,
    CopilotProfile,
    Introduction,
    LeadUsergroup,
    MentoringRequest,
    Offer,
    Pairing,
    Person,
    Pulse,
)

# Meetings older than this don't change any figure or the 12-week chart.
MEETINGS_WINDOW = timedelta(days=120)


def program_facts(session: Session, team_id: str, now: datetime) -> ProgramFacts:
    """Every program-level fact about one workspace that a summary, digest or export uses."""
    facts = ProgramFacts()
    for row in session.execute(
        select(
            Person.id,
            Person.slack_user_id,
            Person.real_name,
            Person.name,
            Person.org_team,
            Person.tz,
            Person.is_deleted,
        ).where(Person.team_id == team_id, Person.is_bot.is_(False))
    ):
        facts.people[row.id] = PersonFacts(
            id=row.id,
            slack_user_id=row.slack_user_id,
            name=row.real_name or row.name or row.slack_user_id,
            org_team=row.org_team,
            tz=row.tz,
            is_deleted=row.is_deleted,
        )
    facts.volunteers = [
        VolunteerFacts(r.person_id, r.capacity, r.active, r.paused_until)
        for r in session.execute(
            select(
                CopilotProfile.person_id,
                CopilotProfile.capacity,
                CopilotProfile.active,
                CopilotProfile.paused_until,
            ).where(CopilotProfile.team_id == team_id)
        )
    ]
    facts.requests = [
        RequestFacts(r.id, r.mentee_id, r.status, r.created_at)
        for r in session.execute(
            select(
                MentoringRequest.id,
                MentoringRequest.mentee_id,
                MentoringRequest.status,
                MentoringRequest.created_at,
            ).where(MentoringRequest.team_id == team_id)
        )
    ]
    facts.offers = [
        OfferFacts(r.id, r.request_id, r.copilot_id, r.status)
        for r in session.execute(
            select(Offer.id, Offer.request_id, Offer.copilot_id, Offer.status).where(
                Offer.team_id == team_id, Offer.status == "pending"
            )
        )
    ]
    facts.pairings = [
        PairingFacts(
            id=r.id,
            mentee_id=r.mentee_id,
            copilot_id=r.copilot_id,
            request_id=r.request_id,
            state=r.state,
            cadence=r.cadence,
            cross_team=r.cross_team,
            created_at=r.created_at,
            activated_at=r.activated_at,
            last_met_at=r.last_met_at,
            next_checkin_at=r.next_checkin_at,
            ended_at=r.ended_at,
            end_reason=r.end_reason,
        )
        for r in session.execute(
            select(
                Pairing.id,
                Pairing.mentee_id,
                Pairing.copilot_id,
                Pairing.request_id,
                Pairing.state,
                Pairing.cadence,
                Pairing.cross_team,
                Pairing.created_at,
                Pairing.activated_at,
                Pairing.last_met_at,
                Pairing.next_checkin_at,
                Pairing.ended_at,
                Pairing.end_reason,
            )
            .where(Pairing.team_id == team_id)
            .order_by(Pairing.id)
        )
    ]
    facts.meetings = [
        MeetingFacts(r.pairing_id, r.met_at)
        for r in session.execute(
            select(CheckIn.pairing_id, func.coalesce(CheckIn.met_at, CheckIn.answered_at).label("met_at"))
            .where(
                CheckIn.team_id == team_id,
                CheckIn.status == "met",
                func.coalesce(CheckIn.met_at, CheckIn.answered_at) > now - MEETINGS_WINDOW,
            )
            .order_by(CheckIn.pairing_id)
        )
        if r.met_at is not None
    ]
    facts.introductions = [
        IntroFacts(r.introducer_id, r.introduced_id, r.contact_id, r.status)
        for r in session.execute(
            select(
                Introduction.introducer_id,
                Introduction.introduced_id,
                Introduction.contact_id,
                Introduction.status,
            ).where(Introduction.team_id == team_id)
        )
    ]
    facts.pulses = [
        PulseFacts(r.pairing_id, r.person_id, r.score, r.answered_at)
        for r in session.execute(
            select(Pulse.pairing_id, Pulse.person_id, Pulse.score, Pulse.answered_at)
            .where(Pulse.team_id == team_id, Pulse.score.is_not(None), Pulse.answered_at.is_not(None))
            .order_by(Pulse.answered_at)
        )
    ]
    facts.buddies = [
        BuddyFacts(r.id, r.new_hire_id, r.buddy_id, r.state)
        for r in session.execute(
            select(BuddyPairing.id, BuddyPairing.new_hire_id, BuddyPairing.buddy_id, BuddyPairing.state)
            .where(BuddyPairing.team_id == team_id)
            .order_by(BuddyPairing.id)
        )
    ]
    return facts


def meeting_counts(session: Session, team_id: str) -> dict[int, int]:
    """pairing id -> check-ins answered 'met', over the whole life of each pairing (for the export)."""
    return {
        r.pairing_id: r.n
        for r in session.execute(
            select(CheckIn.pairing_id, func.count().label("n"))
            .where(CheckIn.team_id == team_id, CheckIn.status == "met")
            .group_by(CheckIn.pairing_id)
        )
    }


def people_with_reports(session: Session, team_id: str) -> set[int]:
    """Ids of everyone who is someone's manager (a lead by the org chart)."""
    managers = select(Person.manager_id).where(Person.team_id == team_id, Person.manager_id.is_not(None))
    return set(session.scalars(managers.distinct()))


def person_ids_for_users(session: Session, team_id: str, user_ids: Iterable[str]) -> set[int]:
    wanted = list(set(user_ids))
    found: set[int] = set()
    for start in range(0, len(wanted), 1000):
        found.update(
            session.scalars(
                select(Person.id).where(
                    Person.team_id == team_id, Person.slack_user_id.in_(wanted[start : start + 1000])
                )
            )
        )
    return found


def usergroup_assignments(
    session: Session, team_id: str, lead_person_id: int | None = None
) -> list[LeadUsergroup]:
    # LeadUsergroup has no private columns, so reading whole rows is fine here.
    query = select(LeadUsergroup).where(LeadUsergroup.team_id == team_id)
    if lead_person_id is not None:
        query = query.where(LeadUsergroup.lead_person_id == lead_person_id)
    return list(session.scalars(query.order_by(LeadUsergroup.id)))


def leads_of_team(session: Session, team_id: str) -> set[int]:
    """Everyone who leads someone: managers in the org chart and people with assigned user groups."""
    with_groups = set(
        session.scalars(select(LeadUsergroup.lead_person_id).where(LeadUsergroup.team_id == team_id))
    )
    return people_with_reports(session, team_id) | with_groups


def teams_with_people(session: Session) -> list[str]:
    return list(session.scalars(select(Person.team_id).distinct().order_by(Person.team_id)))
