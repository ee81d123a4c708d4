"""The volunteer's answer to a buddy offer: Accept starts the buddy pairing (the welcome in their group DM);
Decline asks the next volunteer. As with copilot offers, each answer is one conditional UPDATE, so a double
click or two answers at once change the offer once, and the hard rules are re-run at the moment of
accepting.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.buddies.agenda import start_agenda
from bot.buddies.finding import buddy_facts, buddy_loads, new_hire_facts, offer_next
from bot.people import program_settings as program
from bot.people.standing import match_rules, workspace_org_chart
from bot.rules.buddies import FINDING_STATES, buddy_block
from bot.rules.lifecycle import OfferState
from bot.rules.matching.facts import BlockReason, MatchHistory
from bot.runtime import Runtime
from storage.models import BuddyOffer, BuddyPairing, CopilotProfile, Person

NOT_ALLOWED = "not_allowed"
# A volunteer who paused and still accepts an offer they hold has chosen to.
_OWN_CHOICE = frozenset({BlockReason.PAUSED})


@dataclass(frozen=True)
class BuddyAnswer:
    """accepted / declined (this answer counted), pending (still open), or why nothing changed: not_found,
    not_yours, accepted / declined (answered before), expired, withdrawn, not_allowed."""

    outcome: str
    new_hire_user_id: str = ""


def _claim(session: Session, team_id: str, user_id: str, offer_id: int, values: dict[str, object]) -> bool:
    me = select(Person.id).where(Person.team_id == team_id, Person.slack_user_id == user_id).scalar_subquery()
    won = session.execute(
        update(BuddyOffer)
        .where(
            BuddyOffer.team_id == team_id,
            BuddyOffer.id == offer_id,
            BuddyOffer.buddy_id == me,
            BuddyOffer.status == OfferState.PENDING,
        )
        .values(**values)
        .returning(BuddyOffer.id)
    ).first()
    return won is not None


def _new_hire_of(session: Session, offer: BuddyOffer) -> tuple[BuddyPairing | None, Person | None]:
    pairing = session.get(BuddyPairing, offer.buddy_pairing_id)
    new_hire = session.get(Person, pairing.new_hire_id) if pairing else None
    return pairing, new_hire


def _as_it_stands(session: Session, team_id: str, user_id: str, offer_id: int) -> BuddyAnswer:
    offer = session.get(BuddyOffer, offer_id)
    if offer is None or offer.team_id != team_id:
        return BuddyAnswer("not_found")
    buddy = session.get(Person, offer.buddy_id)
    if buddy is None or buddy.slack_user_id != user_id:
        return BuddyAnswer("not_yours")
    _, new_hire = _new_hire_of(session, offer)
    return BuddyAnswer(offer.status, new_hire.slack_user_id if new_hire else "")


def buddy_offer_check(runtime: Runtime, team_id: str, user_id: str, offer_id: int) -> BuddyAnswer:
    with runtime.db.transaction() as session:
        return _as_it_stands(session, team_id, user_id, offer_id)


def _allowed_now(session: Session, new_hire: Person, buddy: Person, runtime: Runtime) -> bool:
    profile = session.get(CopilotProfile, buddy.id)
    if profile is None or not profile.welcomes_new_colleagues:
        return False
    now = runtime.clock.now()
    facts = buddy_facts(buddy, profile, buddy_loads(session, buddy.team_id).get(buddy.id, 0), now)
    rules = match_rules(program.load(session, buddy.team_id))
    org = workspace_org_chart(session, buddy.team_id)
    reason = buddy_block(new_hire_facts(new_hire), facts, org, MatchHistory(), rules, ignore=_OWN_CHOICE)
    return reason is None


def accept_buddy_offer(runtime: Runtime, team_id: str, user_id: str, offer_id: int) -> BuddyAnswer:
    """The volunteer says yes: the buddy pairing starts, with its welcome in their group DM."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        if not _claim(
            session, team_id, user_id, offer_id, {"status": OfferState.ACCEPTED, "answered_at": now}
        ):
            return _as_it_stands(session, team_id, user_id, offer_id)
        offer = session.get(BuddyOffer, offer_id)
        assert offer is not None
        pairing, new_hire = _new_hire_of(session, offer)
        buddy = session.get(Person, offer.buddy_id)
        if pairing is None or new_hire is None or buddy is None or pairing.state not in FINDING_STATES:
            offer.status = OfferState.WITHDRAWN
            return BuddyAnswer(OfferState.WITHDRAWN, new_hire.slack_user_id if new_hire else "")
        session.flush()
        if not _allowed_now(session, new_hire, buddy, runtime):
            # The org chart (or anything else the rules read) changed since the offer was made.
            offer.status = OfferState.WITHDRAWN
            session.flush()
            offer_next(runtime, session, pairing)
            return BuddyAnswer(NOT_ALLOWED, new_hire.slack_user_id)
        start_agenda(runtime, session, pairing, new_hire, buddy)
        return BuddyAnswer(OfferState.ACCEPTED, new_hire.slack_user_id)


def decline_buddy_offer(runtime: Runtime, team_id: str, user_id: str, offer_id: int) -> BuddyAnswer:
    """The volunteer says no (nobody hears a reason); the next volunteer is asked."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        if not _claim(
            session, team_id, user_id, offer_id, {"status": OfferState.DECLINED, "answered_at": now}
        ):
            return _as_it_stands(session, team_id, user_id, offer_id)
        offer = session.get(BuddyOffer, offer_id)
        assert offer is not None
        pairing, new_hire = _new_hire_of(session, offer)
        if pairing is not None and pairing.state in FINDING_STATES:
            session.flush()
            offer_next(runtime, session, pairing)
        return BuddyAnswer(OfferState.DECLINED, new_hire.slack_user_id if new_hire else "")
