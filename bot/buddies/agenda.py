"""A buddy pairing's fixed light agenda: the welcome in the pair's group DM, the check-ins (weekly for the
first month, then every two weeks: bot.rules.buddies.checkin_days), the new hire's checklist, ending
early, and the thanks at the end of the term.

Check-ins are planned on the scheduler's tick (``plan_buddy_agenda``) and fall at the program's nudge hour
on a working day in the new hire's zone, outside quiet hours (``bot.checkins.rhythm.send_time_on``, the
timing rule mentoring check-ins use); one that missed its grace period expires rather than arriving late.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.buddies.calendar import send_buddy_calendar
from bot.checkins.rhythm import send_time_on
from bot.messages.buddies import (
    checkin_message,
    copilot_invitation_message,
    ended_early_message,
    term_end_message,
    welcome_message,
)
from bot.messages.message import Message
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.people import languages
from bot.people import program_settings as program
from bot.people.directory import find_person
from bot.people.languages import writing_for
from bot.rules.buddies import CHECKLIST, END_EARLY, END_TERM, BuddyState, checkin_days, tick_item
from bot.rules.cadence import awake_at, local_date
from bot.rules.lifecycle import OfferState
from bot.runtime import Runtime
from storage.models import BuddyOffer, BuddyPairing, Person

LOOKAHEAD = timedelta(days=1)  # check-in rows are queued up to a day ahead, each due at its own time
BATCH = 500


def members(session: Session, pairing: BuddyPairing) -> tuple[Person, Person] | None:
    """(new hire, buddy), or None when either row is gone."""
    new_hire = session.get(Person, pairing.new_hire_id)
    buddy = session.get(Person, pairing.buddy_id) if pairing.buddy_id is not None else None
    if new_hire is None or buddy is None:
        return None
    return new_hire, buddy


def _to_group(
    session: Session,
    pairing: BuddyPairing,
    pair: tuple[Person, Person],
    kind: Kind,
    event: str,
    build: Callable[[], Message],
    *,
    now: datetime,
    due_at: datetime | None = None,
) -> None:
    """One message to the pair's group DM, ``build`` writing it in each one's language."""
    languages.send_group(
        session,
        members=[pair[0].slack_user_id, pair[1].slack_user_id],
        kind=kind,
        subject=pairing,
        key=outbox_keys.buddy_event(pairing.id, event),
        build=build,
        # Never inside either one's quiet hours (a buddy may work a few zones away).
        due_at=awake_at(
            due_at or now, [pair[0].tz, pair[1].tz], program.load(session, pairing.team_id).nudge_window()
        ),
        now=now,
    )


def _at(session: Session, pairing: BuddyPairing, new_hire: Person, days_in: int, now: datetime) -> datetime:
    """The send time `days_in` days after the start, in the new hire's zone (never in the past)."""
    window = program.load(session, pairing.team_id).nudge_window()
    return send_time_on(pairing.started_on + timedelta(days=days_in), new_hire.tz, window, now)


def _next_checkin(
    session: Session, pairing: BuddyPairing, new_hire: Person, now: datetime
) -> datetime | None:
    days = checkin_days(pairing.term_days)
    if pairing.checkins_sent >= len(days):
        return None
    return _at(session, pairing, new_hire, days[pairing.checkins_sent], now)


def start_agenda(
    runtime: Runtime, session: Session, pairing: BuddyPairing, new_hire: Person, buddy: Person
) -> None:
    """The buddy said yes: the pairing is active, the welcome goes to their group DM, the agenda is set."""
    now = runtime.clock.now()
    pairing.buddy_id = buddy.id
    pairing.state = BuddyState.ACTIVE
    pairing.activated_at = now
    pairing.ends_at = _at(session, pairing, new_hire, pairing.term_days, now)
    # A buddy found late skips the check-ins whose day has already passed.
    today = local_date(now, new_hire.tz)
    passed = [d for d in checkin_days(pairing.term_days) if pairing.started_on + timedelta(days=d) <= today]
    pairing.checkins_sent = len(passed)
    pairing.next_checkin_at = _next_checkin(session, pairing, new_hire, now)
    for other in session.scalars(
        select(BuddyOffer).where(
            BuddyOffer.buddy_pairing_id == pairing.id, BuddyOffer.status == OfferState.PENDING
        )
    ):
        other.status = OfferState.WITHDRAWN
        other.answered_at = now
    session.flush()
    _to_group(
        session,
        pairing,
        (new_hire, buddy),
        Kind.BUDDY_WELCOME,
        "welcome",
        lambda: _welcome(pairing, new_hire, buddy),
        now=now,
    )
    send_buddy_calendar(session, pairing, new_hire, buddy, now)


def _welcome(pairing: BuddyPairing, new_hire: Person, buddy: Person) -> Message:
    assert pairing.ends_at is not None
    return welcome_message(
        pairing_id=pairing.id,
        new_hire_user_id=new_hire.slack_user_id,
        buddy_user_id=buddy.slack_user_id,
        ends_on=local_date(pairing.ends_at, new_hire.tz),
        ticked=tuple(pairing.checklist or ()),
    )


def plan_buddy_agenda(runtime: Runtime, session: Session, now: datetime) -> int:
    """Buddy pairings whose term is over are thanked and ended; due check-ins are queued. Returns rows added."""
    added = 0
    for pairing in _due(session, BuddyPairing.ends_at <= now):
        added += _end_of_term(session, pairing, now)
    for pairing in _due(session, BuddyPairing.next_checkin_at <= now + LOOKAHEAD):
        pair = members(session, pairing)
        if pair is None or pairing.next_checkin_at is None:
            pairing.next_checkin_at = None
            continue
        number = pairing.checkins_sent + 1
        _to_group(
            session,
            pairing,
            pair,
            Kind.BUDDY_CHECKIN,
            f"checkin:{number}",
            lambda pair=pair, number=number: checkin_message(
                new_hire_user_id=pair[0].slack_user_id, buddy_user_id=pair[1].slack_user_id, number=number
            ),
            now=now,
            due_at=pairing.next_checkin_at,
        )
        added += 1
        pairing.checkins_sent = number
        pairing.next_checkin_at = _next_checkin(session, pairing, pair[0], now)
    return added


def _due(session: Session, condition: object) -> list[BuddyPairing]:
    query = (
        select(BuddyPairing)
        .where(BuddyPairing.state == BuddyState.ACTIVE, condition)  # type: ignore[arg-type]
        .order_by(BuddyPairing.id)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def _end_of_term(session: Session, pairing: BuddyPairing, now: datetime) -> int:
    """Thank both, invite the new hire to ask for a copilot; the buddy's seat is free again."""
    end_buddy_pairing(session, pairing, END_TERM, now)
    pair = members(session, pairing)
    if pair is None:
        return 0
    new_hire, buddy = pair

    def thanks() -> Message:
        return term_end_message(new_hire_user_id=new_hire.slack_user_id, buddy_user_id=buddy.slack_user_id)

    _to_group(session, pairing, pair, Kind.BUDDY_TERM_END, "term_end", thanks, now=now)
    if not new_hire.is_deleted:
        with writing_for(session, pairing.team_id, new_hire.slack_user_id):
            invitation = copilot_invitation_message()
        outbox.send_dm(
            session,
            to=new_hire.slack_user_id,
            kind=Kind.BUDDY_COPILOT_INVITATION,
            subject=pairing,
            key=outbox_keys.buddy_event(pairing.id, "copilot_invitation"),
            message=invitation,
            due_at=now,
            now=now,
        )
        return 2
    return 1


def end_buddy_pairing(session: Session, pairing: BuddyPairing, reason: str, now: datetime) -> bool:
    """End a buddy pairing once (False if it had ended), withdrawing its check-ins not yet sent."""
    if pairing.state == BuddyState.ENDED:
        return False
    pairing.state = BuddyState.ENDED
    pairing.ended_at = now
    pairing.end_reason = reason
    pairing.next_checkin_at = None
    outbox.cancel(session, kind=Kind.BUDDY_CHECKIN, subject=pairing)
    return True


# --- What the pair do: tick the checklist, end early ------------------------------------------------


@dataclass(frozen=True)
class BuddyClick:
    """ok (done; `message` is the welcome as it now reads, for a tick), or why not: not_found,
    not_yours (not one of the pair), not_new_hire (only the new hire ticks), ended."""

    outcome: str
    message: Message | None = None


def _pairing_for(
    session: Session, team_id: str, user_id: str, pairing_id: int
) -> tuple[BuddyPairing, Person] | str:
    pairing = session.get(BuddyPairing, pairing_id)
    if pairing is None or pairing.team_id != team_id:
        return "not_found"
    person = find_person(session, team_id, user_id)
    if person is None or person.id not in (pairing.new_hire_id, pairing.buddy_id):
        return "not_yours"
    if pairing.state != BuddyState.ACTIVE:
        return "ended"
    return pairing, person


def tick_checklist(
    runtime: Runtime, team_id: str, user_id: str, pairing_id: int, item: str, done: bool
) -> BuddyClick:
    """The new hire ticks (or unticks) one checklist item; it stays between the two of them."""
    if item not in CHECKLIST:
        return BuddyClick("not_found")
    with runtime.db.transaction() as session:
        found = _pairing_for(session, team_id, user_id, pairing_id)
        if isinstance(found, str):
            return BuddyClick(found)
        pairing, person = found
        if person.id != pairing.new_hire_id:
            return BuddyClick("not_new_hire")
        pairing.checklist = tick_item(pairing.checklist or [], item, done)
        pair = members(session, pairing)
        assert pair is not None
        return BuddyClick("ok", _welcome(pairing, *pair))


def end_early(runtime: Runtime, team_id: str, user_id: str, pairing_id: int) -> BuddyClick:
    """Either of the two ends the buddy time, kindly: both read one thank-you in their group DM."""
    with runtime.db.transaction() as session:
        found = _pairing_for(session, team_id, user_id, pairing_id)
        if isinstance(found, str):
            return BuddyClick(found)
        pairing, person = found
        now = runtime.clock.now()
        end_buddy_pairing(session, pairing, END_EARLY, now)
        pair = members(session, pairing)
        if pair is not None:
            _to_group(
                session,
                pairing,
                pair,
                Kind.BUDDY_ENDED,
                "ended",
                lambda: ended_early_message(person.slack_user_id),
                now=now,
            )
        return BuddyClick("ok")


def buddy_home_lines(runtime: Runtime, team_id: str, user_id: str) -> list[tuple[str, str, datetime, str]]:
    """(role, partner's Slack id, term end, their zone) for this person's active buddy pairings."""
    with runtime.db.transaction() as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return []
        found = []
        for pairing in session.scalars(
            select(BuddyPairing).where(
                BuddyPairing.team_id == team_id,
                BuddyPairing.state == BuddyState.ACTIVE,
                or_(BuddyPairing.new_hire_id == person.id, BuddyPairing.buddy_id == person.id),
            )
        ):
            pair = members(session, pairing)
            if pair is None or pairing.ends_at is None:
                continue
            new_hire, buddy = pair
            role, partner = ("buddy", new_hire) if person.id == buddy.id else ("new_hire", buddy)
            found.append((role, partner.slack_user_id, pairing.ends_at, person.tz))
        return found
