"""Answering a check-in: "We met", a scheduled date, "Skip this time" and "Pause", each a click by one of
the two people in the pairing, each safe to click twice.

An answer also moves the rhythm on: a meeting restarts it from today, a scheduled date asks again the
working day after it, a pause stops nudges until its end date; later nudges not yet sent are withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import ANSWERABLE, CheckinStatus, Pair, cancel_reminders, load_pair, next_cycle
from bot.checkins.rhythm import following_checkin_at
from bot.i18n import N_, _
from bot.outbox import Kind
from bot.pairings import NotInPairing, get_pairing, pause_pairing, require_member
from bot.people.directory import display_name, find_person
from bot.rules.cadence import checkin_after_scheduled, local_date, safe_zone, to_utc
from bot.rules.lifecycle import MEETING_STATES, PairingState
from bot.runtime import Runtime
from storage.models import CheckIn, Person, ReportBack

MAX_PAUSE_DAYS = 183
MAX_SCHEDULE_DAYS = 120


class CheckinClosed(Exception):
    """The check-in can't take this answer any more; the message says why, kindly (translated when
    raised, in the clicker's language)."""


@dataclass(frozen=True)
class CheckinAnswer:
    """What a check-in button did, for the handler to show."""

    checkin_id: int
    status: str
    by_user_id: str
    partner_name: str
    changed: bool
    reported: bool = False  # a report-back from this person already exists
    on: date | None = None  # the meeting, scheduled or paused-until date
    next_on: date | None = None  # the local date of the next nudge


def checkin_for(
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


def _answered(
    checkin: CheckIn,
    pair: Pair,
    person: Person,
    status: CheckinStatus,
    *,
    changed: bool,
    on: date | None = None,
    next_at: datetime | None = None,
    reported: bool = False,
) -> CheckinAnswer:
    return CheckinAnswer(
        checkin_id=checkin.id,
        status=status,
        by_user_id=person.slack_user_id,
        partner_name=display_name(pair.partner_of(person)),
        changed=changed,
        reported=reported,
        on=on,
        next_on=local_date(next_at, person.tz) if next_at else None,
    )


def _check_pick(day: date, earliest: date, latest: date, *, too_early: str, too_late: str) -> None:
    """A date picked in a check-in's date picker or form must lie between `earliest` and `latest`."""
    if day < earliest:
        raise CheckinClosed(too_early)
    if day > latest:
        raise CheckinClosed(too_late)


def _pause_dates(now: datetime, person: Person) -> tuple[date, date]:
    """The first and last day a pause may end on: tomorrow to six months ahead, in the person's zone."""
    today = local_date(now, person.tz)
    return today + timedelta(days=1), today + timedelta(days=MAX_PAUSE_DAYS)


def _record(checkin: CheckIn, status: CheckinStatus, person: Person, now: datetime) -> None:
    checkin.status = status
    checkin.answered_by_id = person.id
    checkin.answered_at = now


def _withdraw_later(session: Session, pair: Pair, checkin: CheckIn) -> None:
    """Later nudges not yet sent are moot once this one is answered (e.g. answered late)."""
    later = list(
        session.scalars(
            select(CheckIn).where(
                CheckIn.pairing_id == pair.pairing.id,
                CheckIn.cycle > checkin.cycle,
                CheckIn.status == CheckinStatus.PENDING,
            )
        )
    )
    for row in later:
        if outbox.cancel(session, kind=Kind.CHECKIN_NUDGE, subject=row):
            row.status = CheckinStatus.WITHDRAWN


def _planned_meeting(session: Session, checkin: CheckIn, person: Person, now: datetime) -> datetime | None:
    """When this nudge asked "you planned to meet on <day>. Did it happen?", "We met" means on that day:
    midday of the planned day in the clicker's zone (None when nothing was planned or the day is ahead)."""
    previous = session.scalar(
        select(CheckIn).where(CheckIn.pairing_id == checkin.pairing_id, CheckIn.cycle == checkin.cycle - 1)
    )
    if previous is None or previous.status != CheckinStatus.SCHEDULED or previous.scheduled_for is None:
        return None
    if previous.scheduled_for >= local_date(now, person.tz):
        return None
    return to_utc(datetime.combine(previous.scheduled_for, time(12)), safe_zone(person.tz))


def record_meeting(runtime: Runtime, team_id: str, user_id: str, checkin_id: int) -> CheckinAnswer:
    """We met: one meeting per check-in however often it's clicked, on the planned day when the nudge
    asked about a planned meeting; the rhythm restarts from today."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = checkin_for(session, team_id, user_id, checkin_id)
        p = pair.pairing
        changed = checkin.status != CheckinStatus.MET
        if changed:
            if checkin.status not in ANSWERABLE:
                raise CheckinClosed(_closed_text(checkin.status))
            _record(checkin, CheckinStatus.MET, person, now)
            met_at = _planned_meeting(session, checkin, person, now) or now
            checkin.met_at = met_at
            if p.last_met_at is None or p.last_met_at < met_at:
                p.last_met_at = met_at
            if p.state == PairingState.STALLED:
                p.state = PairingState.ACTIVE
                p.version += 1
            _withdraw_later(session, pair, checkin)
            if p.state == PairingState.ACTIVE:
                p.next_checkin_at = following_checkin_at(pair, next_cycle(session, p.id), after=now)
        reported = (
            session.scalar(
                select(func.count())
                .select_from(ReportBack)
                .where(ReportBack.checkin_id == checkin.id, ReportBack.author_id == person.id)
            )
            or 0
        ) > 0
        met_at = checkin.met_at or now
        return _answered(
            checkin,
            pair,
            person,
            CheckinStatus.MET,
            changed=changed,
            reported=reported,
            on=local_date(met_at, person.tz),
            next_at=p.next_checkin_at,
        )


def schedule_meeting(
    runtime: Runtime, team_id: str, user_id: str, checkin_id: int, day: date
) -> CheckinAnswer:
    """Scheduled: the next nudge moves to the working day after `day`, and asks how the meeting went."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = checkin_for(session, team_id, user_id, checkin_id)
        today = local_date(now, person.tz)
        _check_pick(
            day,
            today,
            today + timedelta(days=MAX_SCHEDULE_DAYS),
            too_early=_("That date has passed: pick today or a day ahead."),
            too_late=_("Pick a date within the next four months."),
        )
        if checkin.status not in ANSWERABLE:
            raise CheckinClosed(_closed_text(checkin.status))
        p = pair.pairing
        changed = not (checkin.status == CheckinStatus.SCHEDULED and checkin.scheduled_for == day)
        _record(checkin, CheckinStatus.SCHEDULED, person, now)
        checkin.scheduled_for = day
        _withdraw_later(session, pair, checkin)
        if p.state in MEETING_STATES:
            tz = pair.organiser(next_cycle(session, p.id)).tz
            p.next_checkin_at = checkin_after_scheduled(day, tz, pair.window)
        return _answered(
            checkin, pair, person, CheckinStatus.SCHEDULED, changed=changed, on=day, next_at=p.next_checkin_at
        )


def skip_checkin(runtime: Runtime, team_id: str, user_id: str, checkin_id: int) -> CheckinAnswer:
    """Skip this time: counted, and the next cycle comes as usual."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = checkin_for(session, team_id, user_id, checkin_id)
        changed = checkin.status != CheckinStatus.SKIPPED
        if changed:
            if checkin.status not in (CheckinStatus.PENDING, CheckinStatus.MISSED):
                raise CheckinClosed(_closed_text(checkin.status))
            _record(checkin, CheckinStatus.SKIPPED, person, now)
        return _answered(
            checkin,
            pair,
            person,
            CheckinStatus.SKIPPED,
            changed=changed,
            next_at=pair.pairing.next_checkin_at,
        )


def check_can_pause(runtime: Runtime, team_id: str, user_id: str, checkin_id: int) -> date:
    """Who may open the pause form, and the earliest date it offers (tomorrow, in their zone)."""
    with runtime.db.transaction() as session:
        _checkin, _pair, person = checkin_for(session, team_id, user_id, checkin_id)
        earliest, _latest = _pause_dates(runtime.clock.now(), person)
        return earliest


def pause_from_checkin(
    runtime: Runtime, team_id: str, user_id: str, checkin_id: int, until: date
) -> CheckinAnswer:
    """Pause the pairing's check-ins until a date; they resume by themselves on that day."""
    with runtime.db.transaction() as session:
        now = runtime.clock.now()
        checkin, pair, person = checkin_for(session, team_id, user_id, checkin_id)
        _check_pick(
            until,
            *_pause_dates(now, person),
            too_early=_("Pick a day after today."),
            too_late=_("Pick a day within the next six months."),
        )
        p = pair.pairing
        answer = _answered(checkin, pair, person, CheckinStatus.PAUSED, changed=True, on=until)
        if p.state == PairingState.PAUSED and p.paused_until == until:
            return replace(answer, changed=False)  # the same pause again: a double submit
        if not pause_pairing(p, until):
            raise CheckinClosed(_("This pairing isn't active any more, so there's nothing to pause."))
        if checkin.status in ANSWERABLE or checkin.status == CheckinStatus.PAUSED:
            _record(checkin, CheckinStatus.PAUSED, person, now)
            checkin.scheduled_for = until
        _withdraw_later(session, pair, checkin)
        cancel_reminders(session, p.id)
        p.next_checkin_at = None
        return answer


def _closed_text(status: str) -> str:
    text = {
        CheckinStatus.MET: N_("This check-in is already recorded as a meeting."),
        CheckinStatus.SKIPPED: N_("This check-in was skipped. I'll ask again next time."),
        CheckinStatus.PAUSED: N_("Check-ins are paused for this pairing."),
        CheckinStatus.WITHDRAWN: N_("A newer check-in replaced this one."),
    }.get(status, N_("This check-in is closed."))
    return _(text)
