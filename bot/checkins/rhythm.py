"""When a pair's check-ins fall: one cadence step after the anchor (last meeting, agreement or activation),
at the program's nudge hour on a working day in the organiser's own zone.

No SQL here: these are the timing rules the planner, the check-in answers and time-zone moves share.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from typing import Protocol

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


class _Zoned(Protocol):
    tz: str


class Timed(Protocol):
    """What the timing rules need of a pair: a ``Pair`` or a planner's ``PlannedPair``."""

    @property
    def cadence(self) -> str: ...
    @property
    def anchor(self) -> datetime: ...
    @property
    def window(self) -> NudgeWindow: ...
    def organiser(self, cycle: int) -> _Zoned: ...


def _cycle_time(cadence: str, window: NudgeWindow, anchor_day: date, k: int, tz: str) -> datetime:
    days = CADENCE_DAYS[cadence]  # type: ignore[index]
    noon = to_utc(datetime.combine(anchor_day + timedelta(days=days * (k - 1)), time(12)), safe_zone(tz))
    return next_checkin_at(noon, cadence, tz, window)  # type: ignore[arg-type]


def following_checkin_at(pair: Timed, cycle: int, after: datetime) -> datetime:
    """The nudge for `cycle`: the first cadence step from the anchor on a later local day than `after`."""
    tz = pair.organiser(cycle).tz
    return _following(local_day(pair.anchor, tz), local_day(after, tz), pair.cadence, tz, pair.window)


@lru_cache(maxsize=65536)
def local_day(moment: datetime, tz: str) -> date:
    """``local_date``, remembered: a planner's 100,000 pairs share a few thousand (moment, zone)s."""
    return local_date(moment, tz)


@lru_cache(maxsize=65536)
def _following(anchor_day: date, after_day: date, cadence: str, tz: str, window: NudgeWindow) -> datetime:
    # Local days in, a UTC instant out: the same days give the same answer, so a planner's 100,000 pairs
    # share the few thousand distinct (anchor day, zone, cadence) there are instead of redoing the DST
    # arithmetic for each.
    k = max(1, (after_day - anchor_day).days // CADENCE_DAYS[cadence])  # type: ignore[index]
    while True:
        candidate = _cycle_time(cadence, window, anchor_day, k, tz)
        if local_date(candidate, tz) > after_day:
            return candidate
        k += 1


def first_checkin_at(pair: Timed, now: datetime) -> datetime:
    """The first check-in of a pairing that just went active (one cadence after the agreement)."""
    return following_checkin_at(pair, 1, after=max(pair.anchor, now - LOOKAHEAD))


def send_time_on(day: date, tz: str, window: NudgeWindow, now: datetime) -> datetime:
    """The send time on `day` in `tz` (or the next working day), never in the past."""
    candidate = checkin_after_scheduled(day - timedelta(days=1), tz, window)
    return candidate if candidate > now else next_working_send_time(now, tz, window)


def send_time_near(moment: datetime, tz: str, window: NudgeWindow, now: datetime) -> datetime:
    """The send time on `moment`'s local day in `tz` (or the next working day), never in the past."""
    return send_time_on(local_date(moment, tz), tz, window, now)


def send_times_per_zone(now: datetime) -> Callable[[str, NudgeWindow], datetime]:
    """The next working-day send time after `now` for a zone and nudge window, worked out once per pass:
    it is the same for everyone in one zone and workspace."""

    @cache
    def send_at(tz: str, window: NudgeWindow) -> datetime:
        return next_working_send_time(now, tz, window)

    return send_at
