"""The check-in planner: the database says what is due, the planner turns it into check-in rows and their
nudges, so a nudge is never lost and never sent twice.

Run by the scheduler every minute (and by `mentor-bot tick`). Each pass, in one transaction:

1. pauses whose end date has come resume, with a check-in on that day;
2. pending check-ins whose nudge expired or failed for good are counted as missed;
3. meeting pairings without a next check-in (e.g. activated by an older version) get one;
4. every pairing whose ``next_checkin_at`` falls within a day gets a check-in row per cycle (unique per
   pairing) and a nudge keyed ``checkin:<pairing>:<cycle>``, due at the program's nudge hour in the
   organiser's own zone. A cycle that missed its grace period (the bot was down) becomes a "missed"
   check-in and the pairing simply rolls on to its next cycle.

The seam for planning at scale is ``plan_checkins``: it reads pairings in id-ordered chunks, and everything
per pairing is in ``_plan_pair`` and ``_checkin_nudge``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import CHUNK, CheckinStatus, Pair, load_pairs, next_cycle, skip_locked
from bot.checkins.pulses import plan_health_reviews
from bot.checkins.rhythm import LOOKAHEAD, first_checkin_at, following_checkin_at, send_time_on
from bot.checkins.stalls import plan_stalled_pairings
from bot.messages import checkins as views
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.pairings import resume_pairing
from bot.rules.cadence import local_date
from bot.rules.lifecycle import MEETING_STATES, PairingState
from bot.runtime import Runtime
from storage.models import CheckIn, Pairing

MAX_CATCH_UP_CYCLES = 60
MISSED_LOOKBACK = timedelta(days=60)  # how far back a never-sent nudge is still counted as missed


def checkin_planners() -> list[Callable[[Runtime, Session, datetime], int]]:
    """Every planner this package runs on the scheduler's tick, in order."""
    return [plan_checkins, plan_stalled_pairings, plan_health_reviews]


def plan_checkins(runtime: Runtime, session: Session, now: datetime) -> int:
    """Plan every check-in due within a day; resume pauses that ended; mark nudges that never went out."""
    _resume_ended_pauses(session, now)
    _mark_missed(session, now)
    _schedule_first_checkins(session, now)
    added = 0
    last_id = 0
    while True:
        query = (
            select(Pairing)
            .where(
                Pairing.state.in_(MEETING_STATES),
                Pairing.next_checkin_at <= now + LOOKAHEAD,
                Pairing.id > last_id,
            )
            .order_by(Pairing.id)
            .limit(CHUNK)
        )
        batch = list(session.scalars(skip_locked(session, query)))
        if not batch:
            return added
        latest = _latest_checkins(session, [p.id for p in batch])
        planned: list[tuple[Pair, CheckIn, date | None]] = []
        for pair in load_pairs(session, batch):
            planned.extend(_plan_pair(session, pair, latest.get(pair.pairing.id), now))
        # One flush gives every new check-in its id; then the nudges go in as one multi-row insert.
        session.flush()
        added += outbox.enqueue_many(
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
        scheduled_for = None
        if previous is not None and previous.status == CheckinStatus.SCHEDULED:
            scheduled_for = previous.scheduled_for
        checkin = CheckIn(
            team_id=p.team_id,
            pairing_id=p.id,
            cycle=cycle,
            due_at=due,
            status=CheckinStatus.MISSED if due < now - grace else CheckinStatus.PENDING,
        )
        session.add(checkin)
        if checkin.status == CheckinStatus.PENDING:
            to_nudge.append((pair, checkin, scheduled_for))
        p.next_checkin_at = following_checkin_at(pair, cycle + 1, after=due)
        previous, cycle = checkin, cycle + 1
    return to_nudge


def _checkin_nudge(
    pair: Pair, checkin: CheckIn, scheduled_for: date | None, now: datetime
) -> outbox.Outgoing:
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
    row = {
        "kind": Kind.CHECKIN_NUDGE,
        "subject": checkin,
        "key": outbox_keys.checkin(pair.pairing.id, checkin.cycle),
        "message": message,
        "due_at": checkin.due_at,
        "now": now,
    }
    if in_group:
        return outbox.group(members=pair.members(), **row)
    return outbox.dm(to=organiser.slack_user_id, **row)


def _resume_ended_pauses(session: Session, now: datetime) -> None:
    query = select(Pairing).where(Pairing.state == PairingState.PAUSED, Pairing.paused_until <= now.date())
    paused = list(session.scalars(skip_locked(session, query)))
    for pair in load_pairs(session, paused):
        p = pair.pairing
        resume_on = p.paused_until or now.date()
        resume_pairing(p)
        tz = pair.organiser(next_cycle(session, p.id)).tz
        p.next_checkin_at = send_time_on(resume_on, tz, pair.window, now)


def _mark_missed(session: Session, now: datetime) -> None:
    """Check-ins whose nudge expired or failed for good: counted as missed (the rhythm has moved on)."""
    never_sent = outbox.rows_about(Kind.CHECKIN_NUDGE, outbox.NEVER_SENT)
    rows = session.execute(
        select(CheckIn.id)
        .join(never_sent, never_sent.c.subject_id == CheckIn.id)
        .where(
            CheckIn.status == CheckinStatus.PENDING,
            CheckIn.due_at <= now,
            CheckIn.due_at > now - MISSED_LOOKBACK,
        )
    )
    ids = [row.id for row in rows]
    if ids:
        session.execute(update(CheckIn).where(CheckIn.id.in_(ids)).values(status=CheckinStatus.MISSED))


def _schedule_first_checkins(session: Session, now: datetime) -> None:
    """Meeting pairings without a next check-in (e.g. activated by an older version): give them one."""
    query = select(Pairing).where(
        Pairing.state.in_(MEETING_STATES),
        Pairing.next_checkin_at.is_(None),
        Pairing.activated_at.is_not(None),
    )
    waiting = list(session.scalars(skip_locked(session, query)))
    for pair in load_pairs(session, waiting):
        pair.pairing.next_checkin_at = first_checkin_at(pair, now)
