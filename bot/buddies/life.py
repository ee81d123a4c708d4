"""When a buddy pairing starts and how it ends outside its agenda: a new hire joins Slack (the
`person_joined` hook) or reaches their org-chart start date (a planner); someone leaves, asks to be
forgotten, or the org chart changes so the rules no longer allow a pairing (hooks bot/app.py lists).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.buddies.agenda import end_buddy_pairing, members
from bot.buddies.finding import (
    buddy_facts,
    close_offer,
    new_hire_facts,
    offer_next,
    pending_offers,
    start_finding,
)
from bot.messages.buddies import not_allowed_message, partner_left_message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.directory import display_name
from bot.people.languages import writing_for
from bot.people.standing import match_rules, workspace_org_chart
from bot.rules.buddies import (
    END_FORGOTTEN,
    END_LEFT,
    END_NOT_ALLOWED,
    FINDING_STATES,
    OPEN_BUDDY_STATES,
    BuddyState,
    still_allowed,
)
from bot.rules.cadence import local_date
from bot.rules.lifecycle import OfferState
from bot.runtime import Runtime
from storage.models import BuddyOffer, BuddyPairing, CopilotProfile, Person, WorkspaceSettings

# A start date further back than this is an existing colleague, not a new hire.
RECENT_START = timedelta(days=14)


def _can_have_a_buddy(person: Person, settings: program.ProgramSettings) -> bool:
    return not (person.is_bot or person.is_deleted or (person.is_guest and not settings.allow_guests))


def buddy_for_newcomer(runtime: Runtime, session: Session, person: Person) -> None:
    """A `person_joined` hook (Slack's team_join): a buddy is found when the program starts on joining."""
    settings = program.load(session, person.team_id)
    if (
        not settings.buddy_program
        or settings.buddy_start != "team_join"
        or not _can_have_a_buddy(person, settings)
    ):
        return
    start_finding(runtime, session, person, local_date(runtime.clock.now(), person.tz))


def plan_buddy_starts(runtime: Runtime, session: Session, now: datetime) -> int:
    """New hires whose org-chart start date has come get a buddy (workspaces that start on the start date).
    Returns how many buddy pairings were started."""
    started = 0
    for row in session.scalars(select(WorkspaceSettings)):
        settings = program.load(session, row.team_id)
        if not settings.buddy_program or settings.buddy_start != "start_date":
            continue
        already = select(BuddyPairing.new_hire_id).where(BuddyPairing.team_id == row.team_id)
        newcomers = session.scalars(
            select(Person)
            .where(
                Person.team_id == row.team_id,
                Person.start_date.is_not(None),
                Person.start_date <= now.date() + timedelta(days=1),
                Person.start_date >= now.date() - RECENT_START,
                Person.id.not_in(already),
            )
            .order_by(Person.id)
        ).all()
        for person in newcomers:
            assert person.start_date is not None
            if _can_have_a_buddy(person, settings) and person.start_date <= local_date(now, person.tz):
                started += start_finding(runtime, session, person, person.start_date) is not None
    return started


def _open_pairings_of(session: Session, person: Person) -> list[BuddyPairing]:
    return list(
        session.scalars(
            select(BuddyPairing)
            .where(
                BuddyPairing.team_id == person.team_id,
                BuddyPairing.state.in_(OPEN_BUDDY_STATES),
                or_(BuddyPairing.new_hire_id == person.id, BuddyPairing.buddy_id == person.id),
            )
            .order_by(BuddyPairing.id)
        )
    )


def _withdraw_offers_to(runtime: Runtime, session: Session, person: Person, now: datetime) -> None:
    """Offers waiting for this person's answer are withdrawn, and their new hires' next volunteer asked."""
    for offer in session.scalars(
        select(BuddyOffer).where(
            BuddyOffer.team_id == person.team_id,
            BuddyOffer.buddy_id == person.id,
            BuddyOffer.status == OfferState.PENDING,
        )
    ):
        close_offer(session, offer, OfferState.WITHDRAWN, now)
        pairing = session.get(BuddyPairing, offer.buddy_pairing_id)
        if pairing is not None and pairing.state in FINDING_STATES and pairing.new_hire_id != person.id:
            session.flush()
            offer_next(runtime, session, pairing)


def _end_for(runtime: Runtime, session: Session, person: Person, reason: str) -> None:
    now = runtime.clock.now()
    _withdraw_offers_to(runtime, session, person, now)
    for pairing in _open_pairings_of(session, person):
        was_active = pairing.state == BuddyState.ACTIVE
        for offer in pending_offers(session, pairing):
            close_offer(session, offer, OfferState.WITHDRAWN, now)
        end_buddy_pairing(session, pairing, reason, now)
        pair = members(session, pairing) if was_active else None
        if pair is None:
            continue
        partner = pair[1] if pair[0].id == person.id else pair[0]
        if partner.is_deleted:
            continue
        with writing_for(session, pairing.team_id, partner.slack_user_id):
            message = partner_left_message()
        outbox.send_dm(
            session,
            to=partner.slack_user_id,
            kind=Kind.BUDDY_ENDED,
            subject=pairing,
            key=outbox_keys.buddy_event(pairing.id, reason),
            message=message,
            due_at=now,
            now=now,
        )


def end_buddies_for_leaver(runtime: Runtime, session: Session, person: Person) -> None:
    """A `person_left` hook: their buddy pairings end gracefully, the partner is thanked; offers to them
    are withdrawn and the next volunteer asked."""
    _end_for(runtime, session, person, END_LEFT)


def forget_buddy_rows(runtime: Runtime, session: Session, person: Person) -> None:
    """A `person_forgotten` hook: their buddy pairings end, the checklists they shared are emptied, they
    stop welcoming new colleagues, and their start date goes."""
    _end_for(runtime, session, person, END_FORGOTTEN)
    for pairing in session.scalars(
        select(BuddyPairing).where(
            BuddyPairing.team_id == person.team_id,
            or_(BuddyPairing.new_hire_id == person.id, BuddyPairing.buddy_id == person.id),
        )
    ):
        pairing.checklist = []
    profile = session.get(CopilotProfile, person.id)
    if profile is not None:
        profile.welcomes_new_colleagues = False
    person.start_date = None


def enforce_buddy_rules(runtime: Runtime, session: Session, team_id: str) -> list[str]:
    """An `org_changed` hook: buddy offers and pairings the rules no longer allow (someone is now in the
    new hire's reporting line) are withdrawn or ended; returns what was done, for the admin."""
    now = runtime.clock.now()
    org = workspace_org_chart(session, team_id)
    rules = match_rules(program.load(session, team_id))
    done: list[str] = []
    for pairing in session.scalars(
        select(BuddyPairing).where(BuddyPairing.team_id == team_id, BuddyPairing.state.in_(OPEN_BUDDY_STATES))
    ):
        new_hire = session.get(Person, pairing.new_hire_id)
        if new_hire is None:
            continue
        for offer in pending_offers(session, pairing):
            buddy = session.get(Person, offer.buddy_id)
            profile = session.get(CopilotProfile, offer.buddy_id)
            if buddy is None or profile is None:
                continue
            if still_allowed(new_hire_facts(new_hire), buddy_facts(buddy, profile, 0, now), org, rules):
                close_offer(session, offer, OfferState.WITHDRAWN, now)
                session.flush()
                offer_next(runtime, session, pairing)
                done.append(f"buddy offer to {display_name(buddy)} for {display_name(new_hire)} withdrawn")
        buddy = session.get(Person, pairing.buddy_id) if pairing.buddy_id else None
        profile = session.get(CopilotProfile, pairing.buddy_id) if pairing.buddy_id else None
        if pairing.state != BuddyState.ACTIVE or buddy is None or profile is None:
            continue
        if still_allowed(new_hire_facts(new_hire), buddy_facts(buddy, profile, 0, now), org, rules):
            end_buddy_pairing(session, pairing, END_NOT_ALLOWED, now)
            for person in (new_hire, buddy):
                with writing_for(session, pairing.team_id, person.slack_user_id):
                    message = not_allowed_message()
                outbox.send_dm(
                    session,
                    to=person.slack_user_id,
                    kind=Kind.BUDDY_ENDED,
                    subject=pairing,
                    key=outbox_keys.buddy_event(pairing.id, f"not_allowed:{person.id}"),
                    message=message,
                    due_at=now,
                    now=now,
                )
            done.append(f"buddy pairing of {display_name(new_hire)} and {display_name(buddy)} ended")
    return done
