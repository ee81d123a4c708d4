"""Health pulses: every ``health_review_days`` since activation, each person in the pair gets one
question ("How useful is this relationship for you?", 1 to 5) and may add a private comment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import CHUNK
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
from bot.rules.cadence import NudgeWindow
from bot.rules.lifecycle import MEETING_STATES
from bot.runtime import Runtime
from bot.scheduler import shares_its_pass
from storage import bulk
from storage.models import Pairing, Pulse

_REVIEWED = (Pairing.state.in_(MEETING_STATES), Pairing.activated_at <= bindparam("activated_before"))
_THROUGH = Pairing.id <= bindparam("through_id")
_LISTED = Pairing.id.in_(bindparam("listed", expanding=True))
DENSE_SPAN = 2  # due ids spanning at most this many ids each are read as a range, not as a list


@shares_its_pass
def plan_health_reviews(runtime: Runtime, session: Session, now: datetime) -> int:
    """Every health_review_days since activation, each person gets one pulse question (once per round)."""
    activated_before = now - timedelta(days=program.LIMITS["health_review_days"][0])
    added = 0
    send_at = send_times_per_zone(now)
    templates: dict[Hashable, Template | None] = {}

    due = _up_for_review(session, now, activated_before)
    for start in range(0, len(due), CHUNK):
        chunk = due[start : start + CHUNK]
        params = {"activated_before": activated_before, "through_id": chunk[-1], "listed": chunk}
        if chunk[-1] - chunk[0] >= DENSE_SPAN * len(chunk):  # scattered: read just these
            batch = read_pairs(session, *_REVIEWED, _LISTED, params=params, lock=True)
            added += _ask(session, batch, now, send_at, templates)
            continue
        # Close together (a whole cohort's round, a new program): from the first to the last in id
        # order, which reads faster than a list of ids; the others in the range are skipped in _ask.
        after = chunk[0] - 1
        while batch := read_pairs(session, *_REVIEWED, _THROUGH, params=params, after_id=after, lock=True):
            added += _ask(session, batch, now, send_at, templates)
            after = batch[-1].id
    return added


def _ask(
    session: Session,
    batch: list[PlannedPair],
    now: datetime,
    send_at: Callable[[str, NudgeWindow], datetime],
    templates: dict[Hashable, Template | None],
) -> int:
    """Ask both people of each pairing in `batch` whose round has come; how many questions were queued."""
    if not batch:
        return 0  # another lane or scheduler holds them
    # asked again under the lock: what another transaction asked since is not asked twice
    session.flush()
    connection = session.connection()
    pairing_ids = [pair.id for pair in batch]
    asked = dict(connection.execute(_last_rounds(connection.dialect.name), {"ids": pairing_ids}).all())
    pulses: list[NewPulse] = []
    asking: list[tuple[PlannedPair, Member]] = []
    for pair in batch:
        assert pair.activated_at is not None
        review_round = _review_round(now, pair.activated_at, pair.program.health_review_days)
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
    return outbox.enqueue_rows(session, rows)


@functools.cache
def _last_rounds(dialect: str) -> Any:
    """Each pairing's last round asked, for a chunk of pairings: built once (see ``bulk.one_of``)."""
    return (
        select(Pulse.pairing_id, func.max(Pulse.round))
        .where(bulk.one_of(Pulse.pairing_id, "ids", dialect))
        .group_by(Pulse.pairing_id)
    )


@functools.cache
def _rounds_asked() -> Any:
    """Each pairing that could be up for review, with its activation and the last round it was asked:
    one light query (the people and agreements are read only for those really due)."""
    last_round = (
        select(func.max(Pulse.round))
        .where(Pulse.pairing_id == Pairing.id)
        .correlate(Pairing)
        .scalar_subquery()
    )
    return select(Pairing.id, Pairing.team_id, Pairing.activated_at, last_round).where(*_REVIEWED)


def _up_for_review(session: Session, now: datetime, activated_before: datetime) -> list[int]:
    """The ids of the pairings whose review round has come and not been asked, in id order. A pass that
    finds none (most minutes) costs this query, not a read of every pairing with its people."""
    every_days: dict[str, int] = {}
    due = []
    for pairing_id, team_id, activated_at, last_round in session.execute(
        _rounds_asked(), {"activated_before": activated_before}
    ):
        if team_id not in every_days:
            every_days[team_id] = program.load(session, team_id).health_review_days
        if _review_round(now, activated_at, every_days[team_id]) > (last_round or 0):
            due.append(pairing_id)
    return sorted(due)


def _review_round(now: datetime, activated_at: datetime, every_days: int) -> int:
    """Which review a pairing activated at `activated_at` is up to (0: none yet)."""
    return (now.date() - activated_at.date()).days // every_days


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
