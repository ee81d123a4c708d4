"""The words people read: one vocabulary for a rhythm, one date style, no internal keys in what they see."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.messages.expectations.kickoff import PairNames, kickoff_message
from bot.messages.expectations.wording import format_value
from bot.messages.mentee_requests import CADENCE_OPTIONS as REQUEST_CADENCES
from bot.messages.text import format_date, format_moment
from bot.rules.agreements.questionnaire import CADENCE_OPTIONS as EXPECTATION_CADENCES
from bot.rules.cadence import CADENCES, cadence_name
from bot.rules.matching.explanations import to_the_copilot


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


def test_the_kickoff_says_who_named_whom_and_carries_the_copilots_intro():
    names = PairNames("Bo Lind", "Cy Park", "UBO", "UCY")
    reasons = ["The copilot isn't mentoring anyone else right now.", "You both care about <Design>."]
    named = str(kickoff_message(1, names, reasons, named=True, intro="I run <!channel> reviews").blocks)
    assert "<@UBO> asked for <@UCY> by name, and <@UCY> said yes." in named
    assert "volunteered" not in named and "copilots!" not in named
    assert "*In <@UCY>'s words:* I run &lt;!channel&gt; reviews" in named
    assert "<@UCY> isn't mentoring anyone else right now." in named and "&lt;Design&gt;" in named
    asked = str(kickoff_message(1, names, reasons).blocks)
    assert "<@UCY> volunteered as a copilot and said yes to <@UBO>'s request." in asked


def test_the_offer_speaks_to_the_copilot_as_you():
    assert to_the_copilot("The copilot isn't mentoring anyone else right now.") == (
        "You aren't mentoring anyone else right now."
    )
    assert to_the_copilot(
        "The copilot is 2 levels behind the mentee, which is unusual for this programme."
    ) == ("You're 2 levels behind them, which is unusual for this programme.")
    assert to_the_copilot("You both care about Feedback.") == "You both care about Feedback."
