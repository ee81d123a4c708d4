"""When a pair's check-ins fall: one cadence step after the anchor (last meeting, agreement or activation),
at the program's nudge hour on a working day in the organiser's own zone.

No SQL here: these are the timing rules the planner, the check-in answers and time-zone moves share.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.checkins.pair import Pair
from bot.rules.cadence import (
    CADENCE_DAYS,
    NudgeWindow,
    checkin_after_scheduled,
    local_date,
    next_checkin_at,
    next_working_send_time,
    safe_zone,
    to_utc,
)

LOOKAHEAD = timedelta(days=1)  # how far ahead the planner writes check-ins and their nudges


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


def send_time_on(day: date, tz: str, window: NudgeWindow, now: datetime) -> datetime:
    """The send time on `day` in `tz` (or the next working day), never in the past."""
    candidate = checkin_after_scheduled(day - timedelta(days=1), tz, window)
    return candidate if candidate > now else next_working_send_time(now, tz, window)


def send_time_near(moment: datetime, tz: str, window: NudgeWindow, now: datetime) -> datetime:
    """The send time on `moment`'s local day in `tz` (or the next working day), never in the past."""
    return send_time_on(local_date(moment, tz), tz, window, now)
