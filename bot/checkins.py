"""Check-ins, report-backs and health reviews (service).

The database says what is due; planners (run by the scheduler every minute, and by `mentor-bot tick`)
turn that into outbox rows with unique keys, so a nudge is never lost and never sent twice:

* ``plan_checkins``: a check-in row per cycle (unique per pairing) and its nudge, keyed
  ``checkin:<pairing>:<cycle>``, planned a day ahead and due at the program's nudge hour in the
  organiser's own zone. A nudge that missed its grace period (the bot was down) becomes a "missed"
  check-in and the pairing simply rolls on to its next cycle.
* ``plan_stalled_pairings``: two cadence cycles without a meeting → a gentle nudge to both (once per
  stall episode); three → the pairing is "stalled" until the next meeting.
* ``plan_health_reviews``: every ``health_review_days`` since activation, a one-question pulse each.

Check-in statuses: pending (asked, no answer yet) → met / scheduled / skipped / paused, or missed
(never delivered in time) / withdrawn (a later nudge made moot by an answer before it went out).
"""

from __future__ import annotations

import logging
import time as monotonic_time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.orm import Session

from bot import program
from bot.cadence import (
    CADENCE_DAYS,
    CADENCES,
    NudgeWindow,
    checkin_after_scheduled,
    cycles_since,
    local_date,
    next_checkin_at,
    next_working_send_time,
    safe_zone,
    to_utc,
)
from bot.outbox import PERSON_GONE_ERRORS, FailureHook, OutboxRow, enqueue, enqueue_many, group_channel
from bot.pairings import (
    ACTIVE,
    PAUSED,
    STALLED,
    NotInPairing,
    get_pairing,
    open_pairings_of,
    pause_pairing,
    require_member,
    resume_pairing,
)
from bot.people import display_name, find_person
from bot.program import ProgramSettings
from bot.runtime import Runtime
from handlers.views import checkins as views
from storage.models import Agreement, CheckIn, OutboxMessage, Pairing, Person, Pulse, ReportBack

log = logging.getLogger(__name__)

LOOKAHEAD = timedelta(days=1)
CHECKIN_KIND = "nudge.checkin"
STALL_KIND = "nudge.stalled"
FOLLOW_UP_KIND = "nudge.report_back_follow_up"
REPORT_BACK_KIND = "report_back"
PULSE_KIND = "pulse"
UNREACHABLE_KIND = "pairing.unreachable"
DEFAULT_CADENCE = "biweekly"
STALL_NUDGE_CYCLES = 2
STALLED_CYCLES = 3
UNREACHABLE_PAUSE_DAYS = 30
MAX_PAUSE_DAYS = 183
MAX_SCHEDULE_DAYS = 120
MAX_CATCH_UP_CYCLES = 60
CHUNK = 1000
CHECKIN_STATES = (ACTIVE, STALLED)

PENDING = "pending"
MET = "met"
SCHEDULED = "scheduled"
SKIPPED = "skipped"
PAUSED_CHECKIN = "paused"
MISSED = "missed"
WITHDRAWN = "withdrawn"
ANSWERABLE = (PENDING, SCHEDULED, MISSED)


class CheckinClosed(Exception):
    """The check-in can't take this answer any more; the message says why, kindly."""


# --- the pair, as the planners and buttons need it --------------------------------------------------


@dataclass(frozen=True)
class Pair:
    pairing: Pairing
    mentee: Person
    mentor: Person
    terms: dict[str, Any]
    agreed_at: datetime | None
    program: ProgramSettings

    @property
    def cadence(self) -> str:
        cadence = self.pairing.cadence or self.terms.get("cadence") or DEFAULT_CADENCE
        return cadence if cadence in CADENCES else DEFAULT_CADENCE

    @property
    def window(self) -> NudgeWindow:
        return self.program.nudge_window()

    @property
    def anchor(self) -> datetime:
        """What the rhythm counts from: the last meeting, else the agreement, else activation."""
        p = self.pairing
        return p.last_met_at or self.agreed_at or p.activated_at or p.created_at

    def organiser(self, cycle: int) -> Person:
        choice = self.terms.get("organiser") or self.pairing.organiser or "mentee"
        if choice == "alternate":
            return self.mentee if cycle % 2 == 1 else self.mentor
        return self.mentor if choice == "mentor" else self.mentee

    def partner_of(self, person: Person) -> Person:
        return self.mentor if person.id == self.mentee.id else self.mentee

    def in_group(self) -> bool:
        return self.program.checkin_delivery == "group"


class _Settings:
    """Program settings per workspace, read once per planner pass."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._cache: dict[str, ProgramSettings] = {}

    def __call__(self, team_id: str) -> ProgramSettings:
        if team_id not in self._cache:
            self._cache[team_id] = program.load(self._session, team_id)
        return self._cache[team_id]


def _pairs(session: Session, pairings: Sequence[Pairing], settings: _Settings) -> list[Pair]:
    """The people, the confirmed agreement and the program settings for each pairing, in a few queries."""
    if not pairings:
        return []
    ids = {p.mentee_id for p in pairings} | {p.mentor_id for p in pairings}
    teams = {p.team_id for p in pairings}
    people = {
        person.id: person
        for person in session.scalars(select(Person).where(Person.team_id.in_(teams), Person.id.in_(ids)))
    }
    agreements: dict[int, Agreement] = {}
    for row in session.scalars(
        select(Agreement)
        .where(
            Agreement.team_id.in_(teams),
            Agreement.pairing_id.in_([p.id for p in pairings]),
            Agreement.status == "confirmed",
        )
        .order_by(Agreement.version)
    ):
        agreements[row.pairing_id] = row  # the highest version wins
    found = []
    for p in pairings:
        mentee, mentor = people.get(p.mentee_id), people.get(p.mentor_id)
        if mentee is None or mentor is None:
            continue
        agreement = agreements.get(p.id)
        found.append(
            Pair(
                pairing=p,
                mentee=mentee,
                mentor=mentor,
                terms=dict(agreement.terms) if agreement else {},
                agreed_at=agreement.confirmed_at if agreement else None,
                program=settings(p.team_id),
            )
        )
    return found


def load_pair(session: Session, pairing: Pairing) -> Pair:
    pairs = _pairs(session, [pairing], _Settings(session))
    if not pairs:
        raise NotInPairing("this pairing is missing one of its people")
    return pairs[0]


# --- when -------------------------------------------------------------------------------------------


def _cycle_time(pair: Pair, anchor_day: date, k: int, tz: str) -> datetime:
    days = CADENCE_DAYS[pair.cadence]  # type: ignore[index]
    noon = to_utc(datetime.combine(anchor_day + timedelta(days=days * (k - 1)), time(12)), safe_zone(tz))
    return next_checkin_at(noon, pair.cadence, tz, pair.window)  # type: ignore[arg-type]


def following_checkin_at(pair: Pair, cycle: int, after: datetime) -> datetime:
    """The nudge for `cycle`: the first cadence step from the anchor on a later local day than `after`."""
    tz = pair.organiser(cycle).tz
    anchor_day = local_date(pair.anchor, tz)
    after_day = local_date(after, tz)
    k = max(1, (after_day - anchor_day).days // CADENCE_DAYS[pair.cadence])  # type: ignore[index]
    while True:
        candidate = _cycle_time(pair, anchor_day, k, tz)
        if local_date(candidate, tz) > after_day:
            return candidate
        k += 1


def first_checkin_at(pair: Pair, now: datetime) -> datetime:
    """The first check-in of a pairing that just went active (one cadence after the agreement)."""
    return following_checkin_at(pair, 1, after=max(pair.anchor, now - LOOKAHEAD))


def _send_time_near(moment: datetime, tz: str, window: NudgeWindow, now: datetime) -> datetime:
    """The send time on `moment`'s local day in `tz` (or the next working day), never in the past."""
    candidate = checkin_after_scheduled(local_date(moment, tz) - timedelta(days=1), tz, window)
    return candidate if candidate > now else next_working_send_time(now, tz, window)


def _checkin_key(pairing_id: int, cycle: int) -> str:
    return f"checkin:{pairing_id}:{cycle}"


def _checkin_key_sql() -> Any:
    return literal("checkin:") + cast(CheckIn.pairing_id, String) + literal(":") + cast(CheckIn.cycle, String)


def _skip_locked(session: Session, query: Any) -> Any:
    # Two scheduler processes on PostgreSQL plan disjoint pairings instead of tripping over each other.
    return query if session.get_bind().dialect.name == "sqlite" else query.with_for_update(skip_locked=True)


# --- the check-in planner ---------------------------------------------------------------------------


def plan_checkins(runtime: Runtime, session: Session, now: datetime) -> int:
    """Plan every check-in due within a day; resume pauses that ended; mark nudges that never went out."""
    settings = _Settings(session)
    _resume_ended_pauses(session, now, settings)
    _mark_missed(session, now)
    _schedule_first_checkins(session, now, settings)
    added = 0
    last_id = 0
    while True:
        query = (
            select(Pairing)
            .where(
                Pairing.state.in_(CHECKIN_STATES),
                Pairing.next_checkin_at <= now + LOOKAHEAD,
                Pairing.id > last_id,
            )
            .order_by(Pairing.id)
            .limit(CHUNK)
        )
        batch = list(session.scalars(_skip_locked(session, query)))
        if not batch:
            return added
        latest = _latest_checkins(session, [p.id for p in batch])
        planned: list[tuple[Pair, CheckIn, date | None]] = []
        for pair in _pairs(session, batch, settings):
            planned.extend(_plan_pair(session, pair, latest.get(pair.pairing.id), now))
        # One flush gives every new check-in its id; then the nudges go in as one multi-row insert.
        session.flush()
        added += enqueue_many(
            session,
            [_checkin_nudge(pair, checkin, scheduled_for, now) for pair, checkin, scheduled_for in planned],
        )
        last_id = batch[-1].id


def _latest_checkins(session: Session, pairing_ids: list[int]) -> dict[int, CheckIn]:
    newest = (
        select(CheckIn.pairing_id, func.max(CheckIn.cycle).label("cycle"))
        .where(CheckIn.pairing_id.in_(pairing_ids))
        .group_by(CheckIn.pairing_id)
        .subquery()
    )
    rows = session.scalars(
        select(CheckIn).join(
            newest, (CheckIn.pairing_id == newest.c.pairing_id) & (CheckIn.cycle == newest.c.cycle)
        )
    )
    return {row.pairing_id: row for row in rows}


def _plan_pair(
    session: Session, pair: Pair, previous: CheckIn | None, now: datetime
) -> list[tuple[Pair, CheckIn, date | None]]:
    """Create the pair's due check-in rows; return the ones still worth a nudge (not missed)."""
    p = pair.pairing
    cycle = previous.cycle + 1 if previous else 1
    grace = timedelta(hours=pair.program.grace_hours)
    to_nudge: list[tuple[Pair, CheckIn, date | None]] = []
    for _ in range(MAX_CATCH_UP_CYCLES):
        due = p.next_checkin_at
        if due is None or due > now + LOOKAHEAD:
            break
        scheduled_for = previous.scheduled_for if previous and previous.status == SCHEDULED else None
        checkin = CheckIn(
            team_id=p.team_id,
            pairing_id=p.id,
            cycle=cycle,
            due_at=due,
            status=MISSED if due < now - grace else PENDING,
        )
        session.add(checkin)
        if checkin.status == PENDING:
            to_nudge.append((pair, checkin, scheduled_for))
        p.next_checkin_at = following_checkin_at(pair, cycle + 1, after=due)
        previous, cycle = checkin, cycle + 1
    return to_nudge


def _checkin_nudge(pair: Pair, checkin: CheckIn, scheduled_for: date | None, now: datetime) -> OutboxRow:
    organiser = pair.organiser(checkin.cycle)
    partner = pair.partner_of(organiser)
    since = pair.pairing.last_met_at or pair.agreed_at or pair.pairing.activated_at or checkin.due_at
    in_group = pair.in_group()
    message = views.checkin_message(
        checkin_id=checkin.id,
        organiser_user_id=organiser.slack_user_id,
        partner_user_id=partner.slack_user_id,
        since=local_date(since, organiser.tz),
        scheduled_for=scheduled_for,
        in_group=in_group,
    )
    channel = (
        group_channel([pair.mentee.slack_user_id, pair.mentor.slack_user_id])
        if in_group
        else organiser.slack_user_id
    )
    return OutboxRow(
        team_id=pair.pairing.team_id,
        key=_checkin_key(pair.pairing.id, checkin.cycle),
        kind=CHECKIN_KIND,
        channel=channel,
        message=message,
        due_at=checkin.due_at,
        now=now,
        pairing_id=pair.pairing.id,
    )


def _resume_ended_pauses(session: Session, now: datetime, settings: _Settings) -> None:
    query = select(Pairing).where(Pairing.state == PAUSED, Pairing.paused_until <= now.date())
    paused = list(session.scalars(_skip_locked(session, query)))
    for pair in _pairs(session, paused, settings):
        p = pair.pairing
        resume_on = p.paused_until or now.date()
        resume_pairing(p)
        tz = pair.organiser(_next_cycle(session, p.id)).tz
        first = checkin_after_scheduled(resume_on - timedelta(days=1), tz, pair.window)
        p.next_checkin_at = first if first > now else next_working_send_time(now, tz, pair.window)


def _mark_missed(session: Session, now: datetime) -> None:
    """Check-ins whose nudge expired or failed for good: counted as missed (the rhythm has moved on)."""
    rows = session.execute(
        select(CheckIn.id)
        .join(OutboxMessage, OutboxMessage.dedupe_key == _checkin_key_sql())
        .where(
            CheckIn.status == PENDING,
            CheckIn.due_at <= now,
            CheckIn.due_at > now - timedelta(days=60),
            OutboxMessage.status.in_(("expired", "failed", "cancelled")),
        )
    )
    ids = [row.id for row in rows]
    if ids:
        session.execute(update(CheckIn).where(CheckIn.id.in_(ids)).values(status=MISSED))


def _schedule_first_checkins(session: Session, now: datetime, settings: _Settings) -> None:
    """Active pairings without a next check-in (e.g. activated by an older version): give them one."""
    query = select(Pairing).where(
        Pairing.state.in_(CHECKIN_STATES),
        Pairing.next_checkin_at.is_(None),
        Pairing.activated_at.is_not(None),
    )
    waiting = list(session.scalars(_skip_locked(session, query)))
    for pair in _pairs(session, waiting, settings):
        pair.pairing.next_checkin_at = first_checkin_at(pair, now)


# --- stalled pairings -------------------------------------------------------------------------------


def plan_stalled_pairings(runtime: Runtime, session: Session, now: datetime) -> int:
    """Two cycles without a meeting: a gentle nudge to both (once per episode). Three: stalled."""
    settings = _Settings(session)
    shortest = min(CADENCE_DAYS.values()) * STALL_NUDGE_CYCLES - 1
    query = select(Pairing).where(
        Pairing.state.in_(CHECKIN_STATES),
        func.coalesce(Pairing.last_met_at, Pairing.activated_at) <= now - timedelta(days=shortest),
    )
    added = 0
    candidates = list(session.scalars(_skip_locked(session, query.order_by(Pairing.id))))
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        pauses = _last_pause_ends(session, [p.id for p in chunk])
        nudges: list[tuple[Pair, str, Person]] = []
        for pair in _pairs(session, chunk, settings):
            anchor = _stall_anchor(pair, pauses.get(pair.pairing.id))
            cycles = cycles_since(anchor, now, pair.cadence, pair.mentee.tz)  # type: ignore[arg-type]
            if cycles >= STALLED_CYCLES and pair.pairing.state == ACTIVE:
                pair.pairing.state = STALLED
                pair.pairing.version += 1
            if cycles >= STALL_NUDGE_CYCLES:
                episode = anchor.strftime("%Y%m%d%H%M")
                for person in (pair.mentee, pair.mentor):
                    nudges.append((pair, f"stall:{pair.pairing.id}:{episode}:{person.id}", person))
        sent = _existing_keys(session, [key for _, key, _ in nudges])
        for pair, key, person in nudges:
            if key in sent:
                continue
            added += enqueue(
                session,
                team_id=pair.pairing.team_id,
                key=key,
                kind=STALL_KIND,
                channel=person.slack_user_id,
                message=views.stall_message(
                    partner_user_id=pair.partner_of(person).slack_user_id,
                    cadence_words=views.cadence_words(pair.cadence),
                ),
                due_at=next_working_send_time(now, person.tz, pair.window),
                now=now,
                pairing_id=pair.pairing.id,
            )
    return added


def _stall_anchor(pair: Pair, pause_ended: date | None) -> datetime:
    p = pair.pairing
    anchor = p.last_met_at or p.activated_at or p.created_at
    if pause_ended is not None:
        # Time spent paused on purpose doesn't count towards a stall.
        resumed = to_utc(datetime.combine(pause_ended, time(0)), safe_zone(pair.mentee.tz))
        anchor = max(anchor, resumed)
    return anchor


def _last_pause_ends(session: Session, pairing_ids: list[int]) -> dict[int, date]:
    rows = session.execute(
        select(CheckIn.pairing_id, func.max(CheckIn.scheduled_for))
        .where(CheckIn.pairing_id.in_(pairing_ids), CheckIn.status == PAUSED_CHECKIN)
        .group_by(CheckIn.pairing_id)
    )
    return {pairing_id: until for pairing_id, until in rows if until is not None}


def _existing_keys(session: Session, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        found.update(
            session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(chunk)))
        )
    return found


# --- health reviews ---------------------------------------------------------------------------------


def plan_health_reviews(runtime: Runtime, session: Session, now: datetime) -> int:
    """Every health_review_days since activation, each person gets one pulse question (once per round)."""
    settings = _Settings(session)
    query = select(Pairing).where(
        Pairing.state.in_(CHECKIN_STATES),
        Pairing.activated_at <= now - timedelta(days=program.LIMITS["health_review_days"][0]),
    )
    candidates = list(session.scalars(_skip_locked(session, query.order_by(Pairing.id))))
    added = 0
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        asked = dict(
            session.execute(
                select(Pulse.pairing_id, func.max(Pulse.round))
                .where(Pulse.pairing_id.in_([p.id for p in chunk]))
                .group_by(Pulse.pairing_id)
            ).all()
        )
        for p in chunk:
            assert p.activated_at is not None
            days = (now.date() - p.activated_at.date()).days
            review_round = days // settings(p.team_id).health_review_days
            if review_round < 1 or review_round <= (asked.get(p.id) or 0):
                continue
            for pair in _pairs(session, [p], settings):
                added += _ask_pulse(session, pair, review_round, now)
    return added


def _ask_pulse(session: Session, pair: Pair, review_round: int, now: datetime) -> int:
    added = 0
    for person in (pair.mentee, pair.mentor):
        pulse = Pulse(
            team_id=pair.pairing.team_id,
            pairing_id=pair.pairing.id,
            person_id=person.id,
            round=review_round,
            asked_at=now,
        )
        session.add(pulse)
        session.flush()
        added += enqueue(
            session,
            team_id=pair.pairing.team_id,
            key=f"pulse:{pair.pairing.id}:{review_round}:{person.id}",
            kind=PULSE_KIND,
            channel=person.slack_user_id,
            message=views.pulse_message(
                pulse_id=pulse.id, partner_user_id=pair.partner_of(person).slack_user_id
            ),
            due_at=next_working_send_time(now, person.tz, pair.window),
            now=now,
            pairing_id=pair.pairing.id,
        )
    return added


# --- answering a check-in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What a check-in button did, for the handler to show."""

    checkin_id: int
    status: str
    by_user_id: str
    partner_name: str
    changed: bool
    reported: bool = False  # a report-back from this person already exists
    on: date | None = None  # the meeting, scheduled or paused-until date
    next_on: date | None = None  # the local date of the next nudge


def _checkin_for(
    session: Session, team_id: str, user_id: str, checkin_id: int
) -> tuple[CheckIn, Pair, Person]:
    """The check-in, its pair and the clicker; NotInPairing for anyone but the two people in it."""
    query = select(CheckIn).where(CheckIn.team_id == team_id, CheckIn.id == checkin_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()  # two clicks at once: the second waits and sees the first
    checkin = session.scalar(query)
    person = find_person(session, team_id, user_id)
    pairing = get_pairing(session, team_id, checkin.pairing_id) if checkin else None
    if checkin is None or person is None or pairing is None:
        raise NotInPairing("no such check-in for this person")
    require_member(pairing, person.id)
    return checkin, load_pair(session, pairing), person


def _withdraw_later(session: Session, pair: Pair, checkin: CheckIn) -> None:
    """Later nudges not yet sent are moot once this one is answered (e.g. answered late)."""
    later = list(
        session.scalars(
            select(CheckIn).where(
                CheckIn.pairing_id == pair.pairing.id,
                CheckIn.cycle > checkin.cycle,
                CheckIn.status == PENDING,
            )
        )
    )
    for row in later:
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.dedupe_key == _checkin_key(row.pairing_id, row.cycle),
                OutboxMessage.status == "pending",
            )
            .values(status="cancelled")
        )
        if result.rowcount:
            row.status = WITHDRAWN


def _next_cycle(session: Session, pairing_id: int) -> int:
    return (session.scalar(select(func.max(CheckIn.cycle)).where(CheckIn.pairing_id == pairing_id)) or 0) + 1


def record_meeting(runtime: Runtime, team_id: str, user_id: str, checkin_id: int) -> Answer:
    """We met: one meeting per check-in however often it's clicked; the rhythm restarts from today."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = _checkin_for(session, team_id, user_id, checkin_id)
        p = pair.pairing
        changed = checkin.status != MET
        if changed:
            if checkin.status not in ANSWERABLE:
                raise CheckinClosed(_closed_text(checkin.status))
            checkin.status = MET
            checkin.met_at = now
            checkin.answered_by_id = person.id
            checkin.answered_at = now
            if p.last_met_at is None or p.last_met_at < now:
                p.last_met_at = now
            if p.state == STALLED:
                p.state = ACTIVE
                p.version += 1
            _withdraw_later(session, pair, checkin)
            if p.state == ACTIVE:
                p.next_checkin_at = following_checkin_at(pair, _next_cycle(session, p.id), after=now)
        reported = (
            session.scalar(
                select(func.count())
                .select_from(ReportBack)
                .where(ReportBack.checkin_id == checkin.id, ReportBack.author_id == person.id)
            )
            or 0
        ) > 0
        met_at = checkin.met_at or now
        return Answer(
            checkin_id=checkin.id,
            status=MET,
            by_user_id=user_id,
            partner_name=display_name(pair.partner_of(person)),
            changed=changed,
            reported=reported,
            on=local_date(met_at, person.tz),
            next_on=local_date(p.next_checkin_at, person.tz) if p.next_checkin_at else None,
        )


@dataclass(frozen=True)
class ReportBackSaved:
    saved: bool
    shared_with_user_id: str | None


def save_report_back(
    runtime: Runtime, team_id: str, user_id: str, checkin_id: int, text: str, share: bool
) -> ReportBackSaved:
    """Store the report-back once; with consent, deliver it to the partner in the pair's group DM."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = _checkin_for(session, team_id, user_id, checkin_id)
        if checkin.status != MET:
            raise CheckinClosed("Click *We met* first, then tell me how it went.")
        existing = session.scalar(
            select(ReportBack).where(ReportBack.checkin_id == checkin.id, ReportBack.author_id == person.id)
        )
        if existing is not None or not text:
            return ReportBackSaved(saved=existing is not None, shared_with_user_id=None)
        report = ReportBack(
            team_id=team_id,
            pairing_id=pair.pairing.id,
            checkin_id=checkin.id,
            author_id=person.id,
            text=text,
            shared_with_mentor=share,
            created_at=now,
        )
        session.add(report)
        session.flush()
        if not share:
            return ReportBackSaved(saved=True, shared_with_user_id=None)
        partner = pair.partner_of(person)
        enqueue(
            session,
            team_id=team_id,
            key=f"report_back:{report.id}",
            kind=REPORT_BACK_KIND,
            channel=group_channel([pair.mentee.slack_user_id, pair.mentor.slack_user_id]),
            message=views.report_back_message(
                author_user_id=user_id,
                partner_user_id=partner.slack_user_id,
                met_on=local_date(checkin.met_at or now, person.tz),
                text=text,
            ),
            due_at=now,
            now=now,
            pairing_id=pair.pairing.id,
        )
        enqueue(
            session,
            team_id=team_id,
            key=f"report_back_follow_up:{report.id}",
            kind=FOLLOW_UP_KIND,
            channel=partner.slack_user_id,
            message=views.report_back_follow_up(author_user_id=user_id),
            due_at=next_working_send_time(now, partner.tz, pair.window),
            now=now,
            pairing_id=pair.pairing.id,
        )
        return ReportBackSaved(saved=True, shared_with_user_id=partner.slack_user_id)


def schedule_meeting(runtime: Runtime, team_id: str, user_id: str, checkin_id: int, day: date) -> Answer:
    """Scheduled: the next nudge moves to the working day after `day`, and asks how the meeting went."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = _checkin_for(session, team_id, user_id, checkin_id)
        today = local_date(now, person.tz)
        if day < today:
            raise CheckinClosed("That date has passed: pick today or a day ahead.")
        if day > today + timedelta(days=MAX_SCHEDULE_DAYS):
            raise CheckinClosed("Pick a date within the next four months.")
        if checkin.status not in ANSWERABLE:
            raise CheckinClosed(_closed_text(checkin.status))
        p = pair.pairing
        changed = not (checkin.status == SCHEDULED and checkin.scheduled_for == day)
        checkin.status = SCHEDULED
        checkin.scheduled_for = day
        checkin.answered_by_id = person.id
        checkin.answered_at = now
        _withdraw_later(session, pair, checkin)
        if p.state in CHECKIN_STATES:
            tz = pair.organiser(_next_cycle(session, p.id)).tz
            p.next_checkin_at = checkin_after_scheduled(day, tz, pair.window)
        return Answer(
            checkin_id=checkin.id,
            status=SCHEDULED,
            by_user_id=user_id,
            partner_name=display_name(pair.partner_of(person)),
            changed=changed,
            on=day,
            next_on=local_date(p.next_checkin_at, person.tz) if p.next_checkin_at else None,
        )


def skip_checkin(runtime: Runtime, team_id: str, user_id: str, checkin_id: int) -> Answer:
    """Skip this time: counted, and the next cycle comes as usual."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = _checkin_for(session, team_id, user_id, checkin_id)
        changed = checkin.status != SKIPPED
        if changed:
            if checkin.status not in (PENDING, MISSED):
                raise CheckinClosed(_closed_text(checkin.status))
            checkin.status = SKIPPED
            checkin.answered_by_id = person.id
            checkin.answered_at = now
        p = pair.pairing
        return Answer(
            checkin_id=checkin.id,
            status=SKIPPED,
            by_user_id=user_id,
            partner_name=display_name(pair.partner_of(person)),
            changed=changed,
            next_on=local_date(p.next_checkin_at, person.tz) if p.next_checkin_at else None,
        )


def check_can_pause(runtime: Runtime, team_id: str, user_id: str, checkin_id: int) -> date:
    """Who may open the pause form, and the earliest date it offers (tomorrow, in their zone)."""
    with runtime.db.transaction() as session:
        _, _, person = _checkin_for(session, team_id, user_id, checkin_id)
        return local_date(runtime.clock.now(), person.tz) + timedelta(days=1)


def pause_from_checkin(runtime: Runtime, team_id: str, user_id: str, checkin_id: int, until: date) -> Answer:
    """Pause the pairing's check-ins until a date; they resume by themselves on that day."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = _checkin_for(session, team_id, user_id, checkin_id)
        today = local_date(now, person.tz)
        if until <= today:
            raise CheckinClosed("Pick a day after today.")
        if until > today + timedelta(days=MAX_PAUSE_DAYS):
            raise CheckinClosed("Pick a day within the next six months.")
        p = pair.pairing
        answer = Answer(
            checkin_id=checkin.id,
            status=PAUSED_CHECKIN,
            by_user_id=user_id,
            partner_name=display_name(pair.partner_of(person)),
            changed=True,
            on=until,
        )
        if p.state == PAUSED and p.paused_until == until:
            return replace(answer, changed=False)  # the same pause again: a double submit
        if not pause_pairing(p, until):
            raise CheckinClosed("This pairing isn't active any more, so there's nothing to pause.")
        if checkin.status in ANSWERABLE or checkin.status == PAUSED_CHECKIN:
            checkin.status = PAUSED_CHECKIN
            checkin.scheduled_for = until
            checkin.answered_by_id = person.id
            checkin.answered_at = now
        _withdraw_later(session, pair, checkin)
        _cancel_pending_nudges(session, p.id)
        p.next_checkin_at = None
        return answer


def _cancel_pending_nudges(session: Session, pairing_id: int) -> None:
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.pairing_id == pairing_id,
            OutboxMessage.status == "pending",
            OutboxMessage.kind.startswith("nudge"),
        )
        .values(status="cancelled")
    )


def _closed_text(status: str) -> str:
    return {
        MET: "This check-in is already recorded as a meeting.",
        SKIPPED: "This check-in was skipped. I'll ask again next time.",
        PAUSED_CHECKIN: "Check-ins are paused for this pairing.",
        WITHDRAWN: "A newer check-in replaced this one.",
    }.get(status, "This check-in is closed.")


# --- pulses -----------------------------------------------------------------------------------------


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
    with runtime.db.transaction() as session:
        _pulse_for(session, team_id, user_id, pulse_id)


def comment_on_pulse(runtime: Runtime, team_id: str, user_id: str, pulse_id: int, comment: str) -> None:
    with runtime.db.transaction() as session:
        pulse = _pulse_for(session, team_id, user_id, pulse_id)
        pulse.comment = comment[: views.COMMENT_MAX] or None


# --- outbox failures and time-zone changes ----------------------------------------------------------


def pause_when_unreachable(runtime: Runtime) -> FailureHook:
    """The dispatcher's on_failure hook: a person gone from Slack pauses their pairing; the partner is told."""

    def hook(session: Session, row: OutboxMessage, error: str) -> None:
        if error not in PERSON_GONE_ERRORS or row.pairing_id is None or row.kind == UNREACHABLE_KIND:
            return
        pairing = get_pairing(session, row.team_id, row.pairing_id, for_update=True)
        if pairing is None or pairing.state not in CHECKIN_STATES:
            return
        pair = load_pair(session, pairing)
        now = runtime.clock.now()
        people = (pair.mentee, pair.mentor)
        gone = next((person for person in people if person.slack_user_id == row.channel), None)
        if gone is None:  # a group DM: whoever Slack already told us has left, if anyone
            gone = next((person for person in people if person.is_deleted), None)
        until = now.date() + timedelta(days=UNREACHABLE_PAUSE_DAYS)
        pause_pairing(pairing, until)
        pairing.next_checkin_at = None
        _cancel_pending_nudges(session, pairing.id)
        log.info("pairing %s paused: a message failed with %s", pairing.id, error)
        for person in people:
            if gone is not None and person.id == gone.id:
                continue
            enqueue(
                session,
                team_id=row.team_id,
                key=f"unreachable:{row.id}:{person.id}",
                kind=UNREACHABLE_KIND,
                channel=person.slack_user_id,
                message=views.unreachable_message(
                    gone_user_id=gone.slack_user_id if gone else None, until=until
                ),
                due_at=now,
                now=now,
                pairing_id=pairing.id,
            )

    return hook


def move_checkins_to_new_zone(runtime: Runtime, session: Session, person: Person) -> None:
    """TZ_CHANGED_HOOKS: future check-in nudges for this person keep their day, at the hour in the new zone."""
    now = runtime.clock.now()
    pairings = [p for p in open_pairings_of(session, person.team_id, person.id) if p.state in CHECKIN_STATES]
    for pairing in pairings:
        pair = load_pair(session, pairing)
        rows = session.execute(
            select(CheckIn, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.dedupe_key == _checkin_key_sql())
            .where(
                CheckIn.team_id == person.team_id,
                CheckIn.pairing_id == pairing.id,
                CheckIn.status == PENDING,
                OutboxMessage.status == "pending",
                OutboxMessage.due_at > now,
            )
        ).all()
        for checkin, message in rows:
            if pair.organiser(checkin.cycle).id != person.id:
                continue
            moved = _send_time_near(message.due_at, person.tz, pair.window, now)
            message.due_at = moved
            checkin.due_at = moved
        next_cycle = _next_cycle(session, pairing.id)
        if pairing.next_checkin_at is not None and pair.organiser(next_cycle).id == person.id:
            pairing.next_checkin_at = _send_time_near(pairing.next_checkin_at, person.tz, pair.window, now)


def grace_from_program(runtime: Runtime, ttl_seconds: float = 5.0) -> Callable[[str], timedelta]:
    """The dispatcher's grace period per workspace (ProgramSettings.grace_hours), cached for a few seconds."""
    cache: dict[str, tuple[float, timedelta]] = {}

    def grace(team_id: str) -> timedelta:
        hit = cache.get(team_id)
        if hit is not None and monotonic_time.monotonic() - hit[0] < ttl_seconds:
            return hit[1]
        with runtime.db.transaction() as session:
            value = timedelta(hours=program.load(session, team_id).grace_hours)
        cache[team_id] = (monotonic_time.monotonic(), value)
        return value

    return grace


def checkin_planners() -> list[Callable[[Runtime, Session, datetime], int]]:
    return [plan_checkins, plan_stalled_pairings, plan_health_reviews]
