"""Reading a due date out of a promise typed in one line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import program
from bot.network import due_moment, parse_due, parse_promise

MONDAY = date(2026, 3, 2)


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
