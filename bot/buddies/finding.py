"""Finding a new hire their buddy: the volunteers who welcome new colleagues as matching facts, asking the
best one not yet asked, and moving on when an offer is declined, expires or is withdrawn.

A buddy pairing moves looking → offered → active (consent.py), or waiting when nobody can be asked; each
offer is pending → accepted / declined / expired / withdrawn. Nobody is asked twice for one new hire.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.messages.buddies import buddy_offer_message, nobody_yet_message, offer_closed_message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.languages import writing_for
from bot.people.standing import as_mentee_facts, match_rules, workspace_org_chart
from bot.rules.buddies import END_LEFT, END_TERM, FINDING_STATES, BuddyCandidate, BuddyState, rank_buddies
from bot.rules.cadence import add_working_days, awake_at, local_date
from bot.rules.lifecycle import OfferState
from bot.rules.matching.facts import CopilotFacts, MatchHistory, MenteeFacts
from bot.runtime import Runtime
from storage.models import BuddyOffer, BuddyPairing, CopilotProfile, Person


def buddy_loads(session: Session, team_id: str) -> Counter[int]:
    """person id -> active buddy pairings plus pending buddy offers (both use up buddy capacity)."""
    loads: Counter[int] = Counter()
    active = session.execute(
        select(BuddyPairing.buddy_id, func.count())
        .where(BuddyPairing.team_id == team_id, BuddyPairing.state == BuddyState.ACTIVE)
        .group_by(BuddyPairing.buddy_id)
    )
    pending = session.execute(
        select(BuddyOffer.buddy_id, func.count())
        .where(BuddyOffer.team_id == team_id, BuddyOffer.status == OfferState.PENDING)
        .group_by(BuddyOffer.buddy_id)
    )
    for person_id, count in [*active, *pending]:
        if person_id is not None:
            loads[person_id] += count
    return loads


def new_hire_facts(person: Person) -> MenteeFacts:
    """A new hire as the hard rules see a mentee: no topics, a buddy is about the organization."""
    return as_mentee_facts(person)


def buddy_facts(person: Person, profile: CopilotProfile, load: int, now: datetime) -> CopilotFacts:
    today = local_date(now, person.tz)
    paused = (
        not profile.active
        or (profile.paused_until is not None and profile.paused_until > today)
        or (profile.available_until is not None and profile.available_until < today)
    )
    return CopilotFacts(
        person_id=person.id,
        topics=frozenset(),
        team=person.org_team,
        level=person.level,
        utc_offset_minutes=person.tz_offset // 60,
        capacity=profile.buddy_capacity,
        current_load=load,
        paused=paused,
        deactivated=person.is_deleted,
        is_bot=person.is_bot,
        is_guest=person.is_guest,
    )


def _asked(session: Session, buddy_pairing_id: int) -> set[int]:
    return set(
        session.scalars(select(BuddyOffer.buddy_id).where(BuddyOffer.buddy_pairing_id == buddy_pairing_id))
    )


def best_buddies(session: Session, new_hire: Person, asked: set[int], now: datetime) -> list[BuddyCandidate]:
    """The volunteers who may be this new hire's buddy, best first (bot.rules.buddies.rank_buddies)."""
    team_id = new_hire.team_id
    rows = session.execute(
        select(Person, CopilotProfile)
        .join(CopilotProfile, CopilotProfile.person_id == Person.id)
        .where(CopilotProfile.team_id == team_id, CopilotProfile.welcomes_new_colleagues.is_(True))
        .order_by(Person.id)
    ).all()
    loads = buddy_loads(session, team_id)
    candidates = [buddy_facts(person, profile, loads.get(person.id, 0), now) for person, profile in rows]
    # Everyone already asked for this new hire counts as having declined: nobody is asked twice.
    history = MatchHistory(recently_declined=frozenset((new_hire.id, p) for p in asked))
    rules = match_rules(program.load(session, team_id))
    return rank_buddies(
        new_hire_facts(new_hire), candidates, workspace_org_chart(session, team_id), history, rules
    )


def start_finding(
    runtime: Runtime, session: Session, new_hire: Person, started_on: date
) -> BuddyPairing | None:
    """A buddy pairing for a new hire, and the first offer; None when they already have one (or had)."""
    existing = session.scalar(
        select(BuddyPairing.id).where(
            BuddyPairing.team_id == new_hire.team_id, BuddyPairing.new_hire_id == new_hire.id
        )
    )
    if existing is not None:
        return None
    settings = program.load(session, new_hire.team_id)
    pairing = BuddyPairing(
        team_id=new_hire.team_id,
        new_hire_id=new_hire.id,
        state=BuddyState.LOOKING,
        started_on=started_on,
        term_days=settings.buddy_term_days,
        checklist=[],
        checkins_sent=0,
        created_at=runtime.clock.now(),
    )
    session.add(pairing)
    session.flush()
    offer_next(runtime, session, pairing)
    return pairing


def offer_next(runtime: Runtime, session: Session, pairing: BuddyPairing) -> BuddyOffer | None:
    """Ask the best volunteer not yet asked; when nobody fits, the pairing waits and admins hear a count."""
    now = runtime.clock.now()
    new_hire = session.get(Person, pairing.new_hire_id)
    over = pairing.started_on + timedelta(days=pairing.term_days) < now.date()
    if new_hire is None or new_hire.is_deleted or over:
        # Gone, or past the term a buddy was for: the search simply stops.
        pairing.state = BuddyState.ENDED
        pairing.ended_at = now
        pairing.end_reason = END_TERM if over else END_LEFT
        return None
    asked = _asked(session, pairing.id)
    ranked = best_buddies(session, new_hire, asked, now)
    if not ranked:
        _nobody_yet(runtime, session, pairing, len(asked), now)
        return None
    buddy = session.get(Person, ranked[0].person_id)
    assert buddy is not None
    settings = program.load(session, pairing.team_id)
    window = settings.nudge_window()
    answer_by = add_working_days(now, settings.offer_expiry_working_days, buddy.tz, window)
    offer = BuddyOffer(
        team_id=pairing.team_id,
        buddy_pairing_id=pairing.id,
        buddy_id=buddy.id,
        status=OfferState.PENDING,
        created_at=now,
        expires_at=answer_by,
    )
    session.add(offer)
    session.flush()
    pairing.state = BuddyState.OFFERED
    with writing_for(session, pairing.team_id, buddy.slack_user_id):
        message = buddy_offer_message(
            offer_id=offer.id,
            new_hire_user_id=new_hire.slack_user_id,
            started_on=pairing.started_on,
            answer_by=local_date(answer_by, buddy.tz),
        )
    outbox.send_dm(
        session,
        to=buddy.slack_user_id,
        kind=Kind.BUDDY_OFFER,
        subject=offer,
        key=outbox_keys.buddy_offer(offer.id),
        message=message,
        due_at=awake_at(now, [buddy.tz], window),  # never in their quiet hours
        now=now,
    )
    return offer


def _nobody_yet(runtime: Runtime, session: Session, pairing: BuddyPairing, asked: int, now: datetime) -> None:
    pairing.state = BuddyState.WAITING
    session.flush()
    waiting = (
        session.scalar(
            select(func.count())
            .select_from(BuddyPairing)
            .where(BuddyPairing.team_id == pairing.team_id, BuddyPairing.state == BuddyState.WAITING)
        )
        or 0
    )
    for admin in runtime.settings.admins_of(pairing.team_id):
        with writing_for(session, pairing.team_id, admin):
            message = nobody_yet_message(waiting)
        outbox.send_dm(
            session,
            to=admin,
            kind=Kind.BUDDY_WAITING,
            subject=pairing,
            key=outbox_keys.buddy_waiting(admin, pairing.id, asked),
            message=message,
            due_at=now,
            now=now,
        )


def close_offer(session: Session, offer: BuddyOffer, why: str, now: datetime) -> None:
    """Withdraw or expire a pending offer: its DM is withdrawn if unsent, else the volunteer is told."""
    offer.status = why
    offer.answered_at = now
    if outbox.cancel(session, kind=Kind.BUDDY_OFFER, subject=offer):
        return
    buddy = session.get(Person, offer.buddy_id)
    if buddy is None or buddy.is_deleted:
        return
    with writing_for(session, offer.team_id, buddy.slack_user_id):
        message = offer_closed_message(why)
    outbox.send_dm(
        session,
        to=buddy.slack_user_id,
        kind=Kind.BUDDY_OFFER_CLOSED,
        subject=offer,
        key=outbox_keys.buddy_offer_closed(offer.id, why),
        message=message,
        due_at=now,
        now=now,
    )


def pending_offers(session: Session, pairing: BuddyPairing) -> list[BuddyOffer]:
    return list(
        session.scalars(
            select(BuddyOffer).where(
                BuddyOffer.buddy_pairing_id == pairing.id, BuddyOffer.status == OfferState.PENDING
            )
        )
    )


def plan_buddy_offer_expiries(runtime: Runtime, session: Session, now: datetime) -> int:
    """Pending buddy offers past their answer-by time expire and the next volunteer is asked; new hires
    still waiting for a buddy are tried again (someone may have ticked "I'd welcome new colleagues" or
    freed a seat; admins hear a count once per number of people asked). Returns how many offers expired."""
    for pairing in session.scalars(
        select(BuddyPairing)
        .where(BuddyPairing.state == BuddyState.WAITING)
        .order_by(BuddyPairing.id)
        .limit(50)
    ):
        offer_next(runtime, session, pairing)
    query = (
        select(BuddyOffer)
        .where(BuddyOffer.status == OfferState.PENDING, BuddyOffer.expires_at <= now)
        .order_by(BuddyOffer.id)
        .limit(200)
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    expired = list(session.scalars(query))
    for offer in expired:
        close_offer(session, offer, OfferState.EXPIRED, now)
        pairing = session.get(BuddyPairing, offer.buddy_pairing_id)
        if pairing is not None and pairing.state in FINDING_STATES:
            session.flush()
            offer_next(runtime, session, pairing)
    return len(expired)
