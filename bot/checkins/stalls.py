"""Stalled pairings: two cadence cycles without a meeting bring a gentle nudge to both (once per stall
episode); three mark the pairing "stalled" until its next meeting. Time spent paused on purpose doesn't
count.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import CHUNK, CheckinStatus, Pair, load_pairs, skip_locked
from bot.messages import checkins as views
from bot.outbox import Kind
from bot.outbox import keys as outbox_keys
from bot.rules.cadence import CADENCE_DAYS, cycles_since, next_working_send_time, safe_zone, to_utc
from bot.rules.lifecycle import MEETING_STATES, PairingState
from bot.runtime import Runtime
from storage.models import CheckIn, Pairing, Person

STALL_NUDGE_CYCLES = 2
STALLED_CYCLES = 3


def plan_stalled_pairings(runtime: Runtime, session: Session, now: datetime) -> int:
    """Two cycles without a meeting: a gentle nudge to both (once per episode). Three: stalled."""
    shortest = min(CADENCE_DAYS.values()) * STALL_NUDGE_CYCLES - 1
    query = select(Pairing).where(
        Pairing.state.in_(MEETING_STATES),
        func.coalesce(Pairing.last_met_at, Pairing.activated_at) <= now - timedelta(days=shortest),
    )
    added = 0
    candidates = list(session.scalars(skip_locked(session, query.order_by(Pairing.id))))
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        pauses = _last_pause_ends(session, [p.id for p in chunk])
        nudges: list[tuple[Pair, str, Person]] = []
        for pair in load_pairs(session, chunk):
            anchor = _stall_anchor(pair, pauses.get(pair.pairing.id))
            cycles = cycles_since(anchor, now, pair.cadence, pair.mentee.tz)  # type: ignore[arg-type]
            if cycles >= STALLED_CYCLES and pair.pairing.state == PairingState.ACTIVE:
                pair.pairing.state = PairingState.STALLED
                pair.pairing.version += 1
            if cycles >= STALL_NUDGE_CYCLES:
                episode = anchor.strftime("%Y%m%d%H%M")
                for person in (pair.mentee, pair.copilot):
                    nudges.append((pair, outbox_keys.stall(pair.pairing.id, episode, person.id), person))
        sent = outbox.existing_keys(session, [key for _, key, _ in nudges])
        for pair, key, person in nudges:
            if key in sent:
                continue
            added += outbox.send_dm(
                session,
                to=person.slack_user_id,
                kind=Kind.STALL_NUDGE,
                subject=pair.pairing,
                key=key,
                message=views.stall_message(
                    partner_user_id=pair.partner_of(person).slack_user_id, cadence=pair.cadence
                ),
                due_at=next_working_send_time(now, person.tz, pair.window),
                now=now,
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
        .where(CheckIn.pairing_id.in_(pairing_ids), CheckIn.status == CheckinStatus.PAUSED)
        .group_by(CheckIn.pairing_id)
    )
    return {pairing_id: until for pairing_id, until in rows if until is not None}
