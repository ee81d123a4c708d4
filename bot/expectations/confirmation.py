"""Confirming: once nothing is left to settle, both are asked to confirm the terms; once both have, the
agreement is put in force (the pairing goes active, or the new version takes effect), the first
check-in is scheduled and the agreed meetings go to the pair's group DM as a calendar file.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.expectations.calendar import send_agreed_meetings
from bot.expectations.later_life import NOT_ALLOWED_TEXT, end_if_not_allowed
from bot.expectations.rounds import (
    Outcome,
    PairGroup,
    Refused,
    member,
    pair_group,
    pair_names,
    people_of,
    post,
    round_numbered,
    settled_so_far,
)
from bot.i18n import _
from bot.messages.expectations.confirmation import agreed_message, confirm_message, first_meeting_message
from bot.messages.expectations.kickoff import PairNames
from bot.messages.expectations.wording import format_terms
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people import program_settings as program
from bot.people.directory import display_name
from bot.rules.agreements.comparison import Comparison
from bot.rules.agreements.proposals import final_terms
from bot.rules.agreements.status import AgreementStatus
from bot.rules.cadence import next_checkin_at
from bot.rules.lifecycle import CLOSED_STATES, PairingState
from bot.runtime import Runtime
from storage.models import Agreement, Pairing, Person


def ready_to_confirm(
    session: Session,
    pairing: Pairing,
    agreement: Agreement,
    comparison: Comparison,
    names: PairNames,
    channel: PairGroup,
    now: datetime,
) -> None:
    """Nothing is left to settle: fix the final terms and ask both to confirm them."""
    agreement.terms = final_terms(comparison, settled_so_far(agreement, comparison))
    agreement.proposals = {}
    agreement.status = AgreementStatus.PROPOSED
    post(
        session,
        pairing,
        outbox_keys.expectations(pairing.id, agreement.version, "confirm"),
        Kind.EXPECTATIONS_CONFIRM,
        channel,
        lambda: confirm_message(
            pairing.id,
            agreement.version,
            format_terms(agreement.terms, names.mentee, names.copilot),
        ),
        now,
    )


def confirm_agreement(runtime: Runtime, team_id: str, user_id: str, pairing_id: int, version: int) -> Outcome:
    """One person confirms. The pairing goes active (or the new version takes effect) once both have."""
    with runtime.db.transaction() as session:
        pairing, _person, role = member(session, team_id, user_id, pairing_id, lock=True)
        agreement = round_numbered(session, pairing, version)
        if agreement is None or pairing.state in CLOSED_STATES:
            raise Refused(_("This agreement can't be confirmed any more."))
        if agreement.status == AgreementStatus.CONFIRMED:
            return Outcome(_("You've both confirmed this agreement already."), changed=False)
        if agreement.status != AgreementStatus.PROPOSED:
            raise Refused(_("There's still something to agree on before you can confirm."))
        now = runtime.clock.now()
        mentee, copilot = people_of(session, pairing)
        partner = copilot if role == "mentee" else mentee
        column = "mentee_confirmed_at" if role == "mentee" else "copilot_confirmed_at"
        if getattr(agreement, column) is not None:
            waiting = _(
                "You've confirmed. Waiting for {partner} to confirm too.", partner=display_name(partner)
            )
            return Outcome(waiting, False)
        setattr(agreement, column, now)
        if agreement.mentee_confirmed_at is None or agreement.copilot_confirmed_at is None:
            return Outcome(_("Thanks! Waiting for {partner} to confirm too.", partner=display_name(partner)))
        if end_if_not_allowed(session, pairing, now):
            return Outcome(_(NOT_ALLOWED_TEXT))
        _put_in_force(runtime, session, pairing, agreement, mentee, copilot, now)
        return Outcome(_("You've both confirmed: your agreement is in place."))


def _put_in_force(
    runtime: Runtime,
    session: Session,
    pairing: Pairing,
    agreement: Agreement,
    mentee: Person,
    copilot: Person,
    now: datetime,
) -> None:
    agreement.status = AgreementStatus.CONFIRMED
    agreement.confirmed_at = now
    first = pairing.state == PairingState.SETTING_EXPECTATIONS
    old_cadence = pairing.cadence
    terms = agreement.terms
    pairing.cadence = terms.get("cadence") or pairing.cadence
    pairing.organiser = terms.get("organiser") or "mentee"
    if first:
        pairing.state = PairingState.ACTIVE
        pairing.activated_at = now
    pairing.version += 1
    if first or (pairing.state == PairingState.ACTIVE and pairing.cadence != old_cadence):
        _schedule_first_checkin(runtime, session, pairing)
    names = pair_names(mentee, copilot)
    post(
        session,
        pairing,
        outbox_keys.expectations(pairing.id, agreement.version, "agreed"),
        Kind.EXPECTATIONS_AGREED,
        pair_group(pairing, mentee, copilot),
        lambda: agreed_message(pairing.id, agreement.version, names),
        now,
    )
    send_agreed_meetings(session, pairing, agreement, mentee, copilot, now)
    if first:
        organiser = copilot if pairing.organiser == "copilot" else mentee
        other = mentee if organiser is copilot else copilot
        post(
            session,
            pairing,
            outbox_keys.expectations(pairing.id, agreement.version, "first_meeting"),
            Kind.FIRST_MEETING,
            organiser.slack_user_id,
            lambda: first_meeting_message(
                organiser is mentee, other.slack_user_id, display_name(other), terms
            ),
            now,
        )


def _schedule_first_checkin(runtime: Runtime, session: Session, pairing: Pairing) -> None:
    """Set pairings.next_checkin_at; bot.checkins takes over from there."""
    settings = program.load(session, pairing.team_id)
    organiser = session.get(
        Person, pairing.copilot_id if pairing.organiser == "copilot" else pairing.mentee_id
    )
    anchor = pairing.activated_at or runtime.clock.now()
    if pairing.version > 1 and pairing.activated_at is not None:
        anchor = max(anchor, runtime.clock.now())  # a revisited cadence counts from today
    pairing.next_checkin_at = next_checkin_at(
        anchor,
        pairing.cadence or "biweekly",  # type: ignore[arg-type]
        organiser.tz if organiser is not None else "UTC",
        settings.nudge_window(),
    )
