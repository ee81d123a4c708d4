"""What `/mentor forget-me` withdraws among requests and offers: a `person_forgotten` hook (bot/app.py).

The person's open requests are cancelled, and the copilots they were offered to are told the offer is
withdrawn; offers still waiting for the person's own answer are withdrawn. Clearing the words they wrote
is `bot.people.forgetting`'s job, after this hook.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.copilots.offers import withdraw_offers
from bot.rules.lifecycle import OPEN_REQUEST_STATES, OfferState, RequestState
from bot.runtime import Runtime
from storage.models import MentoringRequest, Offer, Person


def withdraw_requests_and_offers(runtime: Runtime, session: Session, person: Person) -> None:
    now = runtime.clock.now()
    for request in session.scalars(
        select(MentoringRequest)
        .where(
            MentoringRequest.team_id == person.team_id,
            MentoringRequest.mentee_id == person.id,
            MentoringRequest.status.in_(OPEN_REQUEST_STATES),
        )
        .order_by(MentoringRequest.id)
    ):
        request.status = RequestState.CANCELLED
        request.closed_at = now
        withdraw_offers(session, request, now, anonymous=True)
    for offer in session.scalars(
        select(Offer).where(
            Offer.team_id == person.team_id, Offer.copilot_id == person.id, Offer.status == OfferState.PENDING
        )
    ):
        offer.status = OfferState.WITHDRAWN
        offer.answered_at = now
