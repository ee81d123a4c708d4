"""The words people read: one vocabulary for a rhythm, one date style, no internal keys in what they see."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.messages.expectations.wording import format_value
from bot.messages.mentee_requests import CADENCE_OPTIONS as REQUEST_CADENCES
from bot.messages.text import format_date, format_moment
from bot.rules.agreements.questionnaire import CADENCE_OPTIONS as EXPECTATION_CADENCES
from bot.rules.cadence import CADENCES, cadence_name


def test_the_request_form_and_the_expectations_form_name_each_cadence_alike():
    request = {key: label for key, label in REQUEST_CADENCES}
    expectations = {key: label for key, label, _description in EXPECTATION_CADENCES}
    assert request == expectations == {key: cadence_name(key).capitalize() for key in CADENCES}
    assert request["monthly"] == "Every four weeks"  # what the rhythm is: 28 days
    for key in CADENCES:
        assert format_value("cadence", key) == cadence_name(key)
        assert key not in cadence_name(key)  # never the internal key


def test_every_people_facing_date_is_written_by_the_one_date_function():
    """One date style, in one place (bot/messages/text.py, ready to hand to Babel): no message module, no
    service and no handler writes a date with strftime codes, isoformat() or Slack's own date token."""
    root = Path(__file__).resolve().parents[2]
    written = re.compile(r"\{[^}]*:%|strftime\(|<!date\^|\.day\} \{|\{[^{}\"':]*isoformat\(\)\}")
    offenders = []
    for path in [*root.glob("bot/**/*.py"), *root.glob("handlers/**/*.py")]:
        relative = path.relative_to(root).as_posix()
        if relative == "bot/messages/text.py" or relative.startswith(NOT_MESSAGES):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if written.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


# Not what people read in Slack: the demo's own narration and the Slack stand-in, the chart's axis (an
# image), the command line's and the scheduler's logs, and dedupe keys.
NOT_MESSAGES = (
    "bot/demo/",
    "bot/oversight/chart.py",
    "bot/cli.py",
    "bot/scheduler.py",
    "bot/checkins/stalls.py",
    "bot/outbox/keys.py",
)


def test_one_date_style():
    assert format_date(date(2026, 3, 19)) == "Thu 19 Mar"
    assert format_date(date(2026, 3, 4), year=True) == "Wed 4 Mar 2026"
    assert (
        format_moment(datetime(2026, 3, 19, 13, 5, tzinfo=UTC), ZoneInfo("Europe/Berlin"))
        == "Thu 19 Mar, 14:05"
    )
