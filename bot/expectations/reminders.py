"""Reminders and lapse: whoever hasn't answered is reminded at 2 and 5 working days; at 10 days an
unfinished first round lapses (the pairing with it, and the mentee's request opens again) and an
unfinished revisit is withdrawn (the agreement in force stays). A planner the scheduler runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.expectations.rounds import answers_in_round, pair_group, people_of, post, request_of
from bot.messages.expectations.reminders import lapsed_message, reminder_message, revisit_withdrawn_message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import end_pairing
from bot.people import program_settings as program
from bot.people.directory import display_name
from bot.rules.agreements.status import UNFINISHED, AgreementStatus
from bot.rules.cadence import NudgeWindow, add_working_days
from bot.rules.lifecycle import OPEN_STATES, PairingState
from bot.runtime import Runtime
from storage.models import Agreement, Pairing, Person

FIRST_REMINDER_WORKING_DAYS = 2
SECOND_REMINDER_WORKING_DAYS = 5
LAPSE_AFTER = timedelta(days=10)


def plan_expectation_reminders(runtime: Runtime, session: Session, now: datetime) -> int:
    """Remind whoever hasn't answered at 2 and 5 working days; lapse (or withdraw a revisit) at 10 days."""
    added = 0
    windows: dict[str, NudgeWindow] = {}
    rows = session.execute(
        select(Agreement, Pairing)
        .join(Pairing, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        .where(Agreement.status.in_(UNFINISHED), Pairing.state.in_(OPEN_STATES))
        .order_by(Agreement.id)
    ).all()
    for agreement, pairing in rows:
        if pairing.team_id not in windows:
            windows[pairing.team_id] = program.load(session, pairing.team_id).nudge_window()
        window = windows[pairing.team_id]
        mentee, copilot = people_of(session, pairing)
        if now >= agreement.created_at + LAPSE_AFTER:
            added += _give_up_round(session, pairing, agreement, mentee, copilot, now)
            continue
        if agreement.status != AgreementStatus.DRAFTING:
            continue
        answered = answers_in_round(session, pairing, agreement.version)
        for person, partner in ((mentee, copilot), (copilot, mentee)):
            if person.id in answered or person.is_deleted:
                continue
            first = add_working_days(agreement.created_at, FIRST_REMINDER_WORKING_DAYS, person.tz, window)
            second = add_working_days(agreement.created_at, SECOND_REMINDER_WORKING_DAYS, person.tz, window)
            due, label = (second, "r2") if now >= second else (first, "r1")
            if now < due:
                continue
            added += post(
                session,
                pairing,
                outbox_keys.expectations_reminder(pairing.id, agreement.version, person.id, label),
                Kind.EXPECTATIONS_REMINDER,
                person.slack_user_id,
                reminder_message(pairing.id, display_name(partner), partner.id in answered, label == "r2"),
                now,
                due_at=due,
            )
    return added


def _give_up_round(
    session: Session, pairing: Pairing, agreement: Agreement, mentee: Person, copilot: Person, now: datetime
) -> int:
    added = 0
    if pairing.state == PairingState.SETTING_EXPECTATIONS:
        end_pairing(session, pairing, reason="lapsed", now=now)
        agreement.status = AgreementStatus.LAPSED
        request = request_of(session, pairing)
        if request is not None and request.status != "cancelled":
            request.status = "open"
            request.closed_at = None
        for person, partner in ((mentee, copilot), (copilot, mentee)):
            if person.is_deleted:
                continue
            added += post(
                session,
                pairing,
                outbox_keys.expectations_lapsed(pairing.id, person.id),
                Kind.PAIRING_LAPSED,
                person.slack_user_id,
                lapsed_message(display_name(partner), person.id == mentee.id),
                now,
            )
        return added
    agreement.status = AgreementStatus.WITHDRAWN
    return int(
        post(
            session,
            pairing,
            outbox_keys.expectations(pairing.id, agreement.version, "withdrawn"),
            Kind.EXPECTATIONS_WITHDRAWN,
            pair_group(pairing, mentee, copilot),
            revisit_withdrawn_message(),
            now,
        )
    )
