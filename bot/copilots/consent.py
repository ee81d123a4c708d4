"""The proposed copilot's answer to an offer: Accept pairs them and hands the pair to expectations;
Decline (with a reason only the program sees) asks the next candidate.

Each answer is one conditional UPDATE, so a double click or two answers at once change the offer once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.copilots.match_data import load_pair_data, mentee_facts
from bot.copilots.offers import offer_next, withdraw_offers
from bot.expectations.kickoff import start_expectations
from bot.messages.offers import NOT_ALLOWED
from bot.pairings import create_pairing
from bot.rules.lifecycle import OPEN_REQUEST_STATES, OfferState, RequestState
from bot.rules.matching.facts import BlockReason, blocking_reason
from bot.runtime import Runtime
from storage.models import MentoringRequest, Offer, Pairing, Person


@dataclass(frozen=True)
class OfferAnswer:
    """What happened when someone answered an offer.

    outcome: accepted / declined (this answer counted), pending (offer_check: still open), or why nothing
    changed: not_found, not_yours, already_accepted, already_declined, expired, withdrawn, or not_allowed
    (the hard rules, re-run at the moment of accepting, no longer allow the pairing: the offer is withdrawn
    and the next candidate asked).
    """

    outcome: str
    mentee_user_id: str = ""
    pairing_id: int | None = None


def _claim_offer(
    session: Session, team_id: str, user_id: str, offer_id: int, values: dict[str, object]
) -> bool:
    """Answer a pending offer in one conditional UPDATE: a double click or a race finds nothing to update.

    It is the transaction's first statement, so on SQLite it takes the write lock before reading anything.
    """
    me = select(Person.id).where(Person.team_id == team_id, Person.slack_user_id == user_id).scalar_subquery()
    won = session.execute(
        update(Offer)
        .where(
            Offer.team_id == team_id,
            Offer.id == offer_id,
            Offer.copilot_id == me,
            Offer.status == OfferState.PENDING,
        )
        .values(**values)
        .returning(Offer.id)
    ).first()
    return won is not None


def _claimed(
    session: Session, team_id: str, user_id: str, offer_id: int, values: dict[str, object]
) -> tuple[Offer, MentoringRequest] | None:
    """_claim_offer, then the offer and its request; None when there was nothing to claim."""
    if not _claim_offer(session, team_id, user_id, offer_id, values):
        return None
    offer = session.get(Offer, offer_id)
    assert offer is not None
    request = session.get(MentoringRequest, offer.request_id)
    assert request is not None
    return offer, request


def _as_it_stands(session: Session, team_id: str, user_id: str, offer_id: int) -> OfferAnswer:
    """The offer as it stands for this person: theirs and pending, or why they can no longer answer it."""
    offer = session.get(Offer, offer_id)
    if offer is None or offer.team_id != team_id:
        return OfferAnswer("not_found")
    copilot = session.get(Person, offer.copilot_id)
    if copilot is None or copilot.slack_user_id != user_id:
        return OfferAnswer("not_yours")
    request = session.get(MentoringRequest, offer.request_id)
    mentee = session.get(Person, request.mentee_id) if request else None
    outcome = {OfferState.ACCEPTED: "already_accepted", OfferState.DECLINED: "already_declined"}.get(
        offer.status, offer.status
    )
    pairing_id = None
    if offer.status == OfferState.ACCEPTED:
        pairing_id = session.scalar(
            select(Pairing.id).where(Pairing.team_id == team_id, Pairing.request_id == offer.request_id)
        )
    return OfferAnswer(outcome, mentee.slack_user_id if mentee else "", pairing_id)


def accept_offer(runtime: Runtime, team_id: str, user_id: str, offer_id: int) -> OfferAnswer:
    """The copilot says yes: pair them, close the request, withdraw other offers, tell both."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        claimed = _claimed(
            session, team_id, user_id, offer_id, {"status": OfferState.ACCEPTED, "answered_at": now}
        )
        if claimed is None:
            return _as_it_stands(session, team_id, user_id, offer_id)
        offer, request = claimed
        mentee = session.get(Person, request.mentee_id)
        copilot = session.get(Person, offer.copilot_id)
        assert mentee is not None and copilot is not None
        if _not_allowed_now(session, request, mentee, copilot, now):
            # The org chart (or anything else the rules read) changed since the offer was made.
            offer.status = OfferState.WITHDRAWN
            if request.status in OPEN_REQUEST_STATES:
                session.flush()
                offer_next(runtime, session, request)
            return OfferAnswer(NOT_ALLOWED, mentee.slack_user_id)
        pairing = create_pairing(
            session,
            team_id=team_id,
            mentee=mentee,
            copilot=copilot,
            now=now,
            request_id=request.id,
            cadence=request.cadence,
        )
        request.status = RequestState.MATCHED
        request.closed_at = now
        withdraw_offers(session, request, now, keep=offer.id)
        _hand_over_to_expectations(runtime, session, pairing)
        return OfferAnswer(OfferState.ACCEPTED, mentee.slack_user_id, pairing.id)


# A copilot who paused volunteering and still accepts an offer they hold has chosen to.
_OWN_CHOICE = frozenset({BlockReason.PAUSED})


def _not_allowed_now(
    session: Session, request: MentoringRequest, mentee: Person, copilot: Person, now: datetime
) -> bool:
    """Re-run the hard rules at the moment of accepting, on the data as it is now."""
    data = load_pair_data(session, request.team_id, mentee, copilot, now)
    volunteer = data.volunteer(copilot.id)
    if volunteer is None:
        return True
    profile = mentee_facts(request, mentee, data.workspace_topics)
    reason = blocking_reason(profile, volunteer, data.org, data.history, data.rules, ignore=_OWN_CHOICE)
    return reason is not None


def decline_offer(runtime: Runtime, team_id: str, user_id: str, offer_id: int, reason: str) -> OfferAnswer:
    """The copilot says no (the reason stays with the program); the next candidate is asked."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        values = {"status": OfferState.DECLINED, "answered_at": now, "decline_reason": reason or None}
        claimed = _claimed(session, team_id, user_id, offer_id, values)
        if claimed is None:
            return _as_it_stands(session, team_id, user_id, offer_id)
        _, request = claimed
        mentee = session.get(Person, request.mentee_id)
        if request.status in OPEN_REQUEST_STATES:
            offer_next(runtime, session, request)
        return OfferAnswer(OfferState.DECLINED, mentee.slack_user_id if mentee else "")


def offer_check(runtime: Runtime, team_id: str, user_id: str, offer_id: int) -> OfferAnswer:
    """Whether this person may still answer this offer (pending), before the decline form opens."""
    with runtime.db.transaction() as session:
        return _as_it_stands(session, team_id, user_id, offer_id)


def _hand_over_to_expectations(runtime: Runtime, session: Session, pairing: Pairing) -> None:
    """The pair is made: the kickoff in their group DM tells both who is who and what happens next (one
    message; the copilot's accepted offer already says so in place)."""
    start_expectations(runtime, session, pairing)
