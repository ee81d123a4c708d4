"""Summaries for leads and admins, and each person's own status: the service `/mentor summary` and App Home call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.messages.summaries import MyPairing, MyStatus
from bot.oversight.program_facts import program_facts
from bot.oversight.roles import Viewer, viewer
from bot.people.directory import display_name, find_person
from bot.rules.lifecycle import OPEN_STATES
from bot.rules.summary_figures import Summary, summarize
from bot.runtime import Runtime
from storage.models import Agreement, MentoringRequest, Offer, Pairing, Person


@dataclass(frozen=True)
class VisibleSummary:
    """What someone may see of the program: a summary for leads and admins, and always their own status."""

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
            Pairing.copilot_id,
            Pairing.state,
            Pairing.next_checkin_at,
        )
        .where(
            Pairing.team_id == team_id,
            Pairing.state.in_(OPEN_STATES),
            or_(Pairing.mentee_id == person.id, Pairing.copilot_id == person.id),
        )
        .order_by(Pairing.id)
    ).all()
    partner_ids = {r.copilot_id if r.mentee_id == person.id else r.mentee_id for r in pairing_rows}
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
        partner = partners.get(r.copilot_id if is_mentee else r.mentee_id)
        mine.append(
            MyPairing(
                pairing_id=r.id,
                role="mentee" if is_mentee else "copilot",
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
                Offer.team_id == team_id, Offer.copilot_id == person.id, Offer.status == "pending"
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


def visible_summary(runtime: Runtime, team_id: str, user_id: str) -> VisibleSummary:
    """The summary this person may see (leads: their people; admins: everyone), plus their own status."""
    with runtime.db.transaction() as session:
        who = viewer(runtime, session, team_id, user_id)
        status = my_status(session, team_id, user_id)
        if who.scope is None:
            return VisibleSummary(who, None, status)
        now = runtime.clock.now()
        summary = summarize(program_facts(session, team_id, now), who.scope, now)
        return VisibleSummary(who, summary, status)


def summary_for_home(runtime: Runtime, team_id: str, user_id: str) -> tuple[Viewer, Summary | None]:
    """visible_summary without the person's own status, which App Home does not show: for a participant,
    the page's usual reader, it is two small reads instead of a dozen."""
    with runtime.db.transaction() as session:
        who = viewer(runtime, session, team_id, user_id)
        if who.scope is None:
            return who, None
        now = runtime.clock.now()
        return who, summarize(program_facts(session, team_id, now), who.scope, now)


def set_digest(runtime: Runtime, team_id: str, user_id: str, enabled: bool) -> bool:
    """Turn someone's weekly digest on or off. Returns True if that changed anything."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None or person.digest_enabled == enabled:
            return False
        person.digest_enabled = enabled
        return True
