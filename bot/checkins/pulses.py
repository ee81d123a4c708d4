"""Health pulses: every ``health_review_days`` since activation, each person in the pair gets one
question ("How useful is this relationship for you?", 1 to 5) and may add a private comment.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.rhythm import send_times_per_zone
from bot.checkins.roster import PlannedPair, read_pairs
from bot.i18n import reading_in
from bot.messages import checkins as views
from bot.messages.message import Message
from bot.messages.templates import Template, filled
from bot.outbox import Kind, Subject
from bot.outbox import keys as outbox_keys
from bot.pairings import Member, NotInPairing
from bot.people import program_settings as program
from bot.people.directory import find_person
from bot.rules.lifecycle import MEETING_STATES
from bot.runtime import Runtime
from bot.scheduler import shares_its_pass
from storage import bulk
from storage.models import Pairing, Pulse

_REVIEWED = (Pairing.state.in_(MEETING_STATES), Pairing.activated_at <= bindparam("activated_before"))


@shares_its_pass
def plan_health_reviews(runtime: Runtime, session: Session, now: datetime) -> int:
    """Every health_review_days since activation, each person gets one pulse question (once per round)."""
    activated_before = now - timedelta(days=program.LIMITS["health_review_days"][0])
    added = 0
    last_id = 0
    send_at = send_times_per_zone(now)
    templates: dict[Hashable, Template | None] = {}

    while True:
        batch = read_pairs(
            session, *_REVIEWED, params={"activated_before": activated_before}, after_id=last_id, lock=True
        )
        if not batch:
            return added
        asked = dict(
            session.execute(
                select(Pulse.pairing_id, func.max(Pulse.round))
                .where(Pulse.pairing_id.in_([pair.id for pair in batch]))
                .group_by(Pulse.pairing_id)
            ).all()
        )
        pulses: list[NewPulse] = []
        asking: list[tuple[PlannedPair, Member]] = []
        for pair in batch:
            assert pair.activated_at is not None
            days = (now.date() - pair.activated_at.date()).days
            review_round = days // pair.program.health_review_days
            if review_round < 1 or review_round <= (asked.get(pair.id) or 0):
                continue
            for person in (pair.mentee, pair.copilot):
                asking.append((pair, person))
                pulses.append(NewPulse(pair.team_id, pair.id, person.id, review_round, now))
        written = bulk.insert_tuples_returning(
            session, Pulse, NewPulse._fields, pulses, "pairing_id", "person_id"
        )
        ids = {(pairing_id, person_id): pulse_id for pulse_id, pairing_id, person_id in written}
        rows = []
        for (pair, person), pulse in zip(asking, pulses, strict=True):
            pulse_id = ids[(pair.id, person.id)]
            values = {"pulse": str(pulse_id), "partner": pair.partner_of(person).slack_user_id}
            rows.append(
                outbox.queued(
                    Kind.PULSE,
                    Subject.PULSE.ref(team_id=pair.team_id, id=pulse_id, pairing_id=pair.id),
                    key=outbox_keys.pulse(pair.id, pulse.round, person.id),
                    channel=person.slack_user_id,
                    payload_json=_question(pair.language_of(person), values, templates),
                    due_at=send_at(person.tz, pair.window),
                    now=now,
                )
            )
        added += outbox.enqueue_rows(session, rows)
        last_id = batch[-1].id


class NewPulse(NamedTuple):
    """A pulse row as the planner writes it."""

    team_id: str
    pairing_id: int
    person_id: int
    round: int
    asked_at: datetime


def _question(language: str, values: Mapping[str, str], templates: dict[Hashable, Template | None]) -> str:
    """The pulse question's payload in `language`, from one template per language and pass."""

    def build(given: Mapping[str, str]) -> Message:
        with reading_in(language):
            return views.pulse_message(pulse_id=given["pulse"], partner_user_id=given["partner"])

    return filled(templates, language, build, values)


def _pulse_for(session: Session, team_id: str, user_id: str, pulse_id: int) -> Pulse:
    pulse = session.scalar(select(Pulse).where(Pulse.team_id == team_id, Pulse.id == pulse_id))
    person = find_person(session, team_id, user_id)
    if pulse is None or person is None or pulse.person_id != person.id:
        raise NotInPairing("this pulse belongs to someone else")
    return pulse


def answer_pulse(runtime: Runtime, team_id: str, user_id: str, pulse_id: int, score: int) -> bool:
    """Store a 1–5 answer (a second click with another score changes it). True if anything changed."""
    if not 1 <= score <= 5:
        raise ValueError("a pulse score is 1 to 5")
    with runtime.db.transaction() as session:
        pulse = _pulse_for(session, team_id, user_id, pulse_id)
        if pulse.score == score:
            return False
        pulse.score = score
        pulse.answered_at = runtime.clock.now()
        return True


def check_pulse_owner(runtime: Runtime, team_id: str, user_id: str, pulse_id: int) -> None:
    """NotInPairing unless the pulse was asked of this person (before the comment form opens)."""
    with runtime.db.transaction() as session:
        _pulse_for(session, team_id, user_id, pulse_id)


def comment_on_pulse(runtime: Runtime, team_id: str, user_id: str, pulse_id: int, comment: str) -> None:
    with runtime.db.transaction() as session:
        pulse = _pulse_for(session, team_id, user_id, pulse_id)
        pulse.comment = comment[: views.COMMENT_MAX] or None
