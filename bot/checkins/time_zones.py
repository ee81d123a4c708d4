"""Time-zone moves: when a person's Slack zone changes, the check-in nudges they organise keep their
local day and arrive at the program's nudge hour in the new zone.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import CheckinStatus, load_pair, next_cycle
from bot.checkins.rhythm import send_time_near
from bot.outbox import Kind
from bot.pairings import open_pairings_of
from bot.rules.lifecycle import MEETING_STATES
from bot.runtime import Runtime
from storage.models import CheckIn, Person


def move_checkins_to_new_zone(runtime: Runtime, session: Session, person: Person) -> None:
    """tz_changed hook: future check-in nudges for this person keep their day, at the hour in the new zone."""
    now = runtime.clock.now()
    pairings = [p for p in open_pairings_of(session, person.team_id, person.id) if p.state in MEETING_STATES]
    for pairing in pairings:
        pair = load_pair(session, pairing)
        nudges = outbox.rows_about(Kind.CHECKIN_NUDGE, [outbox.PENDING])
        rows = session.execute(
            select(CheckIn, nudges.c.due_at)
            .join(nudges, nudges.c.subject_id == CheckIn.id)
            .where(
                CheckIn.team_id == person.team_id,
                CheckIn.pairing_id == pairing.id,
                CheckIn.status == CheckinStatus.PENDING,
                nudges.c.due_at > now,
            )
        ).all()
        for checkin, due_at in rows:
            if pair.organiser(checkin.cycle).id != person.id:
                continue
            moved = send_time_near(due_at, person.tz, pair.window, now)
            outbox.reschedule(session, kind=Kind.CHECKIN_NUDGE, subject=checkin, due_at=moved)
            checkin.due_at = moved
        upcoming = next_cycle(session, pairing.id)
        if pairing.next_checkin_at is not None and pair.organiser(upcoming).id == person.id:
            pairing.next_checkin_at = send_time_near(pairing.next_checkin_at, person.tz, pair.window, now)
