"""The end of an agreed term: once the agreed meetings are held or the end date has passed, both are
asked to renew, keep in touch lightly, or close; then their choices decide (a planner the scheduler runs,
and the clicks).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from bot import outbox
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
from bot.i18n import N_, _, reading_in
from bot.messages.expectations.term_end import (
    networking_message,
    renew_message,
    term_closed_message,
    term_end_message,
)
from bot.outbox import Kind, Subject
from bot.outbox import keys as outbox_keys
from bot.pairings import (
    COPILOT,
    MEMBER_WIDTH,
    MENTEE,
    end_pairing,
    member_at,
    member_columns,
    with_both_people,
)
from bot.people import program_settings as program
from bot.people.directory import display_name
from bot.people.languages import member_language
from bot.rules.agreements.proposals import term_end_reached
from bot.rules.agreements.status import AgreementStatus
from bot.rules.cadence import local_date
from bot.rules.lifecycle import CLOSED_STATES, PairingState
from bot.runtime import Runtime
from storage.models import Agreement, CheckIn, Contact, Pairing

NETWORK_KEEP_IN_TOUCH_DAYS = 90
CHUNK = 1000  # pairings per pass of the term-end planner's queries
TERM_END_CHOICES = ("renew", "networking", "close")


@functools.cache
def _open_terms() -> Any:
    """The next chunk of active pairings with a confirmed term, their latest agreement's length and
    term-end choices, and the mentee's zone: built once, the chunk's start as a parameter."""
    newer = aliased(Agreement)
    latest_version = (
        select(func.max(newer.version)).where(newer.pairing_id == Agreement.pairing_id).scalar_subquery()
    )
    return (
        select(
            Pairing.id,
            Pairing.team_id,
            Agreement.version,
            Agreement.terms["length"],
            Agreement.proposals["term_end"],
            MENTEE.tz,
        )
        .join(Agreement, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .join(MENTEE, (MENTEE.id == Pairing.mentee_id) & (MENTEE.team_id == Pairing.team_id))
        .where(
            Agreement.version == latest_version,
            Agreement.status == AgreementStatus.CONFIRMED,
            Agreement.terms["length"].as_string().is_not(None),  # an open-ended term never ends
            Pairing.state == PairingState.ACTIVE,
            Pairing.id > bindparam("after_id"),
        )
        .order_by(Pairing.id)
        .limit(CHUNK)
    )


def plan_term_end(runtime: Runtime, session: Session, now: datetime) -> int:
    """Ask both people in an active pairing whose agreed term is over: renew, keep in touch, or close.

    Set-based: each chunk of active pairings comes with its latest agreement's length and term-end
    choices and both people in one query, the meetings held in one more, and the asks go out as one
    multi-row insert.
    """
    added = 0
    last_id = 0
    while True:
        rows = session.execute(_open_terms(), {"after_id": last_id}).all()
        if not rows:
            return added
        last_id = rows[-1][0]
        open_terms = [row for row in rows if not row[4] and isinstance(row[3], dict)]
        counting = [row[0] for row in open_terms if "meetings" in row[3]]
        held = (
            dict(
                session.execute(
                    select(CheckIn.pairing_id, func.count(CheckIn.id))
                    .where(CheckIn.pairing_id.in_(counting), CheckIn.status == "met")
                    .group_by(CheckIn.pairing_id)
                ).all()
            )
            if counting
            else {}
        )
        ended = {
            pairing_id: version
            for pairing_id, _team, version, length, _choices, tz in open_terms
            if term_end_reached({"length": length}, int(held.get(pairing_id) or 0), local_date(now, tz))
        }
        added += _ask_at_term_end(session, ended, now)


def _ask_at_term_end(session: Session, ended: dict[int, int], now: datetime) -> int:
    """Both people in each of these pairings (id -> agreement version) get the term-end question."""
    if not ended:
        return 0
    asks = []
    spoken: dict[str, str] = {}  # each workspace's default language
    for pairing_id, team_id, *people in session.execute(
        with_both_people(
            select(Pairing.id, Pairing.team_id, *member_columns(MENTEE), *member_columns(COPILOT))
        ).where(Pairing.id.in_(list(ended)))
    ):
        mentee, copilot = member_at(people, 0), member_at(people, MEMBER_WIDTH)
        version = ended[pairing_id]
        if team_id not in spoken:
            spoken[team_id] = program.load(session, team_id).language
        for person, partner in ((mentee, copilot), (copilot, mentee)):
            with reading_in(member_language(person, spoken[team_id])):
                message = term_end_message(pairing_id, version, display_name(partner))
            asks.append(
                outbox.dm(
                    to=person.slack_user_id,
                    kind=Kind.TERM_END,
                    subject=Subject.PAIRING.ref(team_id=team_id, id=pairing_id),
                    key=outbox_keys.term_end(pairing_id, version, person.id),
                    message=message,
                    due_at=now,
                    now=now,
                )
            )
    return outbox.enqueue_many(session, asks)


def choose_at_term_end(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, version: int, choice: str
) -> Outcome:
    """Record one person's end-of-term choice; decide once it's clear.

    Close by either person closes. Otherwise, once both have chosen: both renew → a new questionnaire
    round; anything else → the lighter option: the pairing ends (term_complete) and each gets the other
    as a keep-in-touch contact (bot.network reads contacts).
    """
    if choice not in TERM_END_CHOICES:
        raise Refused(_("Pick one of the buttons."))
    with runtime.db.transaction() as session:
        pairing, person, role = member(session, team_id, user_id, pairing_id, lock=True)
        agreement = round_numbered(session, pairing, version)
        if (
            agreement is None
            or agreement.status != AgreementStatus.CONFIRMED
            or pairing.state in CLOSED_STATES
        ):
            return Outcome(_("This has been decided already."), changed=False)
        current = current_round(session, pairing)
        if current is not None and current.version != version:
            return Outcome(_("This has been decided already: you're on a newer agreement."), changed=False)
        choices = dict(agreement.proposals.get("term_end") or {})
        if choices.get(role) == choice:
            return Outcome(_("Got it already."), changed=False)
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
                lambda: term_closed_message(person.slack_user_id),
                now,
            )
            return Outcome(_("Closed. Thank you both for the time you gave each other."))
        if len(choices) < 2:
            return Outcome(
                _("Thanks! We'll let you know once {partner} has chosen too.", partner=display_name(partner))
            )
        if choices["mentee"] == choices["copilot"] == "renew":
            if end_if_not_allowed(session, pairing, now):
                return Outcome(_(NOT_ALLOWED_TEXT))
            open_round(session, pairing, now, version + 1)
            post(
                session,
                pairing,
                outbox_keys.expectations(pairing.id, version + 1, "kickoff"),
                Kind.EXPECTATIONS_KICKOFF,
                pair_group(pairing, mentee, copilot),
                lambda: renew_message(pairing.id),
                now,
            )
            return Outcome(_("You both chose to renew: the questions are in your group message."))
        end_pairing(session, pairing, reason="term_complete", now=now)
        for owner, other in ((mentee, copilot), (copilot, mentee)):
            session.add(
                Contact(
                    team_id=team_id,
                    owner_id=owner.id,
                    slack_user_id=other.slack_user_id,
                    name=display_name(other),
                    # stored in English; marked so that the contacts view can show it translated
                    common_ground=N_("Copilots in the mentoring program"),
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
            lambda: networking_message(NETWORK_KEEP_IN_TOUCH_DAYS),
            now,
        )
        return Outcome(_("Done: you'll stay in touch as networking contacts."))
