"""awake_at: when a message the bot sends on its own initiative may go out, outside quiet hours."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.cadence import DEFAULT_WINDOW, NudgeWindow, awake_at, safe_zone

QUIET = NudgeWindow(quiet_start=20, quiet_end=8)
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "UTC"]


def test_an_offer_made_at_dawn_in_new_york_waits_for_eight():
    # Bo's request at 10:15 in Berlin is 04:15 in New York: Cy's offer goes out at 08:00 New York time.
    moment = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)
    assert awake_at(moment, ["America/New_York"], QUIET) == datetime(2026, 3, 3, 13, 0, tzinfo=UTC)
    assert awake_at(moment, ["Europe/Berlin"], QUIET) == moment  # awake already: at once


def test_a_group_waits_for_the_first_moment_all_are_awake():
    moment = datetime(2026, 3, 3, 9, 15, tzinfo=UTC)  # 10:15 Berlin, 04:15 New York
    at = awake_at(moment, ["Europe/Berlin", "America/New_York"], QUIET)
    assert at == datetime(2026, 3, 3, 13, 0, tzinfo=UTC)  # 14:00 Berlin, 08:00 New York


def test_without_quiet_hours_nothing_waits():
    moment = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    assert awake_at(moment, ["Europe/Berlin"], DEFAULT_WINDOW) == moment


def test_zones_with_no_common_waking_hour_fall_back_to_the_first_recipient():
    wide = NudgeWindow(quiet_start=14, quiet_end=8)  # awake 08:00-14:00 only
    moment = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
    at = awake_at(moment, ["Europe/Berlin", "Pacific/Auckland"], wide)
    assert not wide.is_quiet_hour(at.astimezone(safe_zone("Europe/Berlin")).hour)


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    st.lists(st.sampled_from(ZONES), min_size=1, max_size=3),
)
def test_never_inside_quiet_hours_never_early_and_at_most_a_day_late(moment, zones):
    at = awake_at(moment, zones, QUIET)
    assert moment <= at and (at - moment).total_seconds() <= 2 * 24 * 3600
    first = safe_zone(zones[0])
    assert not QUIET.is_quiet_hour(at.astimezone(first).hour)
