"""Reminders and lapse: whoever hasn't answered is reminded at 2 and 5 working days; at 10 days an
unfinished first round lapses (the pairing with it, and the mentee's request opens again) and an
unfinished revisit is withdrawn (the agreement in force stays). A planner the scheduler runs.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.expectations.rounds import pair_group, people_of, post, request_of
from bot.i18n import reading_in
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
from bot.people.languages import member_language
from bot.rules.agreements.status import UNFINISHED, AgreementStatus
from bot.rules.cadence import NudgeWindow, add_working_days, local_date, safe_zone
from bot.rules.lifecycle import OPEN_STATES, PairingState
from bot.runtime import Runtime
from storage.models import Agreement, ExpectationAnswer, Pairing, Person

FIRST_REMINDER_WORKING_DAYS = 2
SECOND_REMINDER_WORKING_DAYS = 5
LAPSE_AFTER = timedelta(days=10)
CHUNK = 1000  # rounds per pass of the reminder planner's queries


@functools.cache
def _unfinished_rounds() -> Any:
    """The next chunk of unfinished expectation rounds with both people: built once, not every pass."""
    return (
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
            ).join(Agreement, (Pairing.id == Agreement.pairing_id) & (Pairing.team_id == Agreement.team_id))
        )
        .where(
            Agreement.status.in_(UNFINISHED),
            Pairing.state.in_(OPEN_STATES),
            Agreement.id > bindparam("after_id"),
        )
        .order_by(Agreement.id)
        .limit(CHUNK)
    )


def plan_expectation_reminders(runtime: Runtime, session: Session, now: datetime) -> int:
    """Remind whoever hasn't answered at 2 and 5 working days; lapse (or withdraw a revisit) at 10 days.

    Set-based: each chunk of unfinished rounds comes with both people in one query and the answers so far
    in one more, and the reminders go out as one multi-row insert. The few rounds that lapse are ended
    one by one (each ends its pairing and may reopen a request).
    """
    added = 0
    last_id = 0
    windows: dict[str, NudgeWindow] = {}
    spoken: dict[str, str] = {}  # each workspace's default language
    while True:
        rows = session.execute(_unfinished_rounds(), {"after_id": last_id}).all()
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
        due: list[tuple[str, int, str, Any, Any, bool, datetime, str]] = []
        for agreement_id, version, status, created_at, pairing_id, team_id, *people in rows:
            if team_id not in windows:
                settings = program.load(session, team_id)
                windows[team_id], spoken[team_id] = settings.nudge_window(), settings.language
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
                first, second = _reminder_times(local_date(created_at, person.tz), person.tz, window)
                at, label = (second, "r2") if now >= second else (first, "r1")
                if now < at:
                    continue
                key = outbox_keys.expectations_reminder(pairing_id, version, person.id, label)
                due.append((key, pairing_id, team_id, person, partner, partner.id in done, at, label))
        taken = outbox.existing_keys(session, [d[0] for d in due])  # queued on an earlier pass
        reminders = []
        for key, pairing_id, team_id, person, partner, partner_done, at, label in due:
            if key in taken:
                continue
            with reading_in(member_language(person, spoken.get(team_id))):
                message = reminder_message(pairing_id, display_name(partner), partner_done, label == "r2")
            reminders.append(
                outbox.dm(
                    to=person.slack_user_id,
                    kind=Kind.EXPECTATIONS_REMINDER,
                    subject=Subject.PAIRING.ref(team_id=team_id, id=pairing_id),
                    key=key,
                    message=message,
                    due_at=at,
                    now=now,
                )
            )
        added += outbox.enqueue_many(session, reminders)


@lru_cache(maxsize=8192)
def _reminder_times(created_on: date, tz: str, window: NudgeWindow) -> tuple[datetime, datetime]:
    """The first and second reminder for a round started on local day `created_on` (cached: every round
    started that day in that zone shares them)."""
    start = datetime.combine(created_on, time(12), tzinfo=safe_zone(tz))
    return (
        add_working_days(start, FIRST_REMINDER_WORKING_DAYS, tz, window),
        add_working_days(start, SECOND_REMINDER_WORKING_DAYS, tz, window),
    )


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
                lambda partner=partner, person=person: lapsed_message(
                    display_name(partner), person.id == mentee.id
                ),
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
            lambda: revisit_withdrawn_message(),
            now,
        )
    )
