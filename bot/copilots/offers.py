"""Offers: asking the best copilot not yet asked, withdrawing offers, and moving on when one expires.

A request moves open → offered → matched (or cancelled); each offer is pending → accepted / declined /
expired / withdrawn (bot.rules.lifecycle). When an offer is declined or expires, the next candidate is
asked; nobody is asked twice for the same request. The copilot's own answer is in consent.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.copilots.match_data import (
    MatchData,
    already_asked,
    history_without,
    load_match_data,
    mentee_facts,
    topic_set,
)
from bot.i18n import reading_in
from bot.messages.offers import (
    admins_waiting_message,
    nobody_available_message,
    offer_closed_message,
    offer_message,
    offer_sent_message,
)
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people.languages import person_language, writing_for
from bot.rules.cadence import add_working_days, awake_at, local_date
from bot.rules.lifecycle import OPEN_REQUEST_STATES, OfferState, RequestState
from bot.rules.matching.facts import blocking_reason
from bot.rules.matching.ranking import rank_candidates, score_match
from bot.rules.matching.scoring import MatchScore
from bot.runtime import Runtime
from storage.models import MentoringRequest, Offer, Person


def make_offer(
    runtime: Runtime,
    session: Session,
    data: MatchData,
    request: MentoringRequest,
    copilot: Person,
    score: MatchScore,
    *,
    first: bool,
) -> Offer:
    """Store a pending offer, queue it to the copilot and tell the mentee someone was asked."""
    now = data.now
    answer_by = add_working_days(
        now, data.settings.offer_expiry_working_days, copilot.tz, data.settings.nudge_window()
    )
    offer = Offer(
        team_id=request.team_id,
        request_id=request.id,
        copilot_id=copilot.id,
        status=OfferState.PENDING,
        score=score.total,
        reasons=[part.reason for part in score.parts],
        created_at=now,
        expires_at=answer_by,
    )
    session.add(offer)
    session.flush()
    request.status = RequestState.OFFERED
    mentee = data.people[request.mentee_id]
    offer_due = awake_at(now, [copilot.tz], data.settings.nudge_window())  # never in their quiet hours
    shown_topics = sorted(topic_set(request.topics, data.workspace_topics), key=str.casefold)
    with reading_in(person_language(copilot, data.settings.language)):
        message = offer_message(
            offer_id=offer.id,
            mentee_user_id=mentee.slack_user_id,
            goals=request.goals,
            topics=shown_topics,
            reasons=offer.reasons,
            cadence=request.cadence,
            length_text=request.length_text,
            answer_by=local_date(answer_by, copilot.tz),
            named=request.named_copilot_id == copilot.id,
        )
    outbox.send_dm(
        session,
        to=copilot.slack_user_id,
        kind=Kind.OFFER,
        subject=offer,
        key=outbox_keys.offer(offer.id),
        message=message,
        due_at=offer_due,
        now=now,
    )
    with reading_in(person_language(mentee, data.settings.language)):
        message = offer_sent_message(first, when_they_wake=offer_due > now)
    outbox.send_dm(
        session,
        to=mentee.slack_user_id,
        kind=Kind.REQUEST_UPDATE,
        subject=request,
        key=outbox_keys.request_offered(request.id, offer.id),
        message=message,
        due_at=now,
        now=now,
    )
    return offer


def waiting_count(session: Session, team_id: str) -> int:
    """Requests waiting for a copilot, with nobody being asked."""
    return (
        session.scalar(
            select(func.count())
            .select_from(MentoringRequest)
            .where(MentoringRequest.team_id == team_id, MentoringRequest.status == RequestState.OPEN)
        )
        or 0
    )


def nobody_available(
    runtime: Runtime,
    session: Session,
    data: MatchData,
    request: MentoringRequest,
    asked: int,
    *,
    tell_admins: bool,
) -> None:
    """The request waits (open); the mentee hears so, and program admins the count if `tell_admins`."""
    request.status = RequestState.OPEN
    mentee = data.people[request.mentee_id]
    with reading_in(person_language(mentee, data.settings.language)):
        message = nobody_available_message(asked == 0)
    outbox.send_dm(
        session,
        to=mentee.slack_user_id,
        kind=Kind.REQUEST_UPDATE,
        subject=request,
        key=outbox_keys.request_waiting(request.id, asked),
        message=message,
        due_at=data.now,
        now=data.now,
    )
    if not tell_admins:
        return
    session.flush()
    waiting = waiting_count(session, request.team_id)
    # Counts only: admins never see who is waiting or what they asked for.
    for admin in runtime.settings.admins_of(request.team_id):
        with writing_for(session, request.team_id, admin):
            message = admins_waiting_message(waiting)
        outbox.send_dm(
            session,
            to=admin,
            kind=Kind.ADMIN_WAITING,
            subject=request,
            key=outbox_keys.admin_waiting(admin, request.id, asked),
            message=message,
            due_at=data.now,
            now=data.now,
        )


def offer_next(
    runtime: Runtime, session: Session, request: MentoringRequest, data: MatchData | None = None
) -> Offer | None:
    """Ask the best copilot not yet asked for this request; if nobody fits, the request waits (open)."""
    data = data or load_match_data(session, request.team_id, runtime.clock.now())
    asked = already_asked(session, [request.id])[request.id]
    mentee = data.people[request.mentee_id]
    profile = mentee_facts(request, mentee, data.workspace_topics)
    history = history_without(data.history, mentee.id, asked)
    choice: tuple[int, MatchScore] | None = None
    if request.named_copilot_id is not None and request.named_copilot_id not in asked:
        named = data.volunteer(request.named_copilot_id)
        if named is not None and blocking_reason(profile, named, data.org, history, data.rules) is None:
            choice = (named.person_id, score_match(profile, named, history, data.rules))
    if choice is None:
        ranked = rank_candidates(profile, data.volunteers, data.org, history, data.rules, limit=1)
        if ranked:
            choice = (ranked[0].volunteer_id, ranked[0].score)
    if choice is None:
        nobody_available(runtime, session, data, request, len(asked), tell_admins=True)
        return None
    copilot_id, score = choice
    return make_offer(runtime, session, data, request, data.people[copilot_id], score, first=not asked)


def _close_offer_message(
    session: Session,
    offer: Offer,
    mentee: Person,
    copilot: Person,
    why: str,
    now: datetime,
    *,
    anonymous: bool = False,
) -> None:
    """Withdraw an offer's DM if it hasn't gone out yet; otherwise tell the copilot not to answer."""
    if not outbox.cancel(session, kind=Kind.OFFER, subject=offer):
        with writing_for(session, offer.team_id, copilot.slack_user_id):
            message = offer_closed_message("" if anonymous else mentee.slack_user_id, why)
        outbox.send_dm(
            session,
            to=copilot.slack_user_id,
            kind=Kind.OFFER_CLOSED,
            subject=offer,
            key=outbox_keys.offer_closed(offer.id, why),
            message=message,
            due_at=now,
            now=now,
        )


def withdraw_offer(session: Session, offer: Offer, now: datetime, *, why: str = OfferState.WITHDRAWN) -> None:
    """Withdraw one pending offer and tell the copilot (``why``: withdrawn, or not_allowed by the rules)."""
    offer.status = OfferState.WITHDRAWN
    offer.answered_at = now
    request = session.get(MentoringRequest, offer.request_id)
    mentee = session.get(Person, request.mentee_id) if request else None
    copilot = session.get(Person, offer.copilot_id)
    if mentee is not None and copilot is not None:
        _close_offer_message(session, offer, mentee, copilot, why, now)


def withdraw_offers(
    session: Session,
    request: MentoringRequest,
    now: datetime,
    *,
    keep: int | None = None,
    anonymous: bool = False,
) -> int:
    """Withdraw the request's pending offers (but `keep`) and tell each copilot; returns how many.
    ``anonymous``: the copilot is not told whose request it was (the mentee asked to be forgotten)."""
    offers = list(
        session.scalars(
            select(Offer).where(
                Offer.team_id == request.team_id,
                Offer.request_id == request.id,
                Offer.status == OfferState.PENDING,
            )
        )
    )
    mentee = session.get(Person, request.mentee_id)
    withdrawn = 0
    for offer in offers:
        if offer.id == keep:
            continue
        offer.status = OfferState.WITHDRAWN
        offer.answered_at = now
        copilot = session.get(Person, offer.copilot_id)
        if mentee is not None and copilot is not None:
            _close_offer_message(
                session, offer, mentee, copilot, OfferState.WITHDRAWN, now, anonymous=anonymous
            )
        withdrawn += 1
    return withdrawn


def plan_offer_expiries(runtime: Runtime, session: Session, now: datetime) -> int:
    """Pending offers past their answer-by time expire and the next candidate is asked.

    Returns how many offers expired.
    """
    query = (
        select(Offer)
        .where(Offer.status == OfferState.PENDING, Offer.expires_at <= now)
        .order_by(Offer.id)
        .limit(200)
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    expired = list(session.scalars(query))
    for offer in expired:
        offer.status = OfferState.EXPIRED
        offer.answered_at = now
        request = session.get(MentoringRequest, offer.request_id)
        mentee = session.get(Person, request.mentee_id) if request else None
        copilot = session.get(Person, offer.copilot_id)
        if mentee is not None and copilot is not None:
            _close_offer_message(session, offer, mentee, copilot, OfferState.EXPIRED, now)
        if request is not None and request.status in OPEN_REQUEST_STATES:
            session.flush()
            offer_next(runtime, session, request, load_match_data(session, request.team_id, now))
    return len(expired)
