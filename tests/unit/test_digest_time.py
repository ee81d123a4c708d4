"""The weekly digest is due at Monday 09:00 local time, also in the weeks the clocks change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.oversight.digests import this_weeks_digest_time


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "tz", "due"),
    [
        (utc(2026, 3, 9, 8, 0), "Europe/Berlin", utc(2026, 3, 9, 8, 0)),  # 09:00 CET
        (utc(2026, 3, 9, 7, 59), "Europe/Berlin", utc(2026, 3, 2, 8, 0)),  # not yet: last week's
        (utc(2026, 3, 12, 12, 0), "Europe/Berlin", utc(2026, 3, 9, 8, 0)),
        # Berlin springs forward on Sunday 29 March: Monday 09:00 CEST is 07:00 UTC, not 08:00.
        (utc(2026, 3, 30, 7, 0), "Europe/Berlin", utc(2026, 3, 30, 7, 0)),
        # New York falls back on Sunday 1 November: Monday 09:00 EST is 14:00 UTC, not 13:00.
        (utc(2026, 11, 2, 13, 30), "America/New_York", utc(2026, 10, 26, 13, 0)),
        (utc(2026, 11, 2, 14, 0), "America/New_York", utc(2026, 11, 2, 14, 0)),
    ],
)
def test_latest_monday_nine_local(now: datetime, tz: str, due: datetime):
    assert this_weeks_digest_time(now, tz) == due
