"""Reading a due date out of a promise typed in one line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.network.reminder_times import due_moment
from bot.people import program_settings as program
from bot.rules.promise_dates import ParsedPromise, parse_due, parse_promise

MONDAY = date(2026, 3, 2)

# An independent reference for the weekday names: what strftime calls each day, and the short forms people
# type (a name the parser knows must be the start of the day's full English name).
TYPED_DAYS = (
    "monday mon tuesday tue tues wednesday wed thursday thu thur thurs friday fri saturday sat sunday sun"
)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
# Promises whose own words never read as a date: no digits, and no word the parser knows as a day.
plain_words = st.lists(
    st.sampled_from(["send", "the", "deck", "call", "Bo", "share", "notes", "intro"]), min_size=1
)
connectors = st.sampled_from(["", " by", " on", " until", " before", " due"])


@pytest.mark.parametrize(
    ("text", "what", "due"),
    [
        ("send the deck by friday", "send the deck", date(2026, 3, 6)),
        ("send the deck friday", "send the deck", date(2026, 3, 6)),
        ("call Bo on Fri", "call Bo", date(2026, 3, 6)),
        ("review the plan monday", "review the plan", date(2026, 3, 9)),  # the next Monday, not today
        ("review the plan next tuesday", "review the plan", date(2026, 3, 3)),
        ("share notes today", "share notes", MONDAY),
        ("share notes tomorrow.", "share notes", date(2026, 3, 3)),
        ("write back in 10 days", "write back", date(2026, 3, 12)),
        ("write back in 1 day", "write back", date(2026, 3, 3)),
        ("intro to Lee by 2026-04-01", "intro to Lee", date(2026, 4, 1)),
        ("intro   to Lee   2026-04-01", "intro to Lee", date(2026, 4, 1)),
        ("send the deck sometime", "send the deck sometime", None),
        ("send the deck by 2026-02-30", "send the deck by 2026-02-30", None),
        ("tomorrow", "", date(2026, 3, 3)),  # a date with nothing promised: the modal asks what
    ],
)
def test_parse_promise(text: str, what: str, due: date | None):
    parsed = parse_promise(text, MONDAY)
    assert (parsed.what, parsed.due_on) == (what, due)


def test_parse_due_alone():
    assert parse_due("Thursday", MONDAY) == date(2026, 3, 5)
    assert parse_due("in 3 days", MONDAY) == date(2026, 3, 5)
    assert parse_due("whenever", MONDAY) is None


def test_due_moment_is_the_nudge_hour_on_a_working_day_in_the_owners_zone():
    settings = program.ProgramSettings()
    saturday = date(2026, 3, 7)
    # Due on a Saturday: nothing at the weekend; Monday 10:00 in New York instead.
    assert due_moment(saturday, datetime(2026, 3, 7, 15, 0, tzinfo=UTC), "America/New_York", settings) is None
    monday_ny = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)  # 10:00 EDT (DST began 8 March)
    assert due_moment(saturday, monday_ny, "America/New_York", settings) == monday_ny
    assert due_moment(saturday, monday_ny - timedelta(minutes=1), "America/New_York", settings) is None
    # Missed by more than the grace period: wait for the next working day rather than nudge at night.
    assert due_moment(saturday, monday_ny + timedelta(hours=13), "America/New_York", settings) is None


@given(
    today=days,
    typed=st.sampled_from(TYPED_DAYS.split()),
    next_=st.booleans(),
    case=st.sampled_from([str.lower, str.title, str.upper]),
)
def test_a_weekday_is_the_next_such_day_and_never_today(
    today: date, typed: str, next_: bool, case: Callable[[str], str]
):
    due = parse_due(case(("next " if next_ else "") + typed), today)
    assert due is not None
    assert 1 <= (due - today).days <= 7
    assert due.strftime("%A").lower().startswith(typed)


@given(today=days, n=st.integers(0, 999), plural=st.booleans())
def test_in_n_days_is_n_days_after_today(today: date, n: int, plural: bool):
    assert parse_due(f"in {n} day{'s' if plural else ''}", today) == today + timedelta(days=n)


@given(
    today=days, due=days, words=plain_words, connector=connectors, spaces=st.sampled_from([" ", "  ", "\t"])
)
def test_what_and_when_split_at_the_date_and_the_words_are_kept(
    today: date, due: date, words: list[str], connector: str, spaces: str
):
    parsed = parse_promise(spaces.join(words) + connector + spaces + due.isoformat(), today)
    assert (parsed.what, parsed.due_on) == (" ".join(words), due)


@given(today=days, words=plain_words)
def test_words_without_a_date_are_the_whole_promise_and_no_due_day(today: date, words: list[str]):
    assert parse_promise("  ".join(words), today) == ParsedPromise(" ".join(words), None)
