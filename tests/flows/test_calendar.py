"""The agreed meetings land in the pair's calendars: confirming an agreement (and each revisit) posts one
line and an .ics file in their group DM, over signed HTTP to the running app and the fake Slack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar
from sqlalchemy import select

from bot.expectations.kickoff import start_expectations
from bot.messages.expectations import ids
from bot.outbox import FileUpload
from storage.models import OutboxMessage, Pairing
from tests.flows.answers import buttons, field
from tests.harness import TEAM_ID, RunningBot
from tests.worlds import make

MENTEE, COPILOT = "U1", "U2"
BERLIN = ZoneInfo("Europe/Berlin")
GOALS = "PRIVATE-GOAL-3c9e: get better at giving feedback to senior colleagues"
LINE = "Add this to your calendar"


@pytest.fixture
def pair(bot: RunningBot) -> int:
    """Alex (mentee, Berlin) and Sam (copilot, London), matched and asked to set expectations."""
    now = bot.clock.now()
    with bot.runtime.db.transaction() as session:
        alex = make.person(
            session, MENTEE, now, name="alex", real_name="Alex", email="alex@example.com", slack=bot.slack
        )
        sam = make.person(
            session,
            COPILOT,
            now,
            name="sam",
            real_name="Sam",
            tz="Europe/London",
            email="sam@example.com",
            slack=bot.slack,
        )
        request = make.request(session, alex, now, goals=GOALS, status="matched")
        pairing = make.pairing(
            session, alex, sam, now, state="setting_expectations", cadence=None, request_id=request.id
        )
        start_expectations(bot.runtime, session, pairing)
        return pairing.id


def deliver(bot: RunningBot) -> None:
    """Send what's due; two minutes on, so a file waiting for its line (one minute) goes out too."""
    bot.tick(bot.clock.advance(seconds=5))
    bot.tick(bot.clock.advance(minutes=2))


def button_value(bot: RunningBot, action_id: str) -> str:
    call = [
        c
        for c in bot.slack.calls_to("chat.postMessage")
        if any(b["action_id"] == action_id for b in buttons(c))
    ][-1]
    return next(b["value"] for b in buttons(call) if b["action_id"] == action_id)


def answers(role: str, cadence: str) -> dict[str, Any]:
    """Every two weeks or weekly, 45 minutes, 6 meetings, on Wednesdays; Alex's window 14:00–16:00 (Sam
    names none, so Alex's stands)."""
    choices = {
        "relationship_kind": "copilot",
        "cadence": cadence,
        "meeting_minutes": 45,
        "meeting_format": "video",
        "organiser": "mentee",
    }
    values = {key: {"value": field("radio", value)} for key, value in choices.items()}
    values["length_meetings"] = {"value": field("number", "6")}
    values["length_end_date"] = {"value": field("date", None)}
    if role == "mentee":
        values["goals"] = {"value": field("text", GOALS)}
    else:
        values["offer"] = {"value": field("text", "PRIVATE-OFFER-3c9e: ten years of code review")}
    values["expectations"] = {"value": field("text", "PRIVATE-EXPECTATION-3c9e")}
    values["confidentiality"] = {"value": field("checks", ["yes"])}
    values["preferred_days"] = {"value": field("checks", [2])}
    start, end = ("14:00", "16:00") if role == "mentee" else (None, None)
    values["time_window_start"] = {"value": field("time", start)}
    values["time_window_end"] = {"value": field("time", end)}
    return values


def answer(bot: RunningBot, pairing_id: int, user: str, role: str, cadence: str) -> None:
    before = len(bot.slack.calls_to("views.update"))
    bot.click(
        ids.OPEN_QUESTIONNAIRE, user=user, value=str(pairing_id), message={"ts": "1.0", "channel": "GPAIR"}
    )
    bot.slack.wait_for("views.open", 1)
    view = bot.slack.wait_for("views.update", before + 1)[-1].args["view"]
    assert bot.submit(view, answers(role, cadence), user=user).status == 200


def agree(bot: RunningBot, pairing_id: int, cadence: str) -> None:
    """Both answer alike, then both confirm (over signed HTTP), and what's due is sent."""
    answer(bot, pairing_id, MENTEE, "mentee", cadence)
    answer(bot, pairing_id, COPILOT, "copilot", cadence)
    deliver(bot)
    value = button_value(bot, ids.CONFIRM)
    seen = len(bot.slack.calls_to("response_url"))
    bot.click(ids.CONFIRM, user=MENTEE, value=value)
    bot.slack.wait_for("response_url", seen + 1)
    bot.click(ids.CONFIRM, user=COPILOT, value=value)
    bot.slack.wait_for("response_url", seen + 2)
    deliver(bot)


def calendar_files(bot: RunningBot) -> list[tuple[str, str, bytes]]:
    """(channel, title, bytes) of every file shared, in order."""
    uploads = bot.slack.uploads
    return [
        (c.args["channel_id"], c.args["files"][0]["title"], uploads[c.args["files"][0]["id"]])
        for c in bot.slack.calls_to("files.completeUploadExternal")
    ]


def event_of(raw: bytes) -> Any:
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    return event


def meeting_starts(raw: bytes) -> list[datetime]:
    events = recurring_ical_events.of(Calendar.from_ical(raw)).all()
    return sorted(event.decoded("DTSTART") for event in events)


def test_confirming_posts_the_agreed_meetings_to_the_group_dm_and_a_revisit_updates_the_same_series(
    bot, pair
):
    deliver(bot)
    agree(bot, pair, "weekly")

    lines = [c for c in bot.slack.calls_to("chat.postMessage") if c.args.get("text") == LINE]
    assert [c.args["channel"] for c in lines] == ["GPAIR"]
    (first,) = calendar_files(bot)
    channel, title, raw = first
    assert (channel, title) == ("GPAIR", "Copilot pairing: Alex & Sam")
    for marker in (b"PRIVATE-GOAL", b"PRIVATE-OFFER", b"PRIVATE-EXPECTATION"):
        assert marker not in raw

    event = event_of(raw)
    assert str(event["SUMMARY"]) == "Copilot pairing: Alex & Sam"
    assert f"app_redirect?channel=GPAIR&team={TEAM_ID}" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]) == "mailto:alex@example.com"  # the mentee: mentee-driven
    assert {str(a) for a in event["ATTENDEE"]} == {"mailto:alex@example.com", "mailto:sam@example.com"}
    uid = str(event["UID"])
    assert event["SEQUENCE"] == 0

    # Confirmed on Monday 2 March: six Wednesdays at 14:00 in Berlin; Berlin's clocks go forward on 29 March.
    starts = meeting_starts(raw)
    assert [s.date() for s in starts] == [date(2026, 3, 4) + timedelta(weeks=w) for w in range(6)]
    assert {s.astimezone(BERLIN).time() for s in starts} == {time(14, 0)}
    assert [s.astimezone(UTC).hour for s in starts] == [13, 13, 13, 13, 12, 12]
    assert all(
        e.decoded("DTEND") - e.decoded("DTSTART") == timedelta(minutes=45)
        for e in recurring_ical_events.of(Calendar.from_ical(raw)).all()
    )

    # A revisit, to every two weeks: a new file for the same series, with a higher SEQUENCE.
    seen = len(bot.slack.calls_to("response_url"))
    bot.click(ids.REVISIT, user=COPILOT, value=str(pair))
    bot.slack.wait_for("response_url", seen + 1)
    deliver(bot)
    agree(bot, pair, "biweekly")
    files = calendar_files(bot)
    assert len(files) == 2 and files[1][0] == "GPAIR"
    revised = event_of(files[1][2])
    assert str(revised["UID"]) == uid and revised["SEQUENCE"] == 1
    assert revised["RRULE"]["INTERVAL"] == [2]
    assert [s.date() for s in meeting_starts(files[1][2])] == [
        date(2026, 3, 4) + timedelta(weeks=2 * w) for w in range(6)
    ]
    assert {c.args["filename"] for c in bot.slack.calls_to("files.getUploadURLExternal")} == {
        "copilot-meetings.ics"
    }
    lines = [c for c in bot.slack.calls_to("chat.postMessage") if c.args.get("text") == LINE]
    assert len(lines) == 2
    with bot.runtime.db.transaction() as session:
        pairing = session.scalar(select(Pairing).where(Pairing.id == pair))
        assert pairing is not None and pairing.cadence == "biweekly"


def test_forgetting_one_of_the_pair_empties_the_calendar_file_that_named_them(bot, pair):
    deliver(bot)
    agree(bot, pair, "weekly")
    with bot.runtime.db.transaction() as session:
        files = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "calendar_file")).all()
        assert [b"sam@example.com" in FileUpload.from_payload(r.payload).content for r in files] == [True]

    seen = len(bot.slack.calls_to("response_url"))
    assert bot.click("forget_me_confirm", user=COPILOT, value="delete").status == 200
    bot.slack.wait_for("response_url", seen + 1)
    with bot.runtime.db.transaction() as session:
        (row,) = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "calendar_file")).all()
        assert "file" not in row.payload and "sam@example.com" not in json.dumps(row.payload)
