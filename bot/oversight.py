"""Summaries for leads and admins, and each person's own status: the service the surfaces call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import program
from bot.people import display_name, find_person
from bot.roles import Viewer, viewer
from bot.runtime import Runtime
from bot.summaries import Summary, summarize
from storage.models import Agreement, MentoringRequest, Offer, Pairing, Person
from storage.summary_queries import program_facts

OPEN_PAIRING_STATES = ("setting_expectations", "active", "paused", "stalled")


@dataclass(frozen=True)
class MyPairing:
    pairing_id: int
    role: str  # "mentee" or "mentor"
    partner_user_id: str
    partner_name: str
    state: str
    next_checkin_at: datetime | None
    agreement_confirmed_at: datetime | None


@dataclass(frozen=True)
class MyStatus:
    """What one person may always see about themselves."""

    user_id: str
    tz: str
    request_status: str | None  # their newest request still waiting: "open" / "offered"
    request_since: datetime | None
    pairings: list[MyPairing]
    offers_awaiting: int  # offers to mentor someone, waiting for their answer
    digest_enabled: bool


@dataclass(frozen=True)
class Answer:
    """What `/mentor summary` tells someone: a summary for leads and admins, else their own status."""

    viewer: Viewer
    summary: Summary | None
    status: MyStatus


def my_status(session: Session, team_id: str, user_id: str) -> MyStatus:
    person = find_person(session, team_id, user_id)
    if person is None:
        return MyStatus(user_id, "UTC", None, None, [], 0, True)
    request = session.execute(
        select(MentoringRequest.status, MentoringRequest.created_at)
        .where(
            MentoringRequest.team_id == team_id,
            MentoringRequest.mentee_id == person.id,
            MentoringRequest.status.in_(("open", "offered")),
        )
        .order_by(MentoringRequest.created_at.desc())
        .limit(1)
    ).first()
    pairing_rows = session.execute(
        select(
            Pairing.id,
            Pairing.mentee_id,
            Pairing.mentor_id,
            Pairing.state,
            Pairing.next_checkin_at,
        )
        .where(
            Pairing.team_id == team_id,
            Pairing.state.in_(OPEN_PAIRING_STATES),
            or_(Pairing.mentee_id == person.id, Pairing.mentor_id == person.id),
        )
        .order_by(Pairing.id)
    ).all()
    partner_ids = {r.mentor_id if r.mentee_id == person.id else r.mentee_id for r in pairing_rows}
    partners = {
        p.id: p
        for p in session.scalars(
            select(Person).where(Person.team_id == team_id, Person.id.in_(partner_ids or {-1}))
        )
    }
    confirmed = {
        r.pairing_id: r.confirmed_at
        for r in session.execute(
            select(Agreement.pairing_id, Agreement.confirmed_at).where(
                Agreement.team_id == team_id,
                Agreement.pairing_id.in_([r.id for r in pairing_rows] or [-1]),
                Agreement.status == "confirmed",
            )
        )
    }
    mine: list[MyPairing] = []
    for r in pairing_rows:
        is_mentee = r.mentee_id == person.id
        partner = partners.get(r.mentor_id if is_mentee else r.mentee_id)
        mine.append(
            MyPairing(
                pairing_id=r.id,
                role="mentee" if is_mentee else "mentor",
                partner_user_id=partner.slack_user_id if partner else "",
                partner_name=display_name(partner),
                state=r.state,
                next_checkin_at=r.next_checkin_at,
                agreement_confirmed_at=confirmed.get(r.id),
            )
        )
    offers = len(
        session.scalars(
            select(Offer.id).where(
                Offer.team_id == team_id, Offer.mentor_id == person.id, Offer.status == "pending"
            )
        ).all()
    )
    return MyStatus(
        user_id=user_id,
        tz=person.tz,
        request_status=request.status if request else None,
        request_since=request.created_at if request else None,
        pairings=mine,
        offers_awaiting=offers,
        digest_enabled=person.digest_enabled,
    )


def answer_for(runtime: Runtime, team_id: str, user_id: str) -> Answer:
    """The summary this person may see (leads: their people; admins: everyone), plus their own status."""
    with runtime.db.transaction() as session:
        who = viewer(runtime, session, team_id, user_id)
        status = my_status(session, team_id, user_id)
        if who.scope is None:
            return Answer(who, None, status)
        now = runtime.clock.now()
        summary = summarize(program_facts(session, team_id, now), who.scope, now)
        return Answer(who, summary, status)


def set_digest(runtime: Runtime, team_id: str, user_id: str, enabled: bool) -> bool:
    """Turn someone's weekly digest on or off. Returns True if that changed anything."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None or person.digest_enabled == enabled:
            return False
        person.digest_enabled = enabled
        return True


def program_settings_of(runtime: Runtime, team_id: str) -> program.ProgramSettings:
    with runtime.db.transaction() as session:
        return program.load(session, team_id)


def update_program_settings(
    runtime: Runtime, team_id: str, raw: dict[str, Any]
) -> tuple[program.ProgramSettings, dict[str, str]]:
    """Validate `raw` over the stored settings and save them; errors by field name, nothing saved then."""
    with runtime.db.transaction() as session:
        current = program.load(session, team_id)
        updated, errors = program.validate(raw, current)
        if errors:
            return current, errors
        program.save(session, team_id, updated, runtime.clock.now())
        return updated, {}
