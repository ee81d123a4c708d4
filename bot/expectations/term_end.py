"""The end of an agreed term: once the agreed meetings are held or the end date has passed, both are
asked to renew, keep in touch lightly, or close; then their choices decide (a planner the scheduler runs,
and the clicks).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.expectations.later_life import NOT_ALLOWED_TEXT, end_if_not_allowed
from bot.expectations.rounds import (
    Outcome,
    Refused,
    current_round,
    member,
    open_round,
    pair_group,
    people_of,
    post,
    round_numbered,
)
from bot.messages.expectations.term_end import (
    networking_message,
    renew_message,
    term_closed_message,
    term_end_message,
)
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import end_pairing
from bot.people.directory import display_name
from bot.rules.agreements.proposals import term_end_reached
from bot.rules.agreements.status import AgreementStatus
from bot.rules.cadence import local_date
from bot.rules.lifecycle import CLOSED_STATES, PairingState
from bot.runtime import Runtime
from storage.models import Agreement, CheckIn, Contact, Pairing

NETWORK_KEEP_IN_TOUCH_DAYS = 90
TERM_END_CHOICES = ("renew", "networking", "close")


def plan_term_end(runtime: Runtime, session: Session, now: datetime) -> int:
    """Ask both people in an active pairing whose agreed term is over: renew, keep in touch, or close."""
    added = 0
    latest = (
        select(Agreement.pairing_id, func.max(Agreement.version).label("version"))
        .group_by(Agreement.pairing_id)
        .subquery()
    )
    rows = session.execute(
        select(Agreement, Pairing)
        .join(latest, (latest.c.pairing_id == Agreement.pairing_id) & (latest.c.version == Agreement.version))
        .join(Pairing, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .where(Agreement.status == AgreementStatus.CONFIRMED, Pairing.state == PairingState.ACTIVE)
        .order_by(Agreement.id)
    ).all()
    for agreement, pairing in rows:
        if agreement.proposals.get("term_end"):
            continue
        held = session.scalar(
            select(func.count(CheckIn.id)).where(
                CheckIn.team_id == pairing.team_id, CheckIn.pairing_id == pairing.id, CheckIn.status == "met"
            )
        )
        mentee, copilot = people_of(session, pairing)
        if not term_end_reached(agreement.terms, int(held or 0), local_date(now, mentee.tz)):
            continue
        for person, partner in ((mentee, copilot), (copilot, mentee)):
            added += post(
                session,
                pairing,
                outbox_keys.term_end(pairing.id, agreement.version, person.id),
                Kind.TERM_END,
                person.slack_user_id,
                term_end_message(pairing.id, agreement.version, display_name(partner)),
                now,
            )
    return added


def choose_at_term_end(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, version: int, choice: str
) -> Outcome:
    """Record one person's end-of-term choice; decide once it's clear.

    Close by either person closes. Otherwise, once both have chosen: both renew → a new questionnaire
    round; anything else → the lighter option: the pairing ends (term_complete) and each gets the other
    as a keep-in-touch contact (bot.network reads contacts).
    """
    if choice not in TERM_END_CHOICES:
        raise Refused("Pick one of the buttons.")
    with runtime.db.transaction() as session:
        pairing, person, role = member(session, team_id, user_id, pairing_id, lock=True)
        agreement = round_numbered(session, pairing, version)
        if (
            agreement is None
            or agreement.status != AgreementStatus.CONFIRMED
            or pairing.state in CLOSED_STATES
        ):
            return Outcome("This has been decided already.", changed=False)
        current = current_round(session, pairing)
        if current is not None and current.version != version:
            return Outcome("This has been decided already: you're on a newer agreement.", changed=False)
        choices = dict(agreement.proposals.get("term_end") or {})
        if choices.get(role) == choice:
            return Outcome("Got it already.", changed=False)
        choices[role] = choice
        agreement.proposals = {**agreement.proposals, "term_end": choices}
        mentee, copilot = people_of(session, pairing)
        partner = copilot if role == "mentee" else mentee
        now = runtime.clock.now()
        if choice == "close":
            end_pairing(session, pairing, reason="term_complete", now=now)
            post(
                session,
                pairing,
                outbox_keys.pairing_event(pairing.id, "term_closed"),
                Kind.PAIRING_ENDED,
                partner.slack_user_id,
                term_closed_message(person.slack_user_id),
                now,
            )
            return Outcome("Closed. Thank you both for the time you gave each other.")
        if len(choices) < 2:
            return Outcome(f"Thanks! We'll let you know once {display_name(partner)} has chosen too.")
        if choices["mentee"] == choices["copilot"] == "renew":
            if end_if_not_allowed(session, pairing, now):
                return Outcome(NOT_ALLOWED_TEXT)
            open_round(session, pairing, now, version + 1)
            post(
                session,
                pairing,
                outbox_keys.expectations(pairing.id, version + 1, "kickoff"),
                Kind.EXPECTATIONS_KICKOFF,
                pair_group(pairing, mentee, copilot),
                renew_message(pairing.id),
                now,
            )
            return Outcome("You both chose to renew: the questions are in your group message.")
        end_pairing(session, pairing, reason="term_complete", now=now)
        for owner, other in ((mentee, copilot), (copilot, mentee)):
            session.add(
                Contact(
                    team_id=team_id,
                    owner_id=owner.id,
                    slack_user_id=other.slack_user_id,
                    name=display_name(other),
                    common_ground="Copilots in the mentoring program",
                    keep_in_touch_days=NETWORK_KEEP_IN_TOUCH_DAYS,
                    created_at=now,
                    updated_at=now,
                )
            )
        post(
            session,
            pairing,
            outbox_keys.pairing_event(pairing.id, "networking"),
            Kind.PAIRING_ENDED,
            pair_group(pairing, mentee, copilot),
            networking_message(NETWORK_KEEP_IN_TOUCH_DAYS),
            now,
        )
        return Outcome("Done: you'll stay in touch as networking contacts.")
