"""Reminders and lapse: whoever hasn't answered is reminded at 2 and 5 working days; at 10 days an
unfinished first round lapses (the pairing with it, and the mentee's request opens again) and an
unfinished revisit is withdrawn (the agreement in force stays). A planner the scheduler runs.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.expectations.rounds import pair_group, people_of, post, request_of
from bot.messages.expectations.reminders import lapsed_message, reminder_message, revisit_withdrawn_message
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
from bot.rules.agreements.status import UNFINISHED, AgreementStatus
from bot.rules.cadence import NudgeWindow, add_working_days
from bot.rules.lifecycle import OPEN_STATES, PairingState
from bot.runtime import Runtime
from storage.models import Agreement, ExpectationAnswer, Pairing, Person

FIRST_REMINDER_WORKING_DAYS = 2
SECOND_REMINDER_WORKING_DAYS = 5
LAPSE_AFTER = timedelta(days=10)
CHUNK = 1000  # rounds per pass of the reminder planner's queries


def plan_expectation_reminders(runtime: Runtime, session: Session, now: datetime) -> int:
    """Remind whoever hasn't answered at 2 and 5 working days; lapse (or withdraw a revisit) at 10 days.

    Set-based: each chunk of unfinished rounds comes with both people in one query and the answers so far
    in one more, and the reminders go out as one multi-row insert. The few rounds that lapse are ended
    one by one (each ends its pairing and may reopen a request).
    """
    added = 0
    last_id = 0
    windows: dict[str, NudgeWindow] = {}
    while True:
        rows = session.execute(
            with_both_people(
                select(
                    Agreement.id,
                    Agreement.version,
                    Agreement.status,
                    Agreement.created_at,
                    Pairing.id,
                    Pairing.team_id,
                    *member_columns(MENTEE),
                    *member_columns(COPILOT),
                ).join(
                    Agreement, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id)
                )
            )
            .where(Agreement.status.in_(UNFINISHED), Pairing.state.in_(OPEN_STATES), Agreement.id > last_id)
            .order_by(Agreement.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return added
        last_id = rows[-1][0]
        answered: dict[tuple[int, int], set[int]] = {}
        for pairing_id, round_, person_id in session.execute(
            select(ExpectationAnswer.pairing_id, ExpectationAnswer.round, ExpectationAnswer.person_id).where(
                ExpectationAnswer.pairing_id.in_([row[4] for row in rows])
            )
        ):
            answered.setdefault((pairing_id, round_), set()).add(person_id)
        reminders = []
        for agreement_id, version, status, created_at, pairing_id, team_id, *people in rows:
            if team_id not in windows:
                windows[team_id] = program.load(session, team_id).nudge_window()
            window = windows[team_id]
            if now >= created_at + LAPSE_AFTER:
                added += _give_up(session, pairing_id, agreement_id, now)
                continue
            if status != AgreementStatus.DRAFTING:
                continue
            mentee, copilot = member_at(people, 0), member_at(people, MEMBER_WIDTH)
            done = answered.get((pairing_id, version), set())
            for person, partner in ((mentee, copilot), (copilot, mentee)):
                if person.id in done or person.is_deleted:
                    continue
                first = add_working_days(created_at, FIRST_REMINDER_WORKING_DAYS, person.tz, window)
                second = add_working_days(created_at, SECOND_REMINDER_WORKING_DAYS, person.tz, window)
                due, label = (second, "r2") if now >= second else (first, "r1")
                if now < due:
                    continue
                reminders.append(
                    outbox.dm(
                        to=person.slack_user_id,
                        kind=Kind.EXPECTATIONS_REMINDER,
                        subject=Subject.PAIRING.ref(team_id=team_id, id=pairing_id),
                        key=outbox_keys.expectations_reminder(pairing_id, version, person.id, label),
                        message=reminder_message(
                            pairing_id, display_name(partner), partner.id in done, label == "r2"
                        ),
                        due_at=due,
                        now=now,
                    )
                )
        added += outbox.enqueue_many(session, reminders)


def _give_up(session: Session, pairing_id: int, agreement_id: int, now: datetime) -> int:
    pairing = session.get(Pairing, pairing_id)
    agreement = session.get(Agreement, agreement_id)
    assert pairing is not None and agreement is not None
    mentee, copilot = people_of(session, pairing)
    return _give_up_round(session, pairing, agreement, mentee, copilot, now)


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
