"""When check-in nudges go out: in each person's own time zone, on their working days, at their hour.

Everything here is pure: callers pass timezone-aware datetimes and IANA zone names, and every
datetime returned is in UTC (ready to hand to the scheduler).

Decisions:

* ``monthly`` means every 28 days, not "same date next month". Four-week spacing keeps the
  nudge on the same weekday the pair is used to, never lands on the 31st, and keeps
  ``cycles_since`` a plain division.
* Cadence is counted in LOCAL calendar days, so a DST change moves neither the date nor the hour.
* Unknown or missing zone names (Slack sometimes sends odd ones) fall back to UTC instead of
  failing: a nudge at a slightly odd hour beats no nudge at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import N_, _

Cadence = Literal["weekly", "biweekly", "monthly"]

CADENCES: tuple[Cadence, ...] = get_args(Cadence)
CADENCE_DAYS: dict[Cadence, int] = {"weekly": 7, "biweekly": 14, "monthly": 28}

# The one vocabulary for a rhythm, wherever people read it (the request form, the expectations form, offers,
# agreements, summaries): "monthly" is every 28 days, so it is called what it is.
_CADENCE_NAMES: dict[str, str] = {
    "weekly": N_("every week"),
    "biweekly": N_("every two weeks"),
    "monthly": N_("every four weeks"),
}


def cadence_name(cadence: str | None) -> str:
    """How people read a cadence key, in the reader's language: "biweekly" -> "every two weeks"
    (capitalize() it for a form)."""
    if not cadence:
        return _("no rhythm set")
    name = _CADENCE_NAMES.get(cadence)
    return _(name) if name else cadence.replace("_", " ")


MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})


@dataclass(frozen=True)
class NudgeWindow:
    """When a person is happy to receive nudges, in their local time."""

    hour: int = 10
    working_days: frozenset[int] = MONDAY_TO_FRIDAY  # Monday=0 … Sunday=6
    quiet_start: int | None = None  # local hour quiet hours start, e.g. 20
    quiet_end: int | None = None  # local hour quiet hours end, e.g. 8; may wrap past midnight

    def __post_init__(self) -> None:
        if not 0 <= self.hour <= 23:
            raise ValueError(f"hour must be 0-23, got {self.hour}")
        if not self.working_days:
            raise ValueError("working_days must contain at least one day")
        if not all(0 <= day <= 6 for day in self.working_days):
            raise ValueError(f"working_days must be weekday numbers 0-6, got {sorted(self.working_days)}")
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValueError("quiet_start and quiet_end must be set together")
        if self.quiet_start is not None and self.quiet_end is not None:
            if not (0 <= self.quiet_start <= 23 and 0 <= self.quiet_end <= 23):
                raise ValueError("quiet hours must be 0-23")
            if self.quiet_start == self.quiet_end:
                raise ValueError("quiet_start and quiet_end must differ")

    def is_quiet_hour(self, hour: int) -> bool:
        if self.quiet_start is None or self.quiet_end is None:
            return False
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= hour < self.quiet_end
        return hour >= self.quiet_start or hour < self.quiet_end  # wraps midnight

    @property
    def send_hour(self) -> int:
        """The local hour nudges actually arrive: ``hour``, or ``quiet_end`` if ``hour`` is quiet."""
        if self.is_quiet_hour(self.hour):
            assert self.quiet_end is not None
            return self.quiet_end
        return self.hour


DEFAULT_WINDOW = NudgeWindow()


# --- time zones ---------------------------------------------------------------------------------


def is_valid_timezone(tz: str) -> bool:
    if not isinstance(tz, str) or not tz.strip():
        return False
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=512)
def _zone_or_utc(tz: str) -> ZoneInfo:
    return ZoneInfo(tz) if is_valid_timezone(tz) else ZoneInfo("UTC")


def safe_zone(tz: str | None) -> ZoneInfo:
    """The zone for ``tz``, or UTC when the name is missing or unknown."""
    if not isinstance(tz, str):
        return ZoneInfo("UTC")
    return _zone_or_utc(tz)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def local_date(moment: datetime, tz: str) -> date:
    """The calendar date of ``moment`` as seen in ``tz``."""
    _require_aware(moment, "moment")
    return moment.astimezone(safe_zone(tz)).date()


def to_utc(wall_time: datetime, zone: ZoneInfo) -> datetime:
    """Convert a naive local wall time in ``zone`` to UTC, DST-safely.

    Ambiguous times (autumn fall-back) take the first occurrence. Nonexistent times (spring-forward
    gap) move forward to the first valid instant, i.e. the moment the clocks jumped.
    """
    first = wall_time.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == wall_time:
        return first
    # Inside a gap. fold=0 reads the time with the pre-jump offset (landing after the jump) and
    # fold=1 with the post-jump offset (landing before it); search between them for the jump.
    second = wall_time.replace(tzinfo=zone, fold=1).astimezone(UTC)
    before, after = min(first, second), max(first, second)
    offset_before = before.astimezone(zone).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        if middle.astimezone(zone).utcoffset() == offset_before:
            before = middle
        else:
            after = middle
    return after.replace(microsecond=0)


# --- send times ---------------------------------------------------------------------------------


def local_send_time(day: date, tz: str, window: NudgeWindow) -> datetime:
    """The UTC instant of ``window``'s send hour on local date ``day`` in ``tz``."""
    return to_utc(datetime.combine(day, time(window.send_hour)), safe_zone(tz))


def _next_working_day(day: date, window: NudgeWindow) -> date:
    """``day`` itself if it is a working day, otherwise the next one."""
    while day.weekday() not in window.working_days:
        day += timedelta(days=1)
    return day


def next_working_send_time(after: datetime, tz: str, window: NudgeWindow) -> datetime:
    """The first send time on a working day strictly after ``after``."""
    _require_aware(after, "after")
    day = local_date(after, tz)
    while True:
        day = _next_working_day(day, window)
        candidate = local_send_time(day, tz, window)
        if candidate > after:
            return candidate
        day += timedelta(days=1)


def next_checkin_at(anchor: datetime, cadence: Cadence, tz: str, window: NudgeWindow) -> datetime:
    """The next check-in nudge: one cadence after ``anchor``'s local date, on a working day.

    ``anchor`` is the agreement date, the last meeting, or the previous nudge. Counting local
    calendar days keeps the nudge at the same local hour across DST changes.
    """
    _require_aware(anchor, "anchor")
    if cadence not in CADENCE_DAYS:
        raise ValueError(f"unknown cadence {cadence!r}; expected one of {CADENCES}")
    due = local_date(anchor, tz) + timedelta(days=CADENCE_DAYS[cadence])
    return local_send_time(_next_working_day(due, window), tz, window)


def checkin_after_scheduled(scheduled_day: date, tz: str, window: NudgeWindow) -> datetime:
    """The nudge asking how a scheduled meeting went: the first working day after ``scheduled_day``."""
    return local_send_time(_next_working_day(scheduled_day + timedelta(days=1), window), tz, window)


def cycles_since(last_met: datetime, now: datetime, cadence: Cadence, tz: str = "UTC") -> int:
    """How many full cadence periods have passed since the pair last met.

    Counted in local calendar days (in ``tz``) rather than elapsed hours, so a check run at 10:00
    two weeks after a 15:00 meeting, or across a spring-forward night, still counts two weeks.
    Used for the stalled-pairing rules (2 cycles: gentle nudge, 3: stalled).
    """
    _require_aware(last_met, "last_met")
    _require_aware(now, "now")
    if cadence not in CADENCE_DAYS:
        raise ValueError(f"unknown cadence {cadence!r}; expected one of {CADENCES}")
    days = (local_date(now, tz) - local_date(last_met, tz)).days
    return max(0, days // CADENCE_DAYS[cadence])


def awake_at(moment: datetime, tzs: Iterable[str], window: NudgeWindow) -> datetime:
    """The first moment at or after ``moment`` outside everyone's quiet hours (each in their own zone).

    Messages the bot sends on its own initiative (an offer, a kickoff, a shared report-back) go out then,
    never inside a recipient's quiet hours. With no moment that suits all within two days (zones too far
    apart), the first recipient's waking time is used.
    """
    _require_aware(moment, "moment")
    zones = [safe_zone(tz) for tz in tzs]
    if window.quiet_start is None or not zones:
        return moment
    for group in (zones, zones[:1]):
        candidate = moment
        for _step in range(2 * 24 * 4):
            if not any(window.is_quiet_hour(candidate.astimezone(zone).hour) for zone in group):
                return candidate
            quarter = candidate.replace(minute=candidate.minute // 15 * 15, second=0, microsecond=0)
            candidate = quarter + timedelta(minutes=15)
    return moment


def add_working_days(start: datetime, days: int, tz: str, window: NudgeWindow) -> datetime:
    """The send time ``days`` working days after ``start``'s local date.

    ``start``'s own date never counts (a request on Friday plus 2 working days is Tuesday).
    ``days=0`` gives the send time on ``start``'s date, or the next working day if it is not one.
    """
    _require_aware(start, "start")
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}")
    day = local_date(start, tz)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() in window.working_days:
            counted += 1
    return local_send_time(_next_working_day(day, window), tz, window)


def next_weekly_time(after: datetime, tz: str, weekday: int, hour: int) -> datetime:
    """The next ``weekday`` at ``hour`` local time strictly after ``after`` (e.g. the weekly digest)."""
    _require_aware(after, "after")
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0-6, got {weekday}")
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0-23, got {hour}")
    zone = safe_zone(tz)
    day = local_date(after, tz)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    candidate = to_utc(datetime.combine(day, time(hour)), zone)
    if candidate <= after:
        candidate = to_utc(datetime.combine(day + timedelta(days=7), time(hour)), zone)
    return candidate


# --- overlap between two people's working hours -------------------------------------------------

_MINUTES_PER_DAY = 24 * 60


def working_hours_overlap_hours(
    offset_a_minutes: int, offset_b_minutes: int, start_hour: int = 9, end_hour: int = 17
) -> float:
    """Hours on a typical day when both people are inside their local working hours.

    Offsets are minutes east of UTC (New York in winter is -300, Berlin +60). A window whose end
    hour is earlier than its start hour runs overnight; windows may also wrap midnight UTC.
    """
    if not (0 <= start_hour <= 23 and 0 <= end_hour <= 24) or start_hour == end_hour:
        raise ValueError(f"invalid working hours {start_hour}-{end_hour}")
    length = ((end_hour - start_hour) * 60) % _MINUTES_PER_DAY or _MINUTES_PER_DAY
    start_a = (start_hour * 60 - offset_a_minutes) % _MINUTES_PER_DAY
    start_b = (start_hour * 60 - offset_b_minutes) % _MINUTES_PER_DAY
    overlap = 0
    # Both windows live on a 24-hour circle; comparing against B shifted a day either way
    # catches the parts that wrap past midnight UTC.
    for shift in (-_MINUTES_PER_DAY, 0, _MINUTES_PER_DAY):
        shifted_b = start_b + shift
        overlap += max(0, min(start_a + length, shifted_b + length) - max(start_a, shifted_b))
    return min(overlap, length) / 60
