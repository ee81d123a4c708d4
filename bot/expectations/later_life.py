"""The later life of a pairing: revisit the expectations (a new round while the agreement in force
stays), pause and resume, and end it: by one of the pair (with an optional private reflection) or because
one of them left the workspace (the person_left hook).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.expectations.rounds import (
    Outcome,
    Refused,
    current_round,
    member,
    open_round,
    pair_group,
    people_of,
    post,
)
from bot.i18n import N_, _
from bot.messages.expectations.later_life import (
    REFLECTION_MAX_CHARS,
    ended_message,
    not_allowed_message,
    partner_left_message,
    paused_message,
    revisit_message,
)
from bot.messages.text import format_date
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import end_pairing, open_pairings_of, pause_pairing, resume_pairing
from bot.people.directory import display_name, find_person
from bot.people.standing import standing_block
from bot.rules.agreements.status import UNFINISHED, AgreementStatus
from bot.rules.cadence import local_date
from bot.rules.lifecycle import CLOSED_STATES, PairingState
from bot.runtime import Runtime
from storage.models import Pairing, Person, Reflection

MAX_PAUSE_DAYS = 365


def revisit(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> Outcome:
    """Open a new questionnaire round for both; the pairing stays active and earlier versions are kept.
    The hard rules are re-run first: a pairing they no longer allow ends instead (end_not_allowed)."""
    with runtime.db.transaction() as session:
        pairing, person, _role = member(session, team_id, user_id, pairing_id, lock=True)
        if pairing.state not in (PairingState.ACTIVE, PairingState.PAUSED, PairingState.STALLED):
            raise Refused(_("You can revisit your expectations once your first agreement is in place."))
        if end_if_not_allowed(session, pairing, runtime.clock.now()):
            return Outcome(_(NOT_ALLOWED_TEXT))
        current = current_round(session, pairing)
        if current is not None and current.status in UNFINISHED:
            return Outcome(_("Your expectations are already open for a fresh look."), changed=False)
        now = runtime.clock.now()
        round_ = (current.version if current else 0) + 1
        open_round(session, pairing, now, round_)
        mentee, copilot = people_of(session, pairing)
        post(
            session,
            pairing,
            outbox_keys.expectations(pairing.id, round_, "kickoff"),
            Kind.EXPECTATIONS_KICKOFF,
            pair_group(pairing, mentee, copilot),
            lambda: revisit_message(pairing.id, person.slack_user_id),
            now,
        )
        return Outcome(_("Done: you'll both get the questions again. Your current agreement stays in place."))


def pause(runtime: Runtime, team_id: str, user_id: str, pairing_id: int, until: date) -> Outcome:
    with runtime.db.transaction() as session:
        pairing, person, _role = member(session, team_id, user_id, pairing_id, lock=True)
        now = runtime.clock.now()
        today = local_date(now, person.tz)
        if until <= today or until > today + timedelta(days=MAX_PAUSE_DAYS):
            raise Refused(_("Pick a date after today and within a year."))
        if pairing.state == PairingState.PAUSED and pairing.paused_until == until:
            return Outcome(_("Already paused until {day}.", day=format_date(until, year=True)), changed=False)
        if not pause_pairing(pairing, until):
            raise Refused(_("Only an active pairing can be paused."))
        mentee, copilot = people_of(session, pairing)
        partner = copilot if person.id == mentee.id else mentee
        post(
            session,
            pairing,
            outbox_keys.pairing_event(pairing.id, f"paused:{pairing.version}"),
            Kind.PAIRING_PAUSED,
            partner.slack_user_id,
            lambda: paused_message(person.slack_user_id, until),
            now,
        )
        return Outcome(
            _("Paused until {day}. No check-in reminders until then.", day=format_date(until, year=True))
        )


def resume(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> Outcome:
    with runtime.db.transaction() as session:
        pairing, _person, _role = member(session, team_id, user_id, pairing_id, lock=True)
        if pairing.state == PairingState.PAUSED and end_if_not_allowed(session, pairing, runtime.clock.now()):
            return Outcome(_(NOT_ALLOWED_TEXT))
        if not resume_pairing(pairing):
            return Outcome(_("Your mentoring isn't paused."), changed=False)
        return Outcome(_("Welcome back: your mentoring is active again."))


def end_form_for(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> str:
    """The partner's name, for the "end mentoring" modal."""
    with runtime.db.transaction() as session:
        pairing, person, _role = member(session, team_id, user_id, pairing_id, lock=False)
        if pairing.state in CLOSED_STATES:
            raise Refused(_("This mentoring has already ended."))
        mentee, copilot = people_of(session, pairing)
        return display_name(copilot if person.id == mentee.id else mentee)


def pairing_with(runtime: Runtime, team_id: str, user_id: str, partner_user_id: str) -> int:
    """The id of the caller's open pairing with this partner."""
    with runtime.db.transaction() as session:
        me = find_person(session, team_id, user_id)
        partner = find_person(session, team_id, partner_user_id)
        if me is not None and partner is not None:
            for pairing in open_pairings_of(session, team_id, me.id):
                if partner.id in (pairing.mentee_id, pairing.copilot_id):
                    return pairing.id
        raise Refused(_("You don't have an open mentoring pairing with that person."))


def end_by_member(runtime: Runtime, team_id: str, user_id: str, pairing_id: int, reflection: str) -> Outcome:
    """End the pairing (any state), keep an optional private reflection, tell the partner kindly."""
    reflection = (reflection or "").strip()
    if len(reflection) > REFLECTION_MAX_CHARS:
        raise Refused(_("Please keep your reflection under {limit} characters.", limit=REFLECTION_MAX_CHARS))
    with runtime.db.transaction() as session:
        pairing, person, role = member(session, team_id, user_id, pairing_id, lock=True)
        now = runtime.clock.now()
        if not end_pairing(session, pairing, reason=f"by_{role}", now=now):
            return Outcome(_("This mentoring has already ended."), changed=False)
        _withdraw_unfinished_round(session, pairing)
        if reflection:
            session.add(
                Reflection(
                    team_id=team_id,
                    pairing_id=pairing.id,
                    author_id=person.id,
                    text=reflection,
                    created_at=now,
                )
            )
        mentee, copilot = people_of(session, pairing)
        partner = copilot if role == "mentee" else mentee
        post(
            session,
            pairing,
            outbox_keys.pairing_event(pairing.id, "ended"),
            Kind.PAIRING_ENDED,
            partner.slack_user_id,
            lambda: ended_message(person.slack_user_id),
            now,
        )
        return Outcome(
            _(
                "Your mentoring with {partner} has ended. Thank you for taking part.",
                partner=display_name(partner),
            )
        )


def _withdraw_unfinished_round(session: Session, pairing: Pairing) -> None:
    current = current_round(session, pairing)
    if current is not None and current.status in UNFINISHED:
        current.status = AgreementStatus.WITHDRAWN


NOT_ALLOWED_TEXT = N_("The program's rules no longer allow this pairing, so it has ended.")


def end_if_not_allowed(session: Session, pairing: Pairing, now: datetime) -> bool:
    """Re-run the lifetime hard rules on an open pairing; end it kindly (end_not_allowed) if they fail."""
    if pairing.state in CLOSED_STATES:
        return False
    mentee, copilot = people_of(session, pairing)
    if standing_block(session, mentee, copilot) is None:
        return False
    return end_not_allowed(session, pairing, now)


def end_not_allowed(session: Session, pairing: Pairing, now: datetime) -> bool:
    """End a pairing the program's rules no longer allow; each of the two is told only that."""
    if not end_pairing(session, pairing, reason="not_allowed", now=now):
        return False
    _withdraw_unfinished_round(session, pairing)
    for person in people_of(session, pairing):
        if person.is_deleted:
            continue
        post(
            session,
            pairing,
            outbox_keys.pairing_event(pairing.id, f"not_allowed:{person.id}"),
            Kind.PAIRING_ENDED,
            person.slack_user_id,
            lambda: not_allowed_message(),
            now,
        )
    return True


def end_for_leaver(runtime: Runtime, session: Session, person: Person) -> None:
    """A person_left hook: someone left the workspace. End their open pairings, tell each partner."""
    now = runtime.clock.now()
    for pairing in open_pairings_of(session, person.team_id, person.id):
        if not end_pairing(session, pairing, reason="person_left", now=now):
            continue
        _withdraw_unfinished_round(session, pairing)
        partner = session.get(
            Person, pairing.copilot_id if pairing.mentee_id == person.id else pairing.mentee_id
        )
        if partner is None or partner.is_deleted:
            continue
        post(
            session,
            pairing,
            outbox_keys.pairing_event(pairing.id, "left"),
            Kind.PAIRING_ENDED,
            partner.slack_user_id,
            lambda partner=partner, pairing=pairing: partner_left_message(
                display_name(person), pairing.mentee_id == partner.id
            ),
            now,
        )
