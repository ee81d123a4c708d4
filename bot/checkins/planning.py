"""The check-in planner: the database says what is due, the planner turns it into check-in rows and their
nudges, so a nudge is never lost and never sent twice.

Run by the scheduler every minute (and by `mentor-bot tick`). Each pass, in one transaction (on
PostgreSQL, in the scheduler's lanes: a few transactions at once, each planning the pairings it locked):

1. pauses whose end date has come resume, with a check-in on that day;
2. pending check-ins whose nudge expired or failed for good are counted as missed;
3. meeting pairings without a next check-in (e.g. activated by an older version) get one;
4. every pairing whose ``next_checkin_at`` falls within a day gets a check-in row per cycle (unique per
   pairing) and a nudge keyed ``checkin:<pairing>:<cycle>``, due at the program's nudge hour in the
   organiser's own zone. A cycle that missed its grace period (the bot was down) becomes a "missed"
   check-in and the pairing simply rolls on to its next cycle.

Planning is set-based, so 100,000 pairings plan in seconds: ``plan_checkins`` reads pairings in id-ordered
chunks with their people and agreements as plain rows (`bot.checkins.roster`), works out every chunk's
check-ins in Python (the DST-safe timing rules in `bot.checkins.rhythm`), and writes them with a few
multi-row statements: the check-ins, the pairings' next check-in, and the nudges (``outbox.enqueue_many``).
Every read that claims work skips what another transaction holds (``lock=True``, ``skip_locked``), so two
lanes or two schedulers divide a pass instead of waiting for each other.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import CheckinStatus, load_pairs, skip_locked
from bot.checkins.pulses import plan_health_reviews
from bot.checkins.rhythm import LOOKAHEAD, first_checkin_at, following_checkin_at, local_day, send_time_on
from bot.checkins.roster import LatestCheckin, PlannedPair, latest_checkins, read_pairs
from bot.checkins.stalls import plan_stalled_pairings
from bot.messages import checkins as views
from bot.messages.message import Message
from bot.messages.readers import in_languages
from bot.messages.templates import Template
from bot.outbox import Kind, Subject
from bot.outbox import keys as outbox_keys
from bot.pairings import resume_pairing
from bot.people import languages
from bot.rules.lifecycle import MEETING_STATES, PairingState
from bot.runtime import Runtime
from bot.scheduler import shares_its_pass
from storage import bulk
from storage.models import CheckIn, Pairing


class NewCheckin(NamedTuple):
    """A check-in row as the planner writes it (``CHECKIN_COLUMNS``)."""

    team_id: str
    pairing_id: int
    cycle: int
    due_at: datetime
    status: str


CHECKIN_COLUMNS = NewCheckin._fields
_DUE = (Pairing.state.in_(MEETING_STATES), Pairing.next_checkin_at <= bindparam("due_before"))
MAX_CATCH_UP_CYCLES = 60
MISSED_LOOKBACK = timedelta(days=60)  # how far back a never-sent nudge is still counted as missed


def checkin_planners() -> list[Callable[[Runtime, Session, datetime], int]]:
    """Every planner this package runs on the scheduler's tick, in order."""
    return [plan_checkins, plan_stalled_pairings, plan_health_reviews]


@shares_its_pass
def plan_checkins(runtime: Runtime, session: Session, now: datetime) -> int:
    """Plan every check-in due within a day; resume pauses that ended; mark nudges that never went out."""
    _resume_ended_pauses(session, now)
    _mark_missed(session, now)
    _schedule_first_checkins(session, now)
    added = 0
    last_id = 0
    templates: _Templates = {}
    while True:
        batch = read_pairs(
            session, *_DUE, params={"due_before": now + LOOKAHEAD}, after_id=last_id, lock=True
        )
        if not batch:
            return added
        latest = latest_checkins(session, [pair.id for pair in batch])
        checkins: list[NewCheckin] = []
        nudges: list[tuple[int, PlannedPair, date | None]] = []  # (index in checkins, pair, scheduled for)
        moved: list[dict[str, Any]] = []
        for pair in batch:
            next_at = _plan_pair(pair, latest.get(pair.id), now, checkins, nudges)
            if next_at != pair.next_checkin_at:
                moved.append({"id": pair.id, "next_checkin_at": next_at})
        written = bulk.insert_tuples_returning(
            session, CheckIn, CHECKIN_COLUMNS, checkins, "pairing_id", "cycle"
        )
        ids = {(pairing_id, cycle): checkin_id for checkin_id, pairing_id, cycle in written}
        bulk.update_by_id(session, Pairing, moved)
        rows: list[tuple[Any, ...]] = []
        for i, pair, scheduled_for in nudges:
            checkin = checkins[i]
            checkin_id = ids[(pair.id, checkin.cycle)]
            rows.extend(_checkin_nudge(pair, checkin_id, checkin, scheduled_for, now, templates))
        added += outbox.enqueue_rows(session, rows)
        last_id = batch[-1].id


def _plan_pair(
    pair: PlannedPair,
    previous: LatestCheckin | None,
    now: datetime,
    checkins: list[NewCheckin],
    nudges: list[tuple[int, PlannedPair, date | None]],
) -> datetime | None:
    """Add the pair's due check-in rows (and the nudges for those not missed); its next check-in after."""
    cycle = previous.cycle + 1 if previous else 1
    grace = timedelta(hours=pair.program.grace_hours)
    scheduled_for = None
    if previous is not None and previous.status == CheckinStatus.SCHEDULED:
        scheduled_for = previous.scheduled_for
    due = pair.next_checkin_at
    for _ in range(MAX_CATCH_UP_CYCLES):
        if due is None or due > now + LOOKAHEAD:
            break
        status = CheckinStatus.MISSED if due < now - grace else CheckinStatus.PENDING
        if status == CheckinStatus.PENDING:
            nudges.append((len(checkins), pair, scheduled_for))
        checkins.append(NewCheckin(pair.team_id, pair.id, cycle, due, status))
        due = following_checkin_at(pair, cycle + 1, after=due)
        scheduled_for, cycle = None, cycle + 1  # only the first new check-in follows a scheduled meeting
    return due


# What a nudge's words depend on besides its ids: the readers' languages (in the members' order), group or
# DM, the day it asks about and the scheduled day. A pass makes one template per distinct shape (None: the
# message could not be templated, so each of its rows is built).
_Shape = tuple[tuple[str, ...], bool, date, date | None]
_Templates = dict[_Shape, list[Template] | None]


def _checkin_nudge(
    pair: PlannedPair,
    checkin_id: int,
    checkin: NewCheckin,
    scheduled_for: date | None,
    now: datetime,
    templates: _Templates,
) -> list[tuple[Any, ...]]:
    """The nudge's outbox rows: one, or one per language for a group of two languages that do not fit in
    one message. Built from the pass's template for its shape, filled with this row's ids."""
    cycle = checkin.cycle
    organiser = pair.organiser(cycle)
    partner = pair.partner_of(organiser)
    since = local_day(pair.last_met_at or pair.agreed_at or pair.activated_at or checkin.due_at, organiser.tz)
    in_group = pair.in_group()
    if in_group:
        readers = (pair.language_of(pair.mentee), pair.language_of(pair.copilot))  # pair.members()' order
        channel = outbox.group_channel(pair.members())
    else:
        readers = (pair.language_of(organiser),)
        channel = organiser.slack_user_id
    values = {"checkin": str(checkin_id), "you": organiser.slack_user_id, "partner": partner.slack_user_id}

    def messages(given: Mapping[str, str]) -> list[Message]:
        return in_languages(
            readers,
            lambda: views.checkin_message(
                checkin_id=given["checkin"],
                organiser_user_id=given["you"],
                partner_user_id=given["partner"],
                since=since,
                scheduled_for=scheduled_for,
                in_group=in_group,
            ),
        )

    shape = (readers, in_group, since, scheduled_for)
    if shape not in templates:
        made = [
            Template.of(lambda given, n=n: messages(given)[n], values) for n in range(len(messages(values)))
        ]
        templates[shape] = None if None in made else made  # type: ignore[assignment]
    found = templates[shape]
    if found is None:
        payloads = [json.dumps(message.payload()) for message in messages(values)]
    else:
        payloads = [template.fill(values) for template in found]
    subject = Subject.CHECKIN.ref(team_id=pair.team_id, id=checkin_id, pairing_id=pair.id)
    key = outbox_keys.checkin(pair.id, cycle)
    return [
        outbox.queued(
            Kind.CHECKIN_NUDGE,
            subject,
            key=languages.part_key(key, n),
            channel=channel,
            payload_json=payload,
            due_at=checkin.due_at,
            now=now,
        )
        for n, payload in enumerate(payloads)
    ]


def _resume_ended_pauses(session: Session, now: datetime) -> None:
    query = select(Pairing).where(Pairing.state == PairingState.PAUSED, Pairing.paused_until <= now.date())
    paused = list(session.scalars(skip_locked(session, query)))
    latest = latest_checkins(session, [p.id for p in paused]) if paused else {}
    for pair in load_pairs(session, paused):
        p = pair.pairing
        resume_on = p.paused_until or now.date()
        resume_pairing(p)
        previous = latest.get(p.id)
        tz = pair.organiser(previous.cycle + 1 if previous else 1).tz
        p.next_checkin_at = send_time_on(resume_on, tz, pair.window, now)


@functools.cache
def _never_nudged() -> Any:
    """Pending check-ins due by ``now`` (since ``since``) whose nudge will never be sent: built once."""
    never_sent = outbox.rows_about(Kind.CHECKIN_NUDGE, outbox.NEVER_SENT)
    return (
        select(CheckIn.id)
        .join(never_sent, never_sent.c.subject_id == CheckIn.id)
        .where(
            CheckIn.status == CheckinStatus.PENDING,
            CheckIn.due_at <= bindparam("now"),
            CheckIn.due_at > bindparam("since"),
        )
        # another scheduler (or lane) marking the same check-ins: leave them to it rather than wait
        .with_for_update(of=CheckIn, skip_locked=True)
    )


def _mark_missed(session: Session, now: datetime) -> None:
    """Check-ins whose nudge expired or failed for good: counted as missed (the rhythm has moved on)."""
    rows = session.execute(_never_nudged(), {"now": now, "since": now - MISSED_LOOKBACK})
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
