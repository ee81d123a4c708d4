from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rules.cadence import (
    CADENCE_DAYS,
    NudgeWindow,
    add_working_days,
    checkin_after_scheduled,
    cycles_since,
    is_valid_timezone,
    local_send_time,
    next_checkin_at,
    next_weekly_time,
    next_working_send_time,
    safe_zone,
    to_utc,
    working_hours_overlap_hours,
)

NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"
WINDOW = NudgeWindow()


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def nudge_sequence(anchor: datetime, tz: str, count: int, cadence="weekly", window=WINDOW) -> list[datetime]:
    nudges = []
    current = anchor
    for _ in range(count):
        current = next_checkin_at(current, cadence, tz, window)
        nudges.append(current)
    return nudges


# --- DST --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "anchor", "change_day"),
    [
        # Agreement on Tuesday 24 Feb 2026; New York springs forward on Sunday 8 March 2026.
        (NEW_YORK, datetime(2026, 2, 24, 15, 30, tzinfo=ZoneInfo(NEW_YORK)), date(2026, 3, 8)),
        # Agreement on Wednesday 7 Oct 2026; Berlin falls back on Sunday 25 October 2026.
        (BERLIN, datetime(2026, 10, 7, 9, 0, tzinfo=ZoneInfo(BERLIN)), date(2026, 10, 25)),
    ],
)
def test_weekly_nudges_stay_at_ten_local_across_dst(tz: str, anchor: datetime, change_day: date) -> None:
    nudges = nudge_sequence(anchor, tz, 8)

    local_nudges = [local(n, tz) for n in nudges]
    assert all(n.tzinfo is UTC for n in nudges)
    assert [(n.hour, n.minute) for n in local_nudges] == [(10, 0)] * 8
    assert [n.date() for n in local_nudges] == [anchor.date() + timedelta(weeks=i) for i in range(1, 9)]
    assert all(n.weekday() == anchor.weekday() for n in local_nudges)
    # The sequence really does straddle the change: the UTC offset differs before and after.
    assert local_nudges[0].date() < change_day < local_nudges[-1].date()
    assert local_nudges[0].utcoffset() != local_nudges[-1].utcoffset()


def test_new_york_nudges_move_one_utc_hour_earlier_after_spring_forward() -> None:
    anchor = datetime(2026, 3, 2, 10, tzinfo=ZoneInfo(NEW_YORK))
    before, after = nudge_sequence(anchor, NEW_YORK, 2)
    assert before == datetime(2026, 3, 9, 14, tzinfo=UTC)  # 10:00 EDT
    assert after == datetime(2026, 3, 16, 14, tzinfo=UTC)
    earlier_anchor = datetime(2026, 2, 23, 10, tzinfo=ZoneInfo(NEW_YORK))
    assert next_checkin_at(earlier_anchor, "weekly", NEW_YORK, WINDOW) == datetime(2026, 3, 2, 15, tzinfo=UTC)


def test_spring_forward_nonexistent_hour_moves_to_first_valid_instant() -> None:
    at_two = NudgeWindow(hour=2, working_days=frozenset(range(7)))
    sent = local_send_time(date(2026, 3, 8), NEW_YORK, at_two)
    assert sent == datetime(2026, 3, 8, 7, tzinfo=UTC)
    assert (local(sent, NEW_YORK).hour, local(sent, NEW_YORK).minute) == (3, 0)
    assert local(sent, NEW_YORK).tzname() == "EDT"


def test_fall_back_ambiguous_hour_takes_first_occurrence() -> None:
    at_two = NudgeWindow(hour=2, working_days=frozenset(range(7)))
    sent = local_send_time(date(2026, 10, 25), BERLIN, at_two)
    # 02:00 happens twice in Berlin that night; the first one is still summer time (UTC+2).
    assert sent == datetime(2026, 10, 25, 0, tzinfo=UTC)
    assert local(sent, BERLIN).tzname() == "CEST"


def test_gap_that_is_not_on_the_hour_moves_to_the_jump() -> None:
    # Samoa skipped the whole of 30 December 2011.
    sent = to_utc(datetime(2011, 12, 30, 10), ZoneInfo("Pacific/Apia"))
    assert local(sent, "Pacific/Apia") == datetime(2011, 12, 31, 0, tzinfo=ZoneInfo("Pacific/Apia"))


# --- working days, quiet hours -----------------------------------------------------------------------


def test_nudge_due_on_saturday_rolls_to_monday() -> None:
    anchor = datetime(2026, 5, 9, 12, tzinfo=ZoneInfo(BERLIN))  # a Saturday
    nudge = local(next_checkin_at(anchor, "weekly", BERLIN, WINDOW), BERLIN)
    assert nudge.date() == date(2026, 5, 18)  # Saturday 16th -> Monday 18th
    assert nudge.hour == 10


def test_custom_working_days_sunday_to_thursday() -> None:
    sunday_to_thursday = NudgeWindow(working_days=frozenset({6, 0, 1, 2, 3}))
    # Due on Friday 15 May 2026 -> rolls to Sunday 17 May, not Monday.
    anchor = datetime(2026, 5, 8, 9, tzinfo=ZoneInfo("Asia/Dubai"))
    nudge = local(next_checkin_at(anchor, "weekly", "Asia/Dubai", sunday_to_thursday), "Asia/Dubai")
    assert nudge.date() == date(2026, 5, 17)
    assert nudge.weekday() == 6
    assert nudge.hour == 10


def test_next_working_send_time_is_strictly_after() -> None:
    tz = ZoneInfo(BERLIN)
    # Exactly at Monday's send time -> Tuesday's.
    monday_ten = datetime(2026, 5, 11, 10, tzinfo=tz)
    assert local(next_working_send_time(monday_ten, BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 12, 10, tzinfo=tz
    )
    # Monday early morning -> same day.
    monday_early = datetime(2026, 5, 11, 7, tzinfo=tz)
    assert local(next_working_send_time(monday_early, BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 11, 10, tzinfo=tz
    )
    # Friday afternoon -> Monday.
    friday = datetime(2026, 5, 15, 16, tzinfo=tz)
    assert local(next_working_send_time(friday, BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 18, 10, tzinfo=tz
    )


@pytest.mark.parametrize(
    ("hour", "quiet_start", "quiet_end", "expected_hour"),
    [
        (22, 20, 8, 8),  # quiet hours wrap midnight; 22:00 is quiet -> 08:00
        (6, 20, 8, 8),  # early morning inside the wrap
        (10, 20, 8, 10),  # outside quiet hours: unchanged
        (13, 12, 14, 14),  # lunchtime quiet hours, not wrapping
        (14, 12, 14, 14),  # quiet_end itself is not quiet
    ],
)
def test_quiet_hours(hour: int, quiet_start: int, quiet_end: int, expected_hour: int) -> None:
    window = NudgeWindow(hour=hour, quiet_start=quiet_start, quiet_end=quiet_end)
    sent = local(local_send_time(date(2026, 5, 12), BERLIN, window), BERLIN)
    assert sent.date() == date(2026, 5, 12)
    assert sent.hour == expected_hour


@pytest.mark.parametrize(
    "kwargs",
    [
        {"hour": 24},
        {"working_days": frozenset()},
        {"working_days": frozenset({7})},
        {"quiet_start": 20},
        {"quiet_start": 8, "quiet_end": 8},
    ],
)
def test_invalid_windows_are_rejected(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        NudgeWindow(**kwargs)


# --- cadences -------------------------------------------------------------------------------------


def test_monthly_cadence_is_every_28_days() -> None:
    assert CADENCE_DAYS["monthly"] == 28
    anchor = datetime(2026, 1, 6, 11, tzinfo=ZoneInfo(BERLIN))  # a Tuesday
    nudges = [local(n, BERLIN) for n in nudge_sequence(anchor, BERLIN, 4, cadence="monthly")]
    assert [n.date() for n in nudges] == [
        date(2026, 2, 3),
        date(2026, 3, 3),
        date(2026, 3, 31),  # crosses Berlin's spring-forward on 29 March
        date(2026, 4, 28),
    ]
    assert {n.hour for n in nudges} == {10}


def test_biweekly_cadence() -> None:
    anchor = datetime(2026, 5, 12, 18, tzinfo=ZoneInfo(NEW_YORK))
    nudge = local(next_checkin_at(anchor, "biweekly", NEW_YORK, WINDOW), NEW_YORK)
    assert nudge == datetime(2026, 5, 26, 10, tzinfo=ZoneInfo(NEW_YORK))


def test_anchor_uses_local_date_not_utc_date() -> None:
    # 23:30 on Monday in New York is already Tuesday in UTC.
    anchor = datetime(2026, 5, 11, 23, 30, tzinfo=ZoneInfo(NEW_YORK))
    nudge = local(next_checkin_at(anchor, "weekly", NEW_YORK, WINDOW), NEW_YORK)
    assert nudge.date() == date(2026, 5, 18)


def test_unknown_cadence_and_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError):
        next_checkin_at(datetime(2026, 5, 11, tzinfo=UTC), "daily", BERLIN, WINDOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        next_checkin_at(datetime(2026, 5, 11), "weekly", BERLIN, WINDOW)


def test_checkin_after_scheduled() -> None:
    tz = ZoneInfo(BERLIN)
    # Meeting scheduled Wednesday -> ask Thursday at 10.
    assert local(checkin_after_scheduled(date(2026, 5, 13), BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 14, 10, tzinfo=tz
    )
    # Scheduled Friday -> ask Monday.
    assert local(checkin_after_scheduled(date(2026, 5, 15), BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 18, 10, tzinfo=tz
    )


def test_cycles_since() -> None:
    met = datetime(2026, 5, 4, 15, tzinfo=UTC)
    assert cycles_since(met, met, "weekly") == 0
    assert cycles_since(met, met + timedelta(days=6, hours=8), "weekly") == 0
    assert cycles_since(met, datetime(2026, 5, 18, 10, tzinfo=UTC), "weekly") == 2  # calendar days count
    assert cycles_since(met, met + timedelta(days=21), "weekly") == 3
    assert cycles_since(met, met + timedelta(days=27), "biweekly") == 1
    assert cycles_since(met, met + timedelta(days=56), "monthly") == 2
    assert cycles_since(met, met - timedelta(days=30), "weekly") == 0


def test_cycles_since_counts_local_days_across_spring_forward() -> None:
    tz = ZoneInfo(NEW_YORK)
    met = datetime(2026, 3, 2, 10, tzinfo=tz)
    now = datetime(2026, 3, 16, 10, tzinfo=tz)  # 14 local days but only 13 days 23 hours elapsed
    assert cycles_since(met, now, "weekly", NEW_YORK) == 2


def test_add_working_days_skips_the_weekend() -> None:
    tz = ZoneInfo(BERLIN)
    thursday = datetime(2026, 5, 14, 16, tzinfo=tz)
    assert local(add_working_days(thursday, 2, BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 18, 10, tzinfo=tz
    )
    assert local(add_working_days(thursday, 5, BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 21, 10, tzinfo=tz
    )
    friday = datetime(2026, 5, 15, 9, tzinfo=tz)
    assert local(add_working_days(friday, 2, BERLIN, WINDOW), BERLIN) == datetime(2026, 5, 19, 10, tzinfo=tz)
    saturday = datetime(2026, 5, 16, 9, tzinfo=tz)
    assert local(add_working_days(saturday, 1, BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 18, 10, tzinfo=tz
    )
    assert local(add_working_days(saturday, 0, BERLIN, WINDOW), BERLIN) == datetime(
        2026, 5, 18, 10, tzinfo=tz
    )
    with pytest.raises(ValueError):
        add_working_days(saturday, -1, BERLIN, WINDOW)


def test_next_weekly_time() -> None:
    tz = ZoneInfo(BERLIN)
    wednesday = datetime(2026, 5, 13, 12, tzinfo=tz)
    assert local(next_weekly_time(wednesday, BERLIN, 0, 9), BERLIN) == datetime(2026, 5, 18, 9, tzinfo=tz)
    monday_early = datetime(2026, 5, 18, 8, 59, tzinfo=tz)
    assert local(next_weekly_time(monday_early, BERLIN, 0, 9), BERLIN) == datetime(2026, 5, 18, 9, tzinfo=tz)
    monday_at_nine = datetime(2026, 5, 18, 9, tzinfo=tz)
    assert local(next_weekly_time(monday_at_nine, BERLIN, 0, 9), BERLIN) == datetime(
        2026, 5, 25, 9, tzinfo=tz
    )
    # Over the spring-forward weekend in New York, the digest stays at 09:00 local.
    saturday = datetime(2026, 3, 7, 12, tzinfo=ZoneInfo(NEW_YORK))
    assert next_weekly_time(saturday, NEW_YORK, 0, 9) == datetime(2026, 3, 9, 13, tzinfo=UTC)


# --- overlap and time zones ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset_a", "offset_b", "expected"),
    [
        (-300, 60, 2.0),  # New York vs Berlin in winter
        (60, -300, 2.0),
        (60, 60, 8.0),
        (0, 720, 0.0),  # antipodes
        (-600, 840, 8.0),  # Honolulu vs Kiritimati: same clock, different date
        (330, 60, 3.5),  # India vs Berlin: half-hour offset
        (600, 0, 0.0),  # Sydney vs London (Sydney wraps midnight UTC)
        (600, -420, 1.0),  # Sydney vs Denver: 23:00-07:00 UTC vs 16:00-00:00 UTC
        (540, -480, 1.0),  # Tokyo vs Los Angeles: 00:00-08:00 UTC vs 17:00-01:00 UTC
    ],
)
def test_working_hours_overlap(offset_a: int, offset_b: int, expected: float) -> None:
    assert working_hours_overlap_hours(offset_a, offset_b) == pytest.approx(expected)


def test_working_hours_overlap_custom_hours() -> None:
    assert working_hours_overlap_hours(0, 0, 8, 18) == pytest.approx(10)
    assert working_hours_overlap_hours(0, 120, 22, 6) == pytest.approx(6)  # overnight shift
    with pytest.raises(ValueError):
        working_hours_overlap_hours(0, 0, 9, 9)


def test_timezone_validation_and_fallback() -> None:
    assert is_valid_timezone(BERLIN)
    assert not is_valid_timezone("Mars/Olympus_Mons")
    assert not is_valid_timezone("")
    assert not is_valid_timezone("../etc/passwd")
    assert safe_zone(BERLIN) == ZoneInfo(BERLIN)
    assert safe_zone(None) == ZoneInfo("UTC")
    assert safe_zone("Mars/Olympus_Mons") == ZoneInfo("UTC")
    sent = local_send_time(date(2026, 5, 12), "Mars/Olympus_Mons", WINDOW)
    assert sent == datetime(2026, 5, 12, 10, tzinfo=UTC)


# --- properties --------------------------------------------------------------------------------

ZONES = [
    "UTC",
    NEW_YORK,
    BERLIN,
    "Europe/London",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "America/Santiago",
    "America/St_Johns",
    "America/Sao_Paulo",
    "Africa/Casablanca",
]

anchors = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
windows = st.builds(
    NudgeWindow,
    hour=st.integers(0, 23),
    working_days=st.frozensets(st.integers(0, 6), min_size=1),
)
cadences = st.sampled_from(["weekly", "biweekly", "monthly"])


def _hour_exists(day: date, hour: int, zone: ZoneInfo) -> bool:
    wall = datetime.combine(day, datetime.min.time()).replace(hour=hour)
    return wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall


@settings(max_examples=300, deadline=None)
@given(anchor=anchors, tz=st.sampled_from(ZONES), window=windows, cadence=cadences)
def test_next_checkin_properties(anchor: datetime, tz: str, window: NudgeWindow, cadence: str) -> None:
    zone = ZoneInfo(tz)
    nudges = nudge_sequence(anchor, tz, 4, cadence=cadence, window=window)
    previous = anchor
    for nudge in nudges:
        assert nudge > previous
        local_nudge = nudge.astimezone(zone)
        assert local_nudge.weekday() in window.working_days
        if _hour_exists(local_nudge.date(), window.hour, zone):
            assert (local_nudge.hour, local_nudge.minute) == (window.hour, 0)
        assert (local_nudge.date() - previous.astimezone(zone).date()).days >= CADENCE_DAYS[cadence]
        previous = nudge
    local_dates = [n.astimezone(zone).date() for n in nudges]
    assert len(set(local_dates)) == len(local_dates)


@settings(max_examples=200, deadline=None)
@given(after=anchors, tz=st.sampled_from(ZONES), window=windows, days=st.integers(0, 15))
def test_working_day_helpers_land_on_working_days(
    after: datetime, tz: str, window: NudgeWindow, days: int
) -> None:
    zone = ZoneInfo(tz)
    sent = next_working_send_time(after, tz, window)
    assert sent > after
    assert sent - after <= timedelta(days=8)
    assert sent.astimezone(zone).weekday() in window.working_days
    later = add_working_days(after, days, tz, window)
    assert later.astimezone(zone).weekday() in window.working_days
    assert later.astimezone(zone).date() >= after.astimezone(zone).date()


@given(a=st.integers(-720, 840), b=st.integers(-720, 840))
def test_overlap_is_symmetric_and_bounded(a: int, b: int) -> None:
    overlap = working_hours_overlap_hours(a, b)
    assert overlap == pytest.approx(working_hours_overlap_hours(b, a))
    assert 0 <= overlap <= 8


# --- the person's own calendar day, where it is not UTC's ----------------------------------------------
# Monday 2 March 2026, 21:00 in New York is already Tuesday 02:00 UTC; 00:30 in Kolkata is still the
# evening before in UTC. Each rule below must count the person's day, not UTC's.

NY_MONDAY_EVENING = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # Monday 21:00 EST
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_next_send_time_starts_from_the_local_day():
    late = NudgeWindow(hour=22)
    # Monday 22:00 in New York is still ahead: not Tuesday's.
    assert next_working_send_time(NY_MONDAY_EVENING, NEW_YORK, late) == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    # At the usual 10:00, Monday's has gone: Tuesday 10:00 EST.
    assert next_working_send_time(NY_MONDAY_EVENING, NEW_YORK, WINDOW) == datetime(
        2026, 3, 3, 15, 0, tzinfo=UTC
    )


def test_working_days_are_counted_from_the_local_day():
    # One working day after a Monday evening in New York is Tuesday, though it is Tuesday in UTC already.
    assert add_working_days(NY_MONDAY_EVENING, 1, NEW_YORK, WINDOW) == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


def test_the_weekly_time_is_found_from_the_local_day():
    # The digest on Monday at 22:00 New York time: that very evening, not a week later.
    assert next_weekly_time(NY_MONDAY_EVENING, NEW_YORK, 0, 22) == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


def test_cycles_are_counted_between_local_days_at_both_ends():
    kolkata = "Asia/Kolkata"  # UTC+05:30
    # now is Tuesday 17 March 00:30 local (Monday in UTC); last met Tuesday 3 March 05:30 local: 14 days.
    assert (
        cycles_since(
            datetime(2026, 3, 3, 0, 0, tzinfo=UTC),
            datetime(2026, 3, 16, 19, 0, tzinfo=UTC),
            "weekly",
            kolkata,
        )
        == 2
    )
    # last met Tuesday 3 March 00:30 local (Monday in UTC); now Monday 16 March 23:30 local: 13 days.
    assert (
        cycles_since(
            datetime(2026, 3, 2, 19, 0, tzinfo=UTC),
            datetime(2026, 3, 16, 18, 0, tzinfo=UTC),
            "weekly",
            kolkata,
        )
        == 1
    )


# --- the bounds of every argument, at their edges -------------------------------------------------------


@pytest.mark.parametrize("weekday", [0, 6])
@pytest.mark.parametrize("hour", [0, 23])
def test_a_weekly_time_takes_every_weekday_and_hour(weekday: int, hour: int):
    found = next_weekly_time(START, "UTC", weekday, hour)
    assert (found.weekday(), found.hour) == (weekday, hour)


@pytest.mark.parametrize(
    ("weekday", "hour", "problem"),
    [(-1, 10, "weekday"), (7, 10, "weekday"), (0, -1, "hour"), (0, 24, "hour")],
)
def test_a_weekly_time_refuses_a_day_or_hour_that_does_not_exist(weekday: int, hour: int, problem: str):
    with pytest.raises(ValueError, match=f"{problem} must be 0-"):
        next_weekly_time(START, "UTC", weekday, hour)


@pytest.mark.parametrize(("start", "end"), [(0, 8), (23, 7), (9, 0), (9, 24)])
def test_working_hours_may_start_at_midnight_or_end_at_it(start: int, end: int):
    length = (end - start) % 24 or 24
    assert working_hours_overlap_hours(60, 60, start, end) == length


@pytest.mark.parametrize(("start", "end"), [(-1, 17), (24, 8), (9, -1), (9, 25), (9, 9)])
def test_working_hours_outside_a_day_are_refused(start: int, end: int):
    with pytest.raises(ValueError, match="invalid working hours"):
        working_hours_overlap_hours(0, 0, start, end)


@pytest.mark.parametrize("hour", [-1, 24])
def test_a_nudge_hour_outside_the_day_is_refused(hour: int):
    with pytest.raises(ValueError, match="hour must be 0-23"):
        NudgeWindow(hour=hour)


@pytest.mark.parametrize(
    ("start", "end", "quiet", "loud"),
    [(20, 8, [20, 23, 0, 7], [8, 12, 19]), (1, 5, [1, 3, 4], [0, 5, 23])],
)
def test_quiet_hours_start_on_their_hour_and_end_before_theirs(start, end, quiet, loud):
    window = NudgeWindow(quiet_start=start, quiet_end=end)
    assert [h for h in range(24) if window.is_quiet_hour(h)] == sorted(
        h for h in range(24) if (start <= h < end if start < end else h >= start or h < end)
    )
    assert all(window.is_quiet_hour(h) for h in quiet)
    assert not any(window.is_quiet_hour(h) for h in loud)
    assert not NudgeWindow().is_quiet_hour(3)


@pytest.mark.parametrize(("start", "end"), [(0, 23), (23, 0)])
def test_quiet_hours_may_be_any_hour_of_the_day(start: int, end: int):
    assert NudgeWindow(quiet_start=start, quiet_end=end).quiet_start == start


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"quiet_start": -1, "quiet_end": 5}, "quiet hours must be 0-23"),
        ({"quiet_start": 24, "quiet_end": 5}, "quiet hours must be 0-23"),
        ({"quiet_start": 5, "quiet_end": -1}, "quiet hours must be 0-23"),
        ({"quiet_start": 5, "quiet_end": 24}, "quiet hours must be 0-23"),
        ({"quiet_start": 20}, "quiet_start and quiet_end must be set together"),
        ({"quiet_end": 8}, "quiet_start and quiet_end must be set together"),
        ({"quiet_start": 5, "quiet_end": 5}, "quiet_start and quiet_end must differ"),
        ({"working_days": frozenset()}, "working_days must contain at least one day"),
    ],
)
def test_a_nudge_window_that_cannot_be_is_refused(fields: dict[str, Any], problem: str):
    with pytest.raises(ValueError, match=problem):
        NudgeWindow(**fields)
