"""The agreed meetings as an iCalendar file: parsed back with icalendar, expanded with recurring-ical-events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from bot.i18n import reading_in
from bot.messages.expectations.calendar import calendar_message, event_description, event_title, slack_link
from bot.rules.agreed_meetings import Member, agreed_series, first_meeting
from bot.rules.calendar import Attendee, MeetingSeries, calendar_ics

PARIS, TORONTO = ZoneInfo("Europe/Paris"), ZoneInfo("America/Toronto")
ANA = Attendee("Ana Lopez", "ana@example.com")
BEN = Attendee("Ben Okafor", "ben@example.com")
STAMP = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MARKER = "PRIVATE-MARKER-7f3a"


def series(start: datetime, **changes: Any) -> MeetingSeries:
    fields: dict[str, Any] = {
        "uid": "T1.pairing-7@mentor-bot",
        "title": "Copilot pairing: Ana & Ben",
        "description": "Your copilot meetings. https://slack.com/app_redirect?channel=G1&team=T1",
        "url": "https://slack.com/app_redirect?channel=G1&team=T1",
        "first_start": start,
        "duration": timedelta(minutes=45),
        "interval_weeks": 1,
        "count": None,
        "until": None,
        "organiser": ANA,
        "attendees": (ANA, BEN),
        "sequence": 0,
        **changes,
    }
    return MeetingSeries(**fields)


def parsed(*all_series: MeetingSeries) -> Calendar:
    return Calendar.from_ical(calendar_ics(*all_series, stamp=STAMP))


def occurrences(calendar: Calendar) -> list[Any]:
    return sorted(recurring_ical_events.of(calendar).all(), key=lambda e: e.decoded("DTSTART"))


def starts(calendar: Calendar) -> list[datetime]:
    return [event.decoded("DTSTART") for event in occurrences(calendar)]


def test_weekly_in_paris_keeps_14_00_local_across_the_spring_change_and_the_utc_time_moves():
    calendar = parsed(series(datetime(2026, 3, 17, 14, 0, tzinfo=PARIS), count=4))
    local = starts(calendar)
    assert [s.date() for s in local] == [
        date(2026, 3, 17),
        date(2026, 3, 24),
        date(2026, 3, 31),
        date(2026, 4, 7),
    ]
    assert {s.astimezone(PARIS).time() for s in local} == {time(14, 0)}
    assert [s.astimezone(UTC).hour for s in local] == [13, 13, 12, 12]  # clocks go forward on 29 March
    ends = [event.decoded("DTEND") - event.decoded("DTSTART") for event in occurrences(calendar)]
    assert set(ends) == {timedelta(minutes=45)}


def test_every_two_weeks_in_toronto_until_an_end_date_across_the_autumn_change():
    calendar = parsed(
        series(datetime(2026, 10, 13, 14, 0, tzinfo=TORONTO), interval_weeks=2, until=date(2026, 12, 8))
    )
    local = starts(calendar)
    # 13 and 27 Oct, 10 and 24 Nov, and 8 Dec itself: a meeting on the end date is still held.
    assert [s.date() for s in local] == [
        date(2026, 10, 13),
        date(2026, 10, 27),
        date(2026, 11, 10),
        date(2026, 11, 24),
        date(2026, 12, 8),
    ]
    assert {s.astimezone(TORONTO).time() for s in local} == {time(14, 0)}
    assert [s.astimezone(UTC).hour for s in local] == [18, 18, 19, 19, 19]  # clocks go back on 1 November
    rule = calendar.walk("VEVENT")[0]["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    assert rule["UNTIL"][0] == datetime(2026, 12, 9, 4, 59, 59, tzinfo=UTC)  # end of 8 Dec in Toronto, in UTC


def test_every_four_weeks_with_a_count():
    calendar = parsed(series(datetime(2026, 2, 3, 9, 30, tzinfo=PARIS), interval_weeks=4, count=5))
    assert [s.date() for s in starts(calendar)] == [
        date(2026, 2, 3),
        date(2026, 3, 3),
        date(2026, 3, 31),
        date(2026, 4, 28),
        date(2026, 5, 26),
    ]
    assert calendar.walk("VEVENT")[0]["RRULE"]["COUNT"] == [5]


def test_the_file_is_one_published_calendar_with_the_zone_people_uid_and_sequence():
    raw = calendar_ics(series(datetime(2026, 3, 17, 14, 0, tzinfo=PARIS), count=3, sequence=2), stamp=STAMP)
    calendar = Calendar.from_ical(raw)
    assert (str(calendar["VERSION"]), str(calendar["METHOD"])) == ("2.0", "PUBLISH")
    assert str(calendar["PRODID"]).startswith("-//mentor-bot//")
    assert b"DTSTART;TZID=Europe/Paris:20260317T140000" in raw
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "T1.pairing-7@mentor-bot" and event["SEQUENCE"] == 2
    assert event.decoded("DTSTAMP") == STAMP
    assert (
        str(event["ORGANIZER"]) == "mailto:ana@example.com" and event["ORGANIZER"].params["CN"] == "Ana Lopez"
    )
    attendees = {str(a): a.params["CN"] for a in event["ATTENDEE"]}
    assert attendees == {"mailto:ana@example.com": "Ana Lopez", "mailto:ben@example.com": "Ben Okafor"}
    assert str(event["URL"]).startswith("https://slack.com/app_redirect?")


def test_someone_without_an_email_is_named_in_the_title_but_gets_no_calendar_address():
    no_email = Attendee("Ben Okafor", None)
    calendar = parsed(
        series(
            datetime(2026, 3, 17, 14, 0, tzinfo=PARIS), count=2, organiser=no_email, attendees=(ANA, no_email)
        )
    )
    (event,) = calendar.walk("VEVENT")
    assert "ORGANIZER" not in event
    assert str(event["ATTENDEE"]) == "mailto:ana@example.com"  # a single attendee parses as one address


@pytest.mark.parametrize(
    "zone",
    ["Europe/Paris", "America/Toronto", "Australia/Sydney", "Australia/Lord_Howe", "Africa/Casablanca"],
)
def test_the_vtimezone_onsets_are_the_zones_real_changes_read_in_the_offset_before_them(zone: str):
    """RFC 5545: an observance's DTSTART is local time in TZOFFSETFROM; later years' changes are RDATEs.
    Southern-hemisphere, half-hour (Lord Howe) and negative (Casablanca's Ramadan) changes included."""
    tz = ZoneInfo(zone)
    calendar = parsed(series(datetime(2026, 1, 6, 14, 0, tzinfo=tz), count=100))
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == zone
    onsets = []
    for observance in timezone.subcomponents:
        offset_from, offset_to = observance.decoded("TZOFFSETFROM"), observance.decoded("TZOFFSETTO")
        if offset_from == offset_to:
            continue  # the opening observance: no change
        rdates = observance.get("RDATE", [])
        locals_ = [observance.decoded("DTSTART")] + [
            d.dt for prop in (rdates if isinstance(rdates, list) else [rdates]) for d in prop.dts
        ]
        for local in locals_:
            instant = (local - offset_from).replace(tzinfo=UTC)
            assert (instant - timedelta(seconds=1)).astimezone(tz).utcoffset() == offset_from, (zone, local)
            assert instant.astimezone(tz).utcoffset() == offset_to, (zone, local)
            onsets.append(instant)
    # Every change the zone makes while the series runs (about two years) is there.
    changes, moment = [], datetime(2026, 1, 6, tzinfo=UTC)
    while moment < datetime(2027, 11, 30, tzinfo=UTC):
        after = moment + timedelta(minutes=15)
        if moment.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            changes.append(moment)
        moment = after
    assert len(onsets) == len(changes) >= 4


def test_the_buddy_agenda_weekly_for_a_month_then_every_two_weeks_is_two_series_in_one_file():
    weekly = series(
        datetime(2026, 3, 2, 11, 0, tzinfo=PARIS), count=4, uid="T1.buddy-3.first-month@mentor-bot"
    )
    after = series(
        datetime(2026, 3, 30, 11, 0, tzinfo=PARIS),
        interval_weeks=2,
        until=date(2026, 5, 31),
        uid="T1.buddy-3.after@mentor-bot",
    )
    calendar = parsed(weekly, after)
    assert len(calendar.walk("VTIMEZONE")) == 1  # one zone, covering both series
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [weekly.uid, after.uid]
    local = starts(calendar)
    assert [s.date() for s in local] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
        date(2026, 4, 13),
        date(2026, 4, 27),
        date(2026, 5, 11),
        date(2026, 5, 25),
    ]
    assert {s.astimezone(PARIS).time() for s in local} == {time(11, 0)}


def test_a_series_in_utc_needs_no_vtimezone():
    calendar = parsed(series(datetime(2026, 3, 17, 14, 0, tzinfo=ZoneInfo("UTC")), count=2))
    assert calendar.walk("VTIMEZONE") == []
    assert [s.astimezone(UTC).hour for s in starts(calendar)] == [14, 14]


@pytest.mark.parametrize(
    "changes",
    [
        {"count": 3, "until": date(2026, 6, 1)},
        {"count": 0},
        {"interval_weeks": 0},
        {"duration": timedelta(0)},
        {"until": date(2026, 3, 1)},
        {"first_start": datetime(2026, 3, 17, 14, 0)},
        {"first_start": datetime(2026, 3, 17, 14, 0, tzinfo=UTC)},  # a fixed offset, not a zone
    ],
)
def test_an_impossible_series_is_refused(changes: dict[str, Any]):
    with pytest.raises(ValueError):
        series(datetime(2026, 3, 17, 14, 0, tzinfo=PARIS), **changes)


# --- from the agreement --------------------------------------------------------------------------------

ANA_PARIS = Member("Ana Lopez", "ana@example.com", "Europe/Paris")
BEN_TORONTO = Member("Ben Okafor", "ben@example.com", "America/Toronto")
TERMS: dict[str, Any] = {
    "relationship_kind": "copilot",
    "cadence": "weekly",
    "meeting_minutes": 45,
    "meeting_format": "video",
    "length": {"meetings": 6},
    "organiser": "mentee",
    "preferred_days": [1, 3],  # Tuesday, Thursday
    "time_window": {"start": "14:00", "end": "16:00"},
    "goals": f"Grow as a speaker {MARKER}",
    "offer": f"Ten years of talks {MARKER}",
    "expectations": {"mentee": f"honest {MARKER}", "copilot": f"prepared {MARKER}"},
    "confidentiality": True,
}
# Tuesday 24 March 2026, 15:00 in Paris.
CONFIRMED = datetime(2026, 3, 24, 14, 0, tzinfo=UTC)


def from_terms(terms: dict[str, Any] | None = None, **kwargs: Any) -> MeetingSeries | None:
    return agreed_series(
        terms or TERMS,
        confirmed_at=kwargs.pop("confirmed_at", CONFIRMED),
        mentee=kwargs.pop("mentee", ANA_PARIS),
        copilot=kwargs.pop("copilot", BEN_TORONTO),
        uid="T1.pairing-7@mentor-bot",
        sequence=kwargs.pop("sequence", 0),
        title=event_title("Ana Lopez", "Ben Okafor"),
        description=event_description(slack_link("T1", "G1")),
        url=slack_link("T1", "G1"),
        **kwargs,
    )


def test_the_agreement_gives_the_next_preferred_day_at_the_window_start_for_the_agreed_term():
    agreed = from_terms()
    assert agreed is not None
    # Confirmed on a Tuesday: the first meeting is Thursday, not the same day, at 14:00 in Paris.
    assert agreed.first_start == datetime(2026, 3, 26, 14, 0, tzinfo=PARIS)
    assert (agreed.duration, agreed.interval_weeks, agreed.count, agreed.until) == (
        timedelta(minutes=45),
        1,
        6,
        None,
    )
    assert agreed.organiser == Attendee("Ana Lopez", "ana@example.com")  # the mentee: mentee-driven
    assert agreed.attendees == (ANA, BEN)
    local = starts(parsed(agreed))
    assert len(local) == 6 and {s.astimezone(PARIS).time() for s in local} == {time(14, 0)}
    assert local[0].astimezone(UTC).hour == 13 and local[1].astimezone(UTC).hour == 12  # DST on 29 March


def test_no_goal_note_or_answer_reaches_the_file():
    agreed = from_terms()
    assert agreed is not None
    raw = calendar_ics(agreed, stamp=STAMP)
    assert MARKER.encode() not in raw
    (event,) = Calendar.from_ical(raw).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Copilot pairing: Ana Lopez & Ben Okafor"
    assert "https://slack.com/app_redirect?channel=G1&team=T1" in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    ("cadence", "weeks"), [("weekly", 1), ("biweekly", 2), ("monthly", 4)], ids=["weekly", "two", "four"]
)
def test_each_agreed_cadence_is_its_interval_in_weeks(cadence: str, weeks: int):
    agreed = from_terms({**TERMS, "cadence": cadence})
    assert agreed is not None and agreed.interval_weeks == weeks
    local = starts(parsed(agreed))
    assert [(b.date() - a.date()).days for a, b in pairwise(local)] == [7 * weeks] * 5


def test_an_end_date_ends_the_series_that_day():
    agreed = from_terms({**TERMS, "cadence": "biweekly", "length": {"end_date": "2026-05-07"}})
    assert agreed is not None and (agreed.count, agreed.until) == (None, date(2026, 5, 7))
    assert [s.date() for s in starts(parsed(agreed))] == [
        date(2026, 3, 26),
        date(2026, 4, 9),
        date(2026, 4, 23),
        date(2026, 5, 7),
    ]


def test_a_revisit_counts_the_meetings_already_held_and_none_is_left_means_no_series():
    assert from_terms(meetings_held=4).count == 2  # type: ignore[union-attr]
    assert from_terms(meetings_held=6) is None
    assert (
        from_terms({**TERMS, "length": {"end_date": "2026-03-25"}}) is None
    )  # ends before the first meeting
    assert from_terms({**TERMS, "cadence": None}) is None


def test_without_days_or_window_the_first_working_day_at_ten_in_the_organisers_time():
    terms = {**TERMS, "preferred_days": [], "time_window": None}
    friday = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    assert first_meeting(terms, friday, ANA_PARIS, ANA_PARIS) == datetime(2026, 3, 30, 10, 0, tzinfo=PARIS)


def test_a_copilot_organiser_gets_the_mentees_agreed_time_in_their_own_zone():
    agreed = from_terms({**TERMS, "organiser": "copilot"})
    assert agreed is not None and agreed.organiser == Attendee("Ben Okafor", "ben@example.com")
    # 14:00 in Paris on Thursday 26 March is 09:00 in Toronto (on summer time since 8 March; Paris not yet).
    assert agreed.first_start == datetime(2026, 3, 26, 9, 0, tzinfo=TORONTO)
    assert agreed.first_start.tzinfo == TORONTO
    alternate = from_terms({**TERMS, "organiser": "alternate"})
    assert alternate is not None and alternate.organiser.name == "Ana Lopez"  # one series, one organiser


def test_the_title_and_description_are_in_the_readers_language():
    with reading_in("fr"):
        agreed = from_terms()
    assert agreed is not None
    assert agreed.title == "Binôme copilote : Ana Lopez et Ben Okafor"
    assert agreed.description.startswith("Vos rencontres de binôme")
    assert agreed.description.endswith("dans Slack : https://slack.com/app_redirect?channel=G1&team=T1")


def test_the_line_posted_with_the_file_is_translated():
    assert calendar_message().text == "Add this to your calendar"
    with reading_in("fr-CA"):
        assert calendar_message().text == "Ajoutez ceci à votre agenda"


ZONES = ["Europe/Paris", "America/Toronto", "America/Sao_Paulo", "Australia/Sydney", "Asia/Kolkata", "UTC"]


@settings(max_examples=40, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    hour=st.integers(min_value=7, max_value=20),  # meeting hours: never inside a daylight-saving jump
    weeks=st.sampled_from([1, 2, 4]),
    count=st.integers(min_value=1, max_value=30),
)
def test_any_series_expands_to_its_count_on_the_same_weekday_at_the_same_local_time(
    zone: str, day: date, hour: int, weeks: int, count: int
):
    tz = ZoneInfo(zone)
    local = starts(
        parsed(series(datetime.combine(day, time(hour, 15), tzinfo=tz), interval_weeks=weeks, count=count))
    )
    assert [s.astimezone(tz).date() for s in local] == [
        day + timedelta(weeks=weeks * n) for n in range(count)
    ]
    assert {s.astimezone(tz).time() for s in local} == {time(hour, 15)}
