"""Stalled pairings: two cadence cycles without a meeting bring a gentle nudge to both (once per stall
episode); three mark the pairing "stalled" until its next meeting. Time spent paused on purpose doesn't
count.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.checkins.pair import CheckinStatus
from bot.checkins.rhythm import send_times_per_zone
from bot.checkins.roster import PlannedPair, read_pairs
from bot.i18n import reading_in
from bot.messages import checkins as views
from bot.messages.message import Message
from bot.messages.templates import Template, filled
from bot.outbox import Kind, Subject
from bot.outbox import keys as outbox_keys
from bot.pairings import Member
from bot.rules.cadence import (
    CADENCE_DAYS,
    cycles_since,
    safe_zone,
    to_utc,
)
from bot.rules.lifecycle import MEETING_STATES, PairingState
from bot.runtime import Runtime
from bot.scheduler import shares_its_pass
from storage import bulk
from storage.models import CheckIn, Pairing

STALL_NUDGE_CYCLES = 2
STALLED_CYCLES = 3
_QUIET = (
    Pairing.state.in_(MEETING_STATES),
    func.coalesce(Pairing.last_met_at, Pairing.activated_at) <= bindparam("quiet_before"),
)


@shares_its_pass
def plan_stalled_pairings(runtime: Runtime, session: Session, now: datetime) -> int:
    """Two cycles without a meeting: a gentle nudge to both (once per episode). Three: stalled."""
    shortest = min(CADENCE_DAYS.values()) * STALL_NUDGE_CYCLES - 1
    quiet_before = now - timedelta(days=shortest)
    added = 0
    last_id = 0
    send_at = send_times_per_zone(now)
    templates: dict[Hashable, Template | None] = {}

    while True:
        batch = read_pairs(
            session, *_QUIET, params={"quiet_before": quiet_before}, after_id=last_id, lock=True
        )
        if not batch:
            return added
        pauses = _last_pause_ends(session, [pair.id for pair in batch])
        stalled: list[int] = []
        nudges: list[tuple[PlannedPair, str, Member]] = []
        for pair in batch:
            anchor = _stall_anchor(pair, pauses.get(pair.id))
            cycles = cycles_since(anchor, now, pair.cadence, pair.mentee.tz)  # type: ignore[arg-type]
            if cycles >= STALLED_CYCLES and pair.state == PairingState.ACTIVE:
                stalled.append(pair.id)
            if cycles >= STALL_NUDGE_CYCLES:
                episode = anchor.strftime("%Y%m%d%H%M")
                for person in (pair.mentee, pair.copilot):
                    nudges.append((pair, outbox_keys.stall(pair.id, episode, person.id), person))
        table = Pairing.__table__
        bulk.update_where_ids(
            session, Pairing, stalled, state=PairingState.STALLED, version=table.c.version + 1
        )
        sent = outbox.existing_keys(session, [key for _, key, _ in nudges])
        rows = []
        for pair, key, person in nudges:
            if key in sent:
                continue
            values = {"partner": pair.partner_of(person).slack_user_id}
            rows.append(
                outbox.queued(
                    Kind.STALL_NUDGE,
                    Subject.PAIRING.ref(team_id=pair.team_id, id=pair.id),
                    key=key,
                    channel=person.slack_user_id,
                    payload_json=_stall_nudge(pair.language_of(person), pair.cadence, values, templates),
                    due_at=send_at(person.tz, pair.window),
                    now=now,
                )
            )
        added += outbox.enqueue_rows(session, rows)
        last_id = batch[-1].id


def _stall_nudge(
    language: str, cadence: str, values: Mapping[str, str], templates: dict[Hashable, Template | None]
) -> str:
    """The stall nudge's payload, from one template per language and cadence per pass."""

    def build(given: Mapping[str, str]) -> Message:
        with reading_in(language):
            return views.stall_message(partner_user_id=given["partner"], cadence=cadence)

    return filled(templates, (language, cadence), build, values)


def _stall_anchor(pair: PlannedPair, pause_ended: date | None) -> datetime:
    anchor = pair.last_met_at or pair.activated_at or pair.created_at
    if pause_ended is not None:
        # Time spent paused on purpose doesn't count towards a stall.
        resumed = to_utc(datetime.combine(pause_ended, time(0)), safe_zone(pair.mentee.tz))
        anchor = max(anchor, resumed)
    return anchor


def _last_pause_ends(session: Session, pairing_ids: list[int]) -> dict[int, date]:
    session.flush()
    connection = session.connection()
    rows = connection.execute(_pause_ends(connection.dialect.name), {"ids": pairing_ids})
    return {pairing_id: until for pairing_id, until in rows if until is not None}


@functools.cache
def _pause_ends(dialect: str) -> Any:
    """Each pairing's last pause end, for a chunk of pairings: built once (see ``bulk.one_of``)."""
    return (
        select(CheckIn.pairing_id, func.max(CheckIn.scheduled_for))
        .where(bulk.one_of(CheckIn.pairing_id, "ids", dialect), CheckIn.status == CheckinStatus.PAUSED)
        .group_by(CheckIn.pairing_id)
    )
