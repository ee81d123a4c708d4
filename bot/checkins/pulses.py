"""Health pulses: every ``health_review_days`` since activation, each person in the pair gets one
question ("How useful is this relationship for you?", 1 to 5) and may add a private comment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import CHUNK, Pair, load_pairs, skip_locked
from bot.messages import checkins as views
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import NotInPairing
from bot.people import program_settings as program
from bot.people.directory import find_person
from bot.rules.cadence import next_working_send_time
from bot.rules.lifecycle import MEETING_STATES
from bot.runtime import Runtime
from storage.models import Pairing, Pulse


def plan_health_reviews(runtime: Runtime, session: Session, now: datetime) -> int:
    """Every health_review_days since activation, each person gets one pulse question (once per round)."""
    query = select(Pairing).where(
        Pairing.state.in_(MEETING_STATES),
        Pairing.activated_at <= now - timedelta(days=program.LIMITS["health_review_days"][0]),
    )
    candidates = list(session.scalars(skip_locked(session, query.order_by(Pairing.id))))
    added = 0
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        programs = {team: program.load(session, team) for team in {p.team_id for p in chunk}}
        asked = dict(
            session.execute(
                select(Pulse.pairing_id, func.max(Pulse.round))
                .where(Pulse.pairing_id.in_([p.id for p in chunk]))
                .group_by(Pulse.pairing_id)
            ).all()
        )
        due: dict[int, int] = {}  # pairing id -> the review round to ask now
        for p in chunk:
            assert p.activated_at is not None
            days = (now.date() - p.activated_at.date()).days
            review_round = days // programs[p.team_id].health_review_days
            if review_round >= 1 and review_round > (asked.get(p.id) or 0):
                due[p.id] = review_round
        for pair in load_pairs(session, [p for p in chunk if p.id in due]):
            added += _ask_pulse(session, pair, due[pair.pairing.id], now)
    return added


def _ask_pulse(session: Session, pair: Pair, review_round: int, now: datetime) -> int:
    added = 0
    for person in (pair.mentee, pair.copilot):
        pulse = Pulse(
            team_id=pair.pairing.team_id,
            pairing_id=pair.pairing.id,
            person_id=person.id,
            round=review_round,
            asked_at=now,
        )
        session.add(pulse)
        session.flush()
        added += outbox.send_dm(
            session,
            to=person.slack_user_id,
            kind=Kind.PULSE,
            subject=pulse,
            key=outbox_keys.pulse(pair.pairing.id, review_round, person.id),
            message=views.pulse_message(
                pulse_id=pulse.id, partner_user_id=pair.partner_of(person).slack_user_id
            ),
            due_at=next_working_send_time(now, person.tz, pair.window),
            now=now,
        )
    return added


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
